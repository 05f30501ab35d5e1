"""Text before it is YAML: bytes to UTF-8, characters refused, and where a character is.

Positions count lines where the YAML parser breaks them. The parser (YAML
1.1) also breaks lines at U+0085, U+2028 and U+2029, which YAML 1.2 readers
and editors do not: a file holding one is refused, so that every line number
spinedx gives is the line an editor shows.
"""

from __future__ import annotations

import re
from typing import Final

from spinedx._diagnostics import Diagnostic, Span, diagnostic

# PyYAML and libyaml both break lines at these; so does str.splitlines().
BREAK: Final = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# ...but YAML 1.2 readers and most editors do not break at these three.
_YAML11_BREAK: Final = re.compile("[\x85\u2028\u2029]")
_BREAK_NAMES: Final = {
    "\x85": "U+0085 (next line)",
    "\u2028": "U+2028 (line separator)",
    "\u2029": "U+2029 (paragraph separator)",
}
_CONTROL: Final = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BOM: Final = b"\xef\xbb\xbf"
_HINTS: Final = {
    "SPX109": "save the file as UTF-8 text; delete control characters (often invisible)",
    "SPX112": "delete the character (most editors show nothing there), or put a plain line break",
}


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``, breaking lines where YAML does."""
    line, start = 1, 0
    for match in BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def refused_characters(text: str, file: str) -> list[Diagnostic]:
    """SPX109 at the first control character, else SPX112 at the first YAML 1.1 line break."""
    return _control(text, file) or _yaml11_break(text, file)


def _one(code: str, message: str, file: str, where: tuple[int, int]) -> list[Diagnostic]:
    return [diagnostic(code, message, Span.at(file, *where), hint=_HINTS[code])]


def decode(data: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text without its BOM, or SPX109 at the first byte that is not UTF-8."""
    # The BOM comes off first: "utf-8-sig" counts its error offsets after the BOM.
    bom = len(_BOM) if data.startswith(_BOM) else 0
    body = data[bom:]
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError as error:
        good = body[: error.start].decode("utf-8")
        # A control character before the bad byte is the first problem to show.
        if problems := _control(good, file):
            return None, problems
        offset = bom + error.start
        message = f"byte 0x{body[error.start]:02x} at offset {offset} is not valid UTF-8"
        return None, _one("SPX109", message, file, line_and_column(good, len(good)))


def _control(text: str, file: str) -> list[Diagnostic]:
    """SPX109 at the first character that YAML does not allow in text, if there is one."""
    found = _CONTROL.search(text)
    if found is None:
        return []
    message = f"the control character U+{ord(found.group()):04X} is not allowed in YAML"
    return _one("SPX109", message, file, line_and_column(text, found.start()))


def _yaml11_break(text: str, file: str) -> list[Diagnostic]:
    """SPX112 at the first line break that only YAML 1.1 sees, if there is one.

    Everything after it is read on a new line by spinedx and on the same line
    by an editor: a key after ``# comment<U+2028>`` is live to one, hidden in
    a comment to the other. Positions before it agree, so it is located exactly.
    """
    found = _YAML11_BREAK.search(text)
    if found is None:
        return []
    message = (
        f"the character {_BREAK_NAMES[found.group()]} is a line break to YAML 1.1 "
        "but not to YAML 1.2 readers or editors"
    )
    return _one("SPX112", message, file, line_and_column(text, found.start()))
