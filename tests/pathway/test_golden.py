"""Golden pathways: every valid case loads clean; every invalid case gives exactly its errors.

Each folder under ``cases/invalid`` holds a pathway with one kind of mistake
and an ``expected.yaml`` listing the errors it must produce, as
``[code, file, line, column]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import spinedx
from spinedx import PathwayError, check_pathway, load_pathway
from spinedx._diagnostics.codes import CODES
from tests.paths import CASES

VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.name)
def test_valid_case_loads_clean(case: Path) -> None:
    assert [d for d in check_pathway(case) if d.is_error] == []
    pathway = load_pathway(case)
    assert pathway.digest.startswith("sha256:")


def _expected(case: Path) -> list[tuple[str, str, int, int]]:
    rows = yaml.safe_load((case / "expected.yaml").read_text())
    return sorted((code, file, line, column) for code, file, line, column in rows)


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_invalid_case_reports_exactly_its_errors(case: Path) -> None:
    found = sorted(
        (d.code, Path(d.span.file).name, d.span.line, d.span.column)
        for d in check_pathway(case)
        if d.is_error
    )
    assert found == _expected(case)


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.name)
def test_invalid_case_raises_pathway_error_with_all_diagnostics(case: Path) -> None:
    with pytest.raises(PathwayError) as caught:
        load_pathway(case)
    errors = [d for d in caught.value.diagnostics if d.is_error]
    assert len(errors) == len(_expected(case))
    assert str(caught.value).startswith(f"{len(errors)} error")
    for diagnostic in errors:
        assert diagnostic.message
        assert diagnostic.name
        assert diagnostic.span.line >= 1
        assert diagnostic.span.column >= 1


def test_every_code_in_the_registry_is_exercised_or_documented() -> None:
    used = {row[0] for case in INVALID for row in _expected(case)}
    assert used <= set(CODES)
    assert spinedx.__all__
