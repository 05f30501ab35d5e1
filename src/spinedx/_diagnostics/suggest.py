"""The one "did you mean" helper: the closest known name to a misspelt one.

Every suggestion spinedx makes goes through :func:`closest` (or a
:class:`SuggestionBudget` when one run makes many), and is written by
:func:`did_you_mean`. A suggestion is data as well as words: a diagnostic that
makes one carries the suggested value in its ``context`` under
:data:`SUGGESTION` (``diagnostic(..., suggestion=...)`` puts it there).

Example:
    >>> closest("agee", ["age", "sex"])
    'age'
    >>> suggest("agee", ["age", "sex"], otherwise="the fields are: age, sex")
    Suggestion(hint="did you mean 'age'?", value='age')
    >>> suggest("zzz", ["age", "sex"], otherwise="the fields are: age, sex")
    Suggestion(hint='the fields are: age, sex', value=None)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import NamedTuple

CUTOFF = 0.6
"""How alike two names must be (difflib's ratio) for one to be suggested for the other."""

MAX_NAMES_SEARCHED = 100_000
"""Names one run of suggestions may look through; the first search is always complete."""

SUGGESTION = "suggestion"
"""The ``context`` key of a diagnostic's suggested value."""


def closest(name: str, candidates: Iterable[str], *, cutoff: float = CUTOFF) -> str | None:
    """The candidate most like ``name``, if any is close enough to suggest.

    A candidate whose length alone rules it out is never compared: difflib's
    ratio is at most ``2 * shorter / (both lengths)``.
    """
    size = len(name)
    near = [c for c in candidates if 2 * min(size, len(c)) >= cutoff * (size + len(c))]
    matches = difflib.get_close_matches(name, near, n=1, cutoff=cutoff)
    return matches[0] if matches else None


class SuggestionBudget:
    """Bounds the work of many "did you mean" searches over the same large set of names.

    Each search looks through every candidate, so thousands of misspelt names
    in a pathway of thousands of nodes would cost millions of comparisons.
    Searches go on until :data:`MAX_NAMES_SEARCHED` names have been looked
    through; after that none is made, and the caller's plain hint stands.
    """

    def __init__(self, names: int = MAX_NAMES_SEARCHED) -> None:
        self.left = names
        self.searched = False

    def closest(self, name: str, candidates: Sequence[str]) -> str | None:
        """:func:`closest`, or None once the budget is spent."""
        if self.searched and len(candidates) > self.left:
            return None
        self.left -= len(candidates)
        self.searched = True
        return closest(name, candidates)


def did_you_mean(suggestion: str, quote: str = "'") -> str:
    """The hint that offers ``suggestion``, quoted as the author would write it."""
    return f"did you mean {quote}{suggestion}{quote}?"


class Suggestion(NamedTuple):
    """A hint, and the suggested value it offers if any:
    ``diagnostic(..., hint=s.hint, suggestion=s.value)``."""

    hint: str | None
    value: str | None


def suggest(
    name: str,
    candidates: Iterable[str],
    *,
    otherwise: str | None = None,
    budget: SuggestionBudget | None = None,
    cutoff: float = CUTOFF,
    prefix: str = "",
    quote: str = "'",
) -> Suggestion:
    """A "did you mean" for the closest candidate (after ``prefix``), else ``otherwise``.

    With a ``budget``, candidates must be a sequence and the search may be skipped.
    """
    if budget is not None:
        listed = candidates if isinstance(candidates, Sequence) else list(candidates)
        near = budget.closest(name, listed)
    else:
        near = closest(name, candidates, cutoff=cutoff)
    if near is None:
        return Suggestion(otherwise, None)
    value = prefix + near
    return Suggestion(did_you_mean(value, quote), value)
