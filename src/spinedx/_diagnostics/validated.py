"""What record validation shares with the record models: which instances it made.

Only an instance that validation made skips validating again. A pydantic
model can be built without validation (``model_construct``) or copied with
unchecked values (``model_copy(update=...)``); neither passes through here,
and a copy is a new object, so it is not taken for its original.
Instances are remembered by identity, weakly: a record is frozen, so once
validated it stays valid for as long as it lives.
"""

from __future__ import annotations

import weakref

from pydantic import BaseModel

_made: weakref.WeakValueDictionary[int, BaseModel] = weakref.WeakValueDictionary()


def mark_validated(record: BaseModel) -> None:
    """Remember that validation made ``record``."""
    _made[id(record)] = record


def is_validated(record: BaseModel) -> bool:
    """True if validation made this very instance (a copy of it does not count)."""
    return _made.get(id(record)) is record


DUPLICATE_ENTRY = "duplicate_entry"
"""The error type of a list entry that repeats an earlier one exactly (SPX502)."""
