"""Coverage-guided fuzzing of cohorts: ``evaluate_many`` on JSON text.

The first byte of an input picks how the rest reaches ``evaluate_many`` (in
this process; the shipped pathway):

- 0: one record, the bytes as they are;
- 1: one record, as text (UTF-8, invalid bytes replaced);
- 2: JSON lines: each line of that text is a record, streamed in order;
- 3-255: the text read by Python's ``json`` module, given as plain data
  (input ``json`` itself refuses is skipped: that is not spinedx's to judge).

What must hold, as ``evaluate_many`` documents it: only ``PatientError``
escapes, with at least one error, every span inside the record's text, and
rendering never fails; text with a key twice in one object (after escapes
are read) is never accepted; a record that is accepted gives the same
recommendations with ``needs=True`` as without, the same as
``Pathway.recommend`` and ``Pathway.evaluate`` on the validated record, the
same as text and as UTF-8 bytes, and its JSON text read as plain data gives
the same again; a line of a stream gives what it gives alone. libFuzzer
reports any input slower than 2 s or above 2 GB.

Run (see docs/security.md):

    make fuzz                                      # every target, FUZZ_SECONDS each
    .venv/bin/python fuzz/fuzz_cohort.py -max_total_time=300
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, check_spans, instrumented, run

with instrumented():
    from spinedx import PatientError, evaluate_many, load_pathway, load_patient
    from spinedx.scenarios import load_scenarios

SHIPPED = load_pathway(ROOT / "pathways" / "spinal_tumor")
RECORD = "<patient>"  # the name diagnostics give a record that is not a file
Record = str | bytes | Mapping[str, object]
Outcome = tuple[list[str], list[str]] | tuple[str, ...]


class _TwiceError(Exception):
    """A key appears twice in one JSON object."""


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    if len({key for key, _ in pairs}) != len(pairs):
        raise _TwiceError
    return dict(pairs)


def has_duplicate_key(text: str) -> bool:
    """Whether Python's json reads a key twice in one object of ``text``."""
    try:
        json.loads(text, object_pairs_hook=_unique)
    except _TwiceError:
        return True
    except (ValueError, RecursionError):
        return False
    return False


def _refused(error: PatientError, text: str | None) -> tuple[str, ...]:
    """Check a refusal; its codes, to compare with other forms of the same record."""
    if not any(d.is_error for d in error.diagnostics):
        raise AssertionError("a PatientError without an error") from error
    if text is not None:
        check_spans(error.diagnostics, {RECORD: text})
    error.render()
    str(error)
    return tuple(sorted({d.code for d in error.diagnostics}))


def _accepted(record: Record, ids: list[str]) -> list[str]:
    """Check an accepted record against the other ways of evaluating it; its needed fields."""
    [(again, needed)] = list(evaluate_many(SHIPPED, [record], needs=True))
    if again != ids:
        raise AssertionError(f"needs=True gave {again}, needs=False {ids}")
    patient = SHIPPED.validate_patient(record)
    if SHIPPED.recommend(patient) != ids:
        raise AssertionError(f"recommend gave {SHIPPED.recommend(patient)}, evaluate_many {ids}")
    evaluation = SHIPPED.evaluate(patient)
    definite = [rec.id for rec in evaluation.recommendations if rec.certainty == "definite"]
    if definite != ids:
        raise AssertionError(f"evaluate gave {evaluation.recommendations}, evaluate_many {ids}")
    if [need.field for need in evaluation.needs] != needed:
        raise AssertionError(f"evaluate needs {evaluation.needs}, evaluate_many {needed}")
    return needed


def outcome(record: Record, text: str | None) -> Outcome:
    """What one record gives: (ids, needed fields), or the codes of its refusal."""
    try:
        [ids] = list(evaluate_many(SHIPPED, [record]))
    except PatientError as error:
        return _refused(error, text)
    if text is not None and has_duplicate_key(text):
        raise AssertionError(f"a key given twice was accepted, one value silently dropped: {ids}")
    return ids, _accepted(record, ids)


def _one_text(text: str) -> None:
    got = outcome(text, text)
    as_bytes = outcome(text.encode("utf-8", "surrogatepass"), text)
    if as_bytes != got:
        raise AssertionError(f"as text {got}, as UTF-8 bytes {as_bytes}")
    if isinstance(got[0], list):  # accepted: the same data, read by Python's json, agrees
        try:
            data = json.loads(text)
        except ValueError:  # an integer of more digits than Python converts from text
            return
        plain = outcome(data, None)
        if plain != got:
            raise AssertionError(f"as JSON text {got}, as plain data {plain}")


def _alone(line: str) -> list[str] | None:
    """The ids of one line evaluated on its own; None when it is refused."""
    try:
        [ids] = list(evaluate_many(SHIPPED, [line]))
    except PatientError:
        return None
    return ids


def _lines(text: str) -> None:
    # Each line was checked in full as a record of its own (modes 0 and 1): here the
    # stream only has to agree with the lines taken one at a time.
    lines = text.split("\n")
    rows = evaluate_many(SHIPPED, lines)
    for index, line in enumerate(lines):
        try:
            row = next(rows)
        except PatientError as error:  # the stream stops at the first bad record
            _refused(error, line)
            if _alone(line) is not None:
                raise AssertionError(f"line {index + 1} is refused only in a stream") from None
            return
        if _alone(line) != row:
            raise AssertionError(f"line {index + 1} gives {row} in a stream, otherwise alone")
    if next(rows, None) is not None:
        raise AssertionError("more results than records")


def one_input(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0], data[1:]
    text = body.decode("utf-8", "replace")
    if mode == 0:
        got = outcome(body, body.decode("utf-8-sig", "replace"))
        if isinstance(got[0], list) and outcome(text, text) != got:
            raise AssertionError(f"as bytes {got}, as text {outcome(text, text)}")
    elif mode == 1:
        _one_text(text)
    elif mode == 2:
        _lines(text)
    else:
        try:
            plain = json.loads(text)
        except (ValueError, RecursionError):
            return
        outcome(plain, None)


def seeds() -> Iterator[bytes]:
    examples = sorted((ROOT / "examples" / "patients").glob("*.yaml"))
    records = [load_patient(path) for path in examples]
    records += [scenario.patient for scenario in load_scenarios(SHIPPED)][:20]
    texts = [r.model_dump_json(exclude_computed_fields=True).encode() for r in records]
    for text in texts:
        yield bytes([0]) + text
        yield bytes([1]) + text
        yield bytes([3]) + text
    yield bytes([2]) + b"\n".join(texts[:4])
    for text in (
        b"{}",
        b"",
        b"[]",
        b"null",
        b'{"sex": "female", "sex": "male"}',
        b'{"history": {"night_pain": true, "night_pain": false}}',
        b"[" * 1000,
        b"{" * 1000,
        b'{"a":' * 1000,
        b'{"sex": "fem\x00ale"}',
        b'{"sex": "female"}\x00',
        b'\xef\xbb\xbf{"sex": "female"}',
        b'{"age_years": 1e400}',
        b'{"age_years": NaN}',
        b'{"age_years": ' + b"9" * 5000 + b"}",
        b'{"patient_id": "\\ud800"}',
        b'{"sex": "female"}\n{"sex": "male", "sex": "male"}\n[[[[',
    ):
        for mode in range(4):
            yield bytes([mode]) + text


if __name__ == "__main__":
    run("cohort", one_input, seeds)
