"""The pathways that ship with spinedx, loadable by name: ``load_pathway("spinal-tumor")``.

A wheel carries them as package data in ``spinedx/pathways/<name>/`` (the
build copies the repository's ``pathways/`` folder there; see pyproject's
``force-include``); a source checkout, editable installs included, reads the
repository's ``pathways/`` folder itself, so there is one copy of each.

The rule: a string that is not an existing file or folder and holds no ``/``
is a name. It names the shipped pathway whose folder it is (with ``-`` for
``_``) or whose manifest ``id`` it is. An unknown name is an SPX100 at the
name, with a "did you mean" when one is close.
"""

from __future__ import annotations

import os
from pathlib import Path

from spinedx._diagnostics import Diagnostic, Span, diagnostic, suggest
from spinedx._documents import is_folder, read_yaml, to_plain

MANIFEST = "pathway.yaml"
_PACKAGE = Path(__file__).resolve().parent.parent
_PLACES = (
    _PACKAGE / "pathways",  # package data, in a wheel
    *((_PACKAGE.parent.parent / "pathways",) if _PACKAGE.parent.name == "src" else ()),
)


def shipped_pathways() -> dict[str, Path]:
    """Each shipped pathway's folder by its name (the folder's, with ``-`` for ``_``).

    Example:
        >>> sorted(shipped_pathways())
        ['spinal-tumor']
    """
    for place in _PLACES:
        if is_folder(place):
            return {
                entry.name.replace("_", "-"): entry
                for entry in sorted(place.iterdir())
                if (entry / MANIFEST).is_file()
            }
    return {}


def locate(given: str | os.PathLike[str]) -> Path | Diagnostic:
    """What to load for ``given``: the path itself, the shipped pathway it names,
    or the diagnostic for a name that is neither.

    Example:
        >>> locate("spinal-tumor").name
        'spinal_tumor'
        >>> print(locate("spinal-tumour").hint)
        did you mean 'spinal-tumor'?
    """
    if not isinstance(given, str) or "/" in given or os.sep in given or os.path.lexists(given):
        return Path(given)
    folders = shipped_pathways()
    by_id = {name: folder for folder in folders.values() if (name := _manifest_id(folder))}
    found = folders.get(given) or by_id.get(given)
    if found is not None:
        return found
    names = sorted({*folders, *by_id})
    fallback = "give the path of a pathway folder" + (
        f", or the name of a shipped pathway: {', '.join(names)}" if names else ""
    )
    near = suggest(given, names, otherwise=fallback)
    return diagnostic(
        "SPX100",
        f"there is no file or folder '{given}', and no shipped pathway has that name",
        Span.at(given, 1, 1),
        hint=near.hint,
        suggestion=near.value,
    )


def _manifest_id(folder: Path) -> str:
    tree, _, _ = read_yaml(folder / MANIFEST)
    data = to_plain(tree) if tree is not None else None
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else ""
