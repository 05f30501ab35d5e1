"""pytest plugin: every scenario file beside a pathway is a test.

Installed with spinedx (entry point ``pytest11: spinedx``). pytest collects
each ``*.yaml`` (or ``*.yml``) file inside a ``scenarios/`` folder whose
parent folder holds ``pathway.yaml``, as one test named after the scenario.
A failing scenario prints the same expected-and-got text as ``spinedx test``;
a pathway or scenario that cannot be loaded fails with its diagnostics.
Turn the plugin off with ``pytest -p no:spinedx``.

pytest loads this plugin in every project where spinedx is installed, so it
imports the engine only inside its hooks, once a scenario file is found: a
project without scenarios never pays for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spinedx._authoring import ScenarioResult
    from spinedx._diagnostics import PathwayError
    from spinedx._pathway import Pathway

# The layout the plugin recognises, spelt here so that looking at a project's
# files loads no engine; tests/cli/test_pytest_plugin.py checks it against the engine's.
SCENARIO_FOLDER = "scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml")
MANIFEST = "pathway.yaml"

_PATHWAYS: pytest.StashKey[dict[Path, Pathway | PathwayError]] = pytest.StashKey()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect a scenario file as a :class:`ScenarioFile`."""
    if is_scenario_file(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def is_scenario_file(path: Path) -> bool:
    """A YAML file in a ``scenarios/`` folder that sits beside a ``pathway.yaml``."""
    return (
        path.suffix in SCENARIO_SUFFIXES
        and path.parent.name == SCENARIO_FOLDER
        and (path.parent.parent / MANIFEST).is_file()
    )


class ScenarioFailedError(AssertionError):
    """A scenario ran and some expectation did not hold."""

    def __init__(self, result: ScenarioResult) -> None:
        super().__init__(result.name)
        self.result = result


class ScenarioFile(pytest.File):
    """One scenario file: one test."""

    def collect(self) -> list[pytest.Item]:
        """The file's one scenario, named after its ``name:`` (or the file when unreadable)."""
        from spinedx._authoring import scenario_name  # noqa: PLC0415  (the engine loads on use)

        name = scenario_name(self.path) or self.path.stem
        return [ScenarioItem.from_parent(self, name=name.replace("::", ":"))]


class ScenarioItem(pytest.Item):
    """Load the pathway (once per session), load the scenario, run it."""

    def runtest(self) -> None:
        """Pass, or raise with what failed."""
        from spinedx._authoring import load_scenario, run_scenario  # noqa: PLC0415  (as above)

        pathway = self._pathway()
        result = run_scenario(pathway, load_scenario(pathway, self._shown(self.path)))
        if not result.passed:
            raise ScenarioFailedError(result)

    def _pathway(self) -> Pathway:
        # The pathway is loaded when the first test runs, not at collection: by
        # then every conftest has run and registered its record models.
        from spinedx._diagnostics import PathwayError  # noqa: PLC0415  (as above)
        from spinedx._pathway import load_pathway  # noqa: PLC0415  (as above)

        cache = self.config.stash.setdefault(_PATHWAYS, {})
        folder = self.path.parent.parent
        if folder not in cache:
            try:
                cache[folder] = load_pathway(self._shown(folder))
            except PathwayError as error:
                cache[folder] = error
        loaded = cache[folder]
        if isinstance(loaded, PathwayError):
            raise loaded
        return loaded

    def _shown(self, path: Path) -> Path:
        """The path as the person running pytest would write it: relative where it can be."""
        here = self.config.invocation_params.dir
        return path.relative_to(here) if path.is_relative_to(here) else path

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: str | None = None,
    ) -> str:
        """The scenario's expected-and-got text, or the diagnostics that stopped it."""
        from spinedx._diagnostics import PathwayError  # noqa: PLC0415  (as above)

        error = excinfo.value
        if isinstance(error, ScenarioFailedError):
            return error.result.explain()
        if isinstance(error, PathwayError):
            return error.render()
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the test is, for pytest's report."""
        return self.path, 0, f"scenario: {self.name}"
