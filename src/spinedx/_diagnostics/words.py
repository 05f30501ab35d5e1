"""The ways spinedx puts a value into words, one function per purpose.

- :func:`describe_value`: a value found in a file where another was expected,
  named in the author's words ("the number 3", "a list").
- :func:`as_written`: a plain value (a concluded fact, an expectation) written
  back the way a YAML file writes it (``true``, ``null``, ``high``).

Example:
    >>> describe_value([1, 2]), describe_value("brisk")
    ('a list', "the text 'brisk'")
    >>> as_written(True), as_written(None), as_written("high")
    ('true', 'null', 'high')
"""

from __future__ import annotations

_SHOWN_CHARS = 60


def describe_value(value: object) -> str:
    """Name a found value in the words a pathway author uses."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int | float):
        return f"the number {value}"
    text = str(value)
    return f"the text {text[:_SHOWN_CHARS]!r}" + ("…" if len(text) > _SHOWN_CHARS else "")


def as_written(value: object) -> str:
    """A plain value as a YAML file writes it: ``true``/``false``, ``null``, else as is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)
