"""A griffe extension for the docs build: read ``Example:`` sections as doctest examples.

spinedx's docstrings say ``Example:`` (as Napoleon and Google's guide allow);
griffe's Google parser only knows ``Examples:`` and would otherwise render the
``>>>`` lines as Markdown, where ``[x for x in xs]`` followed by ``[]`` reads
as a link. mkdocs.yml loads this file for mkdocstrings.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_SINGULAR = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExamplesSection(griffe.Extension):
    """Rename ``Example:`` section titles to ``Examples:`` before docstrings are parsed."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        _rename(pkg)  # on_object only sees the members of the package, not the package

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        _rename(obj)


def _rename(obj: griffe.Object) -> None:
    if obj.docstring is not None:
        obj.docstring.value = _SINGULAR.sub(r"\1Examples:", obj.docstring.value)
