"""What conditions mean, written once: values, unknowns and the rules that join them.

A value is ``None`` when it is not known. The closures (``closures``), the
tracer (``trace``) and the generated fast path (``spinedx._evaluation``'s
accelerator) all call these functions or are checked, by
``tests/evaluation/test_differential.py``, to give what they give:

- **Kleene logic**: ``not`` of unknown is unknown; ``and`` is false as soon as
  one operand is false, else unknown if one is unknown (``or`` alike, with
  true); ``at_least(n, …)`` is true once ``n`` hold, false once too few can.
- **Comparisons**: unknown if either side is; ``x in list`` is unknown, not
  false, when ``x`` is missing from the known items but the list has an unknown
  item that might have matched.
- **Quantifiers** ``any``/``all`` settle like ``or``/``and`` over the items;
  ``count(… for …)`` is unknown if any item's test is.
- **Dates** compare as dates (a datetime as its date, a fact's ISO text
  parsed); a plain ``Enum`` compares by its value; ``years_between`` counts
  whole years as an age is counted.
- **Arithmetic**: a result that is not a finite number (``x / 0``, an
  overflow, ``inf - inf``) is unknown, like a missing value.

Every rule reads its operands lazily (an iterable), so callers short-circuit
exactly where the rule does.

Example:
    >>> logic(True, [True, None]), logic(False, [None, True]), not_(None)
    (None, True, None)
    >>> at_least(2, [True, False, None], 3), compare("in", "a", ("b", None))
    (None, None)
    >>> ARITH["/"](1, 0) is None, ARITH["*"](1e300, 1e300) is None, ARITH["-"](5, 2)
    (True, True, 3)
    >>> no_number("/", 0)
    'division by zero'
"""

from __future__ import annotations

import datetime
import enum
import math
import operator
import sys
from collections.abc import Callable, Iterable
from typing import Any

from spinedx._conditions.schema import DateType, EnumType, ListType, SchemaType

Normaliser = Callable[[Any], Any]

# -- logic (Kleene) ------------------------------------------------------------


def not_(value: Any) -> Any:
    """``not``: unknown stays unknown."""
    return None if value is None else not value


def logic(is_and: bool, values: Iterable[Any]) -> Any:
    """``and`` (``is_and``) or ``or`` over values read in order: the first false
    (``and``) or true (``or``) settles it; else unknown if any value was."""
    unknown = False
    for value in values:
        if value is None:
            unknown = True
        elif bool(value) is not is_and:
            return not is_and
    return None if unknown else is_and


def at_least(n: int, values: Iterable[Any], total: int) -> Any:
    """``at_least(n, …)`` over ``total`` values read in order, ``1 <= n <= total``.

    True once ``n`` are true; false once so many are false that the rest cannot
    make ``n``; unknown once it can be neither (too few true even if every value
    still to read is, but enough true or unknown). It stops at the first of
    these, so the values after it are not read.
    """
    true = unknown = 0
    left = total  # values not read yet
    for value in values:
        left -= 1
        if value is None:
            unknown += 1
        elif value:
            true += 1
            if true >= n:
                return True
        if true + unknown + left < n:
            return False
        if true + left < n <= true + unknown:
            return None
    return None  # pragma: no cover - the last value always settles it


def quantify(kind: str, results: Iterable[Any]) -> Any:
    """``any``/``all``/``count`` over each item's result, read in order; ``count``
    is unknown as soon as one item's result is."""
    if kind == "count":
        total = 0
        for value in results:
            if value is None:
                return None
            total += bool(value)
        return total
    settles = kind == "any"  # the item result that settles it: true for any, false for all
    return logic(not settles, results)


# -- comparisons ---------------------------------------------------------------

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def member(value: Any, items: Any, positive: bool) -> Any:
    """``value in items`` (``positive``) or ``not in``, both known; unknown when the
    value is not among the known items but an unknown item might have matched."""
    if value in items:
        return positive
    return None if None in items else not positive


def compare(op: str, left: Any, right: Any) -> Any:
    """One comparison, ``in`` and ``not in`` included; unknown if either side is."""
    if left is None or right is None:
        return None
    if op in ("in", "not in"):
        return member(left, right, op == "in")
    return OPS[op](left, right)


def chain(ops: Iterable[str], values: Iterable[Any]) -> Any:
    """``a < b <= c``: false if any link is false, else unknown if any link is."""
    read = iter(values)
    left = next(read)
    unknown = False
    for op, right in zip(ops, read, strict=True):
        result = compare(op, left, right)
        if result is None:
            unknown = True
        elif not result:
            return False
        left = right
    return None if unknown else True


# -- dates, enums, functions ---------------------------------------------------


def as_date(value: Any) -> Any:
    """Dates compare with dates: a datetime is read as its date, an ISO text (a fact) parsed."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return value


def enum_value(value: Any) -> Any:
    """A plain ``Enum`` member (not a ``StrEnum``) compares by its value."""
    return value.value if isinstance(value, enum.Enum) else value


def normaliser(found: SchemaType | None) -> Normaliser | None:
    """The conversion a value of this type needs before it is compared, if any."""
    if isinstance(found, DateType):
        return as_date
    if isinstance(found, EnumType) and found.python and not issubclass(found.python, str):
        return enum_value
    if isinstance(found, ListType):
        inner = normaliser(found.item)
        if inner is not None:
            return lambda items: [None if i is None else inner(i) for i in items]
    return None


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from ``start`` to ``end``, as an age is counted (negative if end is earlier)."""
    if end < start:
        return -years_between(end, start)
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def days_between(start: datetime.date, end: datetime.date) -> int:
    """Days from ``start`` to ``end``."""
    return (end - start).days


def is_known(value: Any) -> bool:
    """``known(x)``: the one rule that looks at an unknown instead of passing it on."""
    return value is not None


# -- arithmetic ----------------------------------------------------------------

LARGEST = sys.float_info.max
"""Whole numbers beyond this cannot be made a float: they are not finite numbers here."""


def finite(value: Any) -> Any:
    """``value`` if it is a finite number, else ``None`` (unknown)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value if -LARGEST <= value <= LARGEST else None


def negate(value: Any) -> Any:
    """``-value``, unknown if ``value`` is unknown or not a finite number."""
    return None if value is None else finite(-value)


def _checked(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def checked(left: Any, right: Any) -> Any:
        try:
            return finite(function(left, right))
        except (OverflowError, ZeroDivisionError):
            return None

    return checked


ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": _checked(operator.add),
    "-": _checked(operator.sub),
    "*": _checked(operator.mul),
    "/": _checked(operator.truediv),
}
"""The four operators on two known numbers: the result, or ``None`` when it is not a number.
The type checker folds fixed numbers with these too, so load time and run time agree."""


def no_number(op: str, right: Any) -> str:
    """Why ``left <op> right`` gave no number, in the words of an explanation."""
    return "division by zero" if op == "/" and right == 0 else "not a finite number"
