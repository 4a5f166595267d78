"""Markdown text fields to safe HTML: markdown-it-py's `js-default` preset (raw HTML off).

Links keep only relative, `http(s)` and `mailto` targets; anything else (`javascript:`,
`data:`, `vbscript:`, `file:`) is left as plain text. Images are off: a page never
loads anything from another host. Most items are one line of plain words, so those
skip the parser (same output, a fraction of the cost).
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# What can start inline Markdown: emphasis (`*`, `_` not inside a word), strikethrough
# (`~~`), code, links, autolinks (`<`), entities (`&name;`), escapes, line breaks. A
# text with none of them renders as its escaped self.
_MARKUP = re.compile(r"[*`\[\]<\\\n\r]|~~|&#?[A-Za-z0-9]+;|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
# Every character that can begin a match of `_MARKUP` or `_SIMPLE`: a text with none
# of them (most items) is plain, and one search for them is far cheaper than either.
_HINT = re.compile(r"[*`\[\]<\\\n\r~&_]")
# ... and those, or a character `escape` changes: a text with none is its own HTML.
_AS_IS = re.compile(r'[*`\[\]<\\\n\r~&_>"]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_link(url: str) -> bool:
    """True for a link a reader may follow: relative, http(s) or mailto."""
    cleaned = _CONTROL.sub("", url).strip()
    try:
        scheme = urllib.parse.urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    if not scheme:
        return ":" not in cleaned.split("/", 1)[0]  # no scheme hidden by odd characters
    return scheme in SAFE_SCHEMES


@functools.cache
def _parser() -> MarkdownIt:
    """The parser, imported the first time a text needs it (most builds of a site
    seen before render no text that does)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("js-default")  # html off, linkify off, typographer off
    md.disable("image")
    md.validateLink = safe_link  # type: ignore[method-assign]
    return md


def escape(text: str) -> str:
    """HTML-escape as markdown-it does (`& < > "`)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


# The constructs short items use most, in a form whose CommonMark reading is plain:
# a code span with one backtick on each side (not two: ``` `a``b` ``` is one span), content
# not starting or ending in a space;
# strong emphasis (`**`) and emphasis (`_`) whose content starts and ends with a letter
# or digit and holds no other markup; an `_` only where it surely opens (at the start,
# after a space or `(`) and closes (at the end, before a space or `),.;:!?`).
# Anything else goes to the parser.
_PLAIN_RUN = r"([A-Za-z0-9](?:[^*`\[\]<&\\_\n\r~]*[A-Za-z0-9])?)"
_SIMPLE = re.compile(
    r"`(?<!``)([^`\n ](?:[^`\n]*[^`\n ])?)`(?!`)"
    rf"|\*\*{_PLAIN_RUN}\*\*"
    rf"|_(?<![^ (]_){_PLAIN_RUN}_(?![^ ),.;:!?])"
)


def _plain(text: str) -> bool:
    """True for a text without inline Markdown (see `_MARKUP`)."""
    return _HINT.search(text) is None or _MARKUP.search(text) is None


def _simple(text: str) -> str | None:
    """HTML for a text of plain words, simple code spans and simple (strong) emphasis;
    None for anything else."""
    first = _AS_IS.search(text)
    if first is None:
        return text
    if _HINT.search(text, first.start()) is None:
        return escape(text)
    out: list[str] = []
    end = 0
    for match in _SIMPLE.finditer(text):
        between = text[end : match.start()]
        if not _plain(between):
            return None
        out.append(escape(between))
        code, strong, emphasis = match.groups()
        if code is not None:
            out.append(f"<code>{escape(code)}</code>")
        elif strong is not None:
            out.append(f"<strong>{escape(strong)}</strong>")
        else:
            out.append(f"<em>{escape(emphasis)}</em>")
        end = match.end()
    rest = text[end:]
    if not _plain(rest):
        return None
    out.append(escape(rest))
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def inline(text: str) -> Markup:
    """One item's text as inline HTML (no wrapping `<p>`); several lines become blocks."""
    if text == text.strip() and "\n" not in text:
        quick = _simple(text)
        if quick is not None:
            return Markup(quick)
    if "\n" in text.strip():
        return Markup(_parser().render(text).strip())
    return Markup(_parser().renderInline(text.strip()))


def plain(text: str) -> str:
    """One line of text for places that take no markup (titles, DOT labels, feeds)."""
    return " ".join(text.split())
