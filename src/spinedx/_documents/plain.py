"""Plain scalars: what an unquoted value means, and the spellings YAML versions read apart.

A plain scalar resolves by a subset of the YAML 1.2 core schema. A spelling
that YAML 1.1 (PyYAML, many editors) reads as something else, such as ``no``
or ``012``, stays text and is reported; so is a plain key that other readers
take for a boolean or null, where ``true:`` and ``True:`` would be one key.
"""

from __future__ import annotations

import math
import re
from typing import Final

_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS: Final = {
    word: word[0] in "tT" for word in ("true", "True", "TRUE", "false", "False", "FALSE")
}
_YAML11_BOOLS: Final = frozenset(
    "y Y yes Yes YES n N no No NO on On ON off Off OFF".split()  # noqa: SIM905 - reads as the list
)
_NUMBER_START: Final = frozenset("0123456789+-.")
_INT: Final = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT: Final = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?")
# Spellings that YAML 1.1 (PyYAML, many editors) reads as some other number.
_AMBIGUOUS: Final = (
    (r"0(?:x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)", "has a base prefix"),
    (r"0[0-9_]+", "has a leading zero, which YAML 1.1 reads as octal"),
    (r"[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?", "is a base-60 number to YAML 1.1, not a time"),
    (r"(?=.*_)[0-9_.]*[0-9][0-9_.]*", "has '_' between digits, which YAML versions read apart"),
    (r"\.(?:inf|Inf|INF|nan|NaN|NAN)", "is not a finite number"),
    # YAML 1.1 floats need a point and a signed exponent: '1e3' is text there.
    (r"(?:[0-9]+[eE][-+]?|[0-9]*\.[0-9]*[eE])[0-9]+", "is text to YAML 1.1, a number to 1.2"),
)
_AMBIGUOUS_RES: Final = tuple((re.compile("[-+]?" + p), why) for p, why in _AMBIGUOUS)


def resolve(raw: str) -> tuple[str | int | float | bool | None, tuple[str, str] | None]:
    """A plain scalar's value, and (code, message) when it is ambiguous: then it stays text."""
    if raw in _NULLS:
        return None, None
    if raw in _BOOLS:
        return _BOOLS[raw], None
    if raw in _YAML11_BOOLS:
        return raw, ("SPX106", f"'{raw}' is a yes/no word that YAML 1.1 reads as a boolean")
    if raw[0] not in _NUMBER_START:
        return raw, None
    if _INT.fullmatch(raw):
        try:
            return int(raw), None
        except ValueError:  # beyond Python's limit on digits converted from text
            return raw, ("SPX107", f"'{raw[:12]}…' has too many digits to be a number")
    for pattern, why in _AMBIGUOUS_RES:
        if pattern.fullmatch(raw):
            return raw, ("SPX107", f"'{raw}' {why}")
    if _FLOAT.fullmatch(raw):
        number = float(raw)
        if math.isfinite(number):
            return number, None
        return raw, ("SPX107", f"'{raw}' is too large to be a finite number")
    return raw, None


def word_key(raw: str) -> str | None:
    """Why other YAML readers would not read this plain key as the text it spells, if so.

    A value is a word or a boolean, never both, so it is refused however rare
    the reader; a key is a name, and the one-letter ``y`` and ``n`` are left
    to be names: PyYAML, libyaml and YAML 1.2 readers all read them as text.
    """
    shown = f"the key '{raw}'" if raw else "an empty key"
    if raw in _NULLS:
        return f"{shown} is null, not text, to other YAML readers"
    if raw in _BOOLS:
        return f"{shown} is the boolean {str(_BOOLS[raw]).lower()}, not text, to other YAML readers"
    if raw in _YAML11_BOOLS and len(raw) > 1:
        return f"{shown} is a boolean, not text, to YAML 1.1 readers"
    return None
