"""Arithmetic in conditions: a result that is not a finite number is unknown.

Python's arithmetic is not total over what a condition can meet: a product of
large whole numbers divided by another raises ``OverflowError``, a float product
overflows to ``inf``, ``inf - inf`` is ``nan``, which compares false with
everything, and ``x / 0`` raises. Here every result is checked instead: one that
is not a finite number (or a whole number too large to be one) is unknown,
``None``, like a missing value. The compiled closures, the tracer and the type
checker's folding of fixed numbers all use these functions, so they agree.

Example:
    >>> ARITH["/"](1, 0) is None, ARITH["*"](1e300, 1e300) is None, ARITH["-"](5, 2)
    (True, True, 3)
    >>> no_number("/", 0)
    'division by zero'
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable
from typing import Any

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
"""The four operators on two known numbers: the result, or ``None`` when it is not a number."""


def no_number(op: str, right: Any) -> str:
    """Why ``left <op> right`` gave no number, in the words of an explanation."""
    return "division by zero" if op == "/" and right == 0 else "not a finite number"
