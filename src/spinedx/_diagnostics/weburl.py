"""What counts as a web address: the only kind of URL a pathway may cite.

A source URL ends up as a link in Markdown reports and on pages people click.
A ``javascript:`` or ``data:`` URL there would run or show whatever its author
wrote, so only ``http://`` and ``https://`` addresses with a host are
accepted, and none with spaces, quotes or angle brackets, which would end a
link early in Markdown or HTML.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SHAPE = re.compile(r"https?://[^\s<>\"`\\{}|^\x00-\x1f\x7f]+", re.IGNORECASE)


def is_web_address(text: str) -> bool:
    """Whether ``text`` is an http(s) address with a host, safe to show as a link.

    Example:
        >>> is_web_address("https://www.nice.org.uk/guidance/ng234")
        True
        >>> is_web_address("javascript:alert(1)")
        False
    """
    if not _SHAPE.fullmatch(text):
        return False
    try:
        return bool(urlsplit(text).hostname)
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        return False
