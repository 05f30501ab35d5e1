"""Text from a pathway or a record, written into Markdown so that it shows as written.

Pathway text is data: a ``<script>``, a ``[link](javascript:...)`` or a
``*`` in an action must reach the reader as those characters, never as
markup. Every Markdown writer (explanations, the review of a change) goes
through these helpers.
"""

from __future__ import annotations

import re

from spinedx._diagnostics.weburl import is_web_address

_MD_SPECIAL = re.compile(r"([\\`*{}\[\]<>#|!]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links, HTML or table cells).

    Example:
        >>> md_escape("age <50 *and* [x]")
        'age \\\\<50 \\\\*and\\\\* \\\\[x\\\\]'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_code(text: str) -> str:
    """Text as inline code, with a fence longer than any run of backticks inside it."""
    flat = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def md_link(url: str) -> str:
    """A web address as a Markdown autolink; anything else as escaped text, never a link.

    Example:
        >>> md_link("https://example.org/guide"), md_link("javascript:alert(1)")
        ('<https://example.org/guide>', 'javascript:alert(1)')
    """
    return f"<{url}>" if is_web_address(url) else md_escape(url)
