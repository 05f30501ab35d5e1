"""Files and folders: what is at a path, a folder's files, and one file's bytes.

Every question spinedx asks the file system goes through here, and none of
them raises for what it finds: the answer is the problem in words ("is a
directory", "Permission denied") for the caller to locate. A file is read
from the descriptor that was opened and then checked, so a link swapped
between a check and the open can never put another file's text in front of
the reader.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Final

from spinedx._diagnostics import PathwayError, Span, diagnostic

# Opening never waits: a named pipe without a writer would block the open forever.
_OPEN_FLAGS: Final = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class FileProblemError(OSError):
    """A file that was opened but is not one spinedx reads; ``strerror`` says why."""


def what_is(path: str | os.PathLike[str]) -> str | None:
    """What is at ``path`` when it is plainly not a file to read, in words; else None.

    Links are followed. None means a regular file, or that the file system
    would not say (no permission): then reading it reports the reason.

    Example:
        >>> what_is("pathways"), what_is("pathways/spinal_tumor/pathway.yaml")
        ('is a directory', None)
    """
    try:
        mode = Path(path).stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symlink loop"
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return "does not exist"
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    return None if stat.S_ISREG(mode) else "is not a regular file"


def is_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder (links followed); False when it cannot be looked at."""
    try:
        return stat.S_ISDIR(Path(path).stat().st_mode)
    except (OSError, ValueError):
        return False


def is_inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether ``path``, with every link resolved, lies inside ``folder``."""
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def files_in(folder: str | os.PathLike[str], suffixes: tuple[str, ...]) -> list[Path]:
    """The files directly inside ``folder`` whose names end in one of ``suffixes``, sorted.

    Raises:
        PathwayError: SPX100 at the folder when it cannot be listed.
    """
    found: list[Path] = []
    try:
        entries = os.scandir(folder)
    except OSError as error:
        message = f"the folder cannot be read: {error.strerror or error}"
        where = Span.at(os.fspath(folder), 1, 1)
        hint = "let the user running spinedx read the folder, or name another one"
        raise PathwayError([diagnostic("SPX100", message, where, hint=hint)]) from None
    with entries:
        for entry in entries:
            if not entry.name.endswith(suffixes):
                continue
            try:
                regular = entry.is_file()
            except OSError:  # cannot be looked at: reading it will say why, at its name
                regular = True
            if regular:
                found.append(Path(folder) / entry.name)
    return sorted(found)


def read_bytes(
    path: str | os.PathLike[str], limit: int, *, within: str | os.PathLike[str] | None = None
) -> tuple[bytes, int]:
    """The first ``limit + 1`` bytes of a regular file and its size, or b"" when it is larger.

    Args:
        path: The file; links are followed.
        limit: The largest size read; a larger file is not read at all.
        within: When given, the file that was opened must lie inside this
            folder, checked on the opened descriptor itself.

    Raises:
        OSError: when the file cannot be opened or is not one to read (a
            folder, a device, a pipe, a file outside ``within``); ``strerror``
            says why in words.
    """
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        opened = os.fstat(descriptor)
        if stat.S_ISDIR(opened.st_mode):
            raise FileProblemError(errno.EISDIR, "it is a directory")
        if not stat.S_ISREG(opened.st_mode):
            raise FileProblemError(errno.EINVAL, "it is not a regular file")
        if within is not None and not _opened_inside(path, opened, within):
            raise FileProblemError(errno.EACCES, "it leads to a file outside the pathway folder")
        if opened.st_size > limit:
            return b"", opened.st_size
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    finally:
        os.close(descriptor)
    return data, max(opened.st_size, len(data))


def _opened_inside(
    path: str | os.PathLike[str], opened: os.stat_result, folder: str | os.PathLike[str]
) -> bool:
    """Whether the opened file is the one that ``path`` resolves to now, inside ``folder``.

    The path is resolved after the open: if it was pointed elsewhere between
    the two, the file it names now is not the one that was opened.
    """
    if not is_inside(path, folder):
        return False
    try:
        now = Path(os.path.realpath(path)).stat()
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino)
