"""Pure-Python checks over a built static site (no browser needed).

* ``find_broken_links(site)`` -- every internal ``href``/``src`` of every page must
  point at an existing file (a directory URL means its ``index.html``), and every
  ``#fragment`` must name an element ``id`` (or an ``<a name>``) on the target page.
* ``html_problems(page_text)`` -- HTML validity: the HTML5 parsing algorithm's parse
  errors (via html5lib, with line/col) plus a few document rules the parser does not
  enforce (``<!DOCTYPE html>``, ``<html lang>``, ``<title>``, ``<meta charset>``,
  unique ids).

Import it as ``sitecheck``: pytest's default (prepend) import mode puts ``tests/`` on
``sys.path`` (``tests/browser/conftest.py`` also makes sure of it).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

__all__ = ["describe_axe_violations", "find_broken_links", "html_pages", "html_problems"]

# Attributes holding a URL, per element (html.parser lowercases names).
_URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "source": ("src",),
    "track": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "object": ("data",),
}
# Any element inside inline <svg> may link with href or the legacy xlink:href
# (<a>, <use>, <image>, ...).
_SVG_URL_ATTRS = ("href", "xlink:href")
_SRCSET_TAGS = ("img", "source")

# "mailto:", "https:", "data:", ... (RFC 3986 scheme): not a link into the site.
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def html_pages(site: Path) -> list[Path]:
    """All ``*.html`` files under ``site``, sorted."""
    return sorted(p for p in site.rglob("*.html") if p.is_file())


@dataclass
class _PageScan:
    links: list[str] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = _PageScan()
        self._svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)
        if tag == "svg":
            self._svg_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)  # <svg/> opens and closes at once: depth unchanged

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.scan.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.scan.anchors.add(values["name"])
        names: tuple[str, ...] = _URL_ATTRS.get(tag, ())
        if self._svg_depth or tag == "svg":
            names = names + _SVG_URL_ATTRS
        for name in dict.fromkeys(names):
            if name in values:
                self.scan.links.append(values[name].strip())
        if tag in _SRCSET_TAGS and "srcset" in values:
            for candidate in values["srcset"].split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    self.scan.links.append(url)


def _scan(page: Path) -> _PageScan:
    collector = _LinkCollector()
    collector.feed(page.read_text(encoding="utf-8"))
    collector.close()
    return collector.scan


def find_broken_links(site: Path, site_url: str | None = None) -> list[str]:
    """Report internal links under ``site`` whose target file or ``#fragment`` is missing.

    Each message reads ``"<page>: broken link to <link as written>"``, the page given
    relative to ``site`` with ``/`` separators. Relative and root-relative links
    (``/x.html``, resolved against ``site``) are internal, and so are absolute links
    starting with ``site_url`` (the site's public address, if given). Every other
    absolute URL (other hosts, ``//host/...``, ``mailto:``, ``tel:``, ``data:``,
    ``javascript:``) is ignored. A URL ending in ``/``, or naming a folder, means that
    folder's ``index.html``. Query strings are ignored. Fragments are checked only on
    HTML targets; text fragments (``#:~:text=``) and the bare ``#`` are accepted.
    """
    site = site.resolve()
    prefix = site_url.rstrip("/") + "/" if site_url else None
    scans = {page.relative_to(site).as_posix(): _scan(page) for page in html_pages(site)}
    targets: dict[str, str | None] = {}  # normalised URL path -> file key, or None

    def target_of(url_path: str) -> str | None:
        if url_path not in targets:
            rel = url_path.strip("/")
            if url_path.endswith("/") or (site / rel).is_dir():
                rel = f"{rel}/index.html" if rel else "index.html"
            targets[url_path] = rel if (site / rel).is_file() else None
        return targets[url_path]

    problems: list[str] = []
    for rel_page, page_scan in list(scans.items()):
        base_dir = posixpath.join("/", posixpath.dirname(rel_page))
        seen: set[str] = set()
        for ref in page_scan.links:
            if ref in seen:
                continue
            seen.add(ref)
            if prefix is not None and ref.startswith(prefix):
                url = "/" + ref[len(prefix) :]
            elif _SCHEME_RE.match(ref) or ref.startswith("//"):
                continue  # external
            else:
                url = ref
            url, _, fragment = url.partition("#")
            path = unquote(url.partition("?")[0])
            if not path:
                key: str | None = rel_page
            else:
                joined = path if path.startswith("/") else posixpath.join(base_dir, path)
                norm = posixpath.normpath(joined)
                if joined.endswith("/") and not norm.endswith("/"):
                    norm += "/"
                key = target_of(norm)
            if key is None:
                problems.append(f"{rel_page}: broken link to {ref}")
                continue
            fragment = unquote(fragment)
            if not fragment or fragment.startswith(":~:") or not key.endswith(".html"):
                continue
            if key not in scans:
                scans[key] = _scan(site / key)
            if fragment not in scans[key].anchors:
                problems.append(f"{rel_page}: broken link to {ref}")
    return problems


# --------------------------------------------------------------------------- validity

_DOCTYPE_RE = re.compile(r"\A(?:\ufeff)?\s*<!doctype\s+html\s*>", re.IGNORECASE)


class _DocCollector(HTMLParser):
    """Positions of ids and the presence of lang/title/meta charset."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.ids: dict[str, tuple[int, int]] = {}
        self.html_lang: str | None = None
        self.seen_html = False
        self.titles: list[str] = []
        self.charset: str | None = None
        self._in_title = False
        self._title_text: list[str] = []
        self._svg_depth = 0  # <title> inside inline SVG is not the document title

    def _where(self) -> str:
        line, col = self.getpos()
        return f"line {line}, col {col + 1}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)
        if tag == "svg":
            self._svg_depth += 1
        elif tag == "title" and not self._svg_depth:
            self._in_title = True
            self._title_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        elif tag == "title" and self._in_title:
            self._in_title = False
            self.titles.append("".join(self._title_text).strip())

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_text.append(data)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html" and not self.seen_html:
            self.seen_html = True
            self.html_lang = (values.get("lang") or "").strip() or None
        if tag == "meta" and "charset" in values and self.charset is None:
            self.charset = (values["charset"] or "").strip()
        if "id" in values:
            ident = values["id"] or ""
            line, col = self.getpos()
            if not ident or any(c.isspace() for c in ident):
                self.problems.append(
                    f"{self._where()}: id {ident!r} on <{tag}> is empty or has whitespace"
                )
            elif ident in self.ids:
                first_line, first_col = self.ids[ident]
                self.problems.append(
                    f"{self._where()}: duplicate id {ident!r} on <{tag}> "
                    f"(first at line {first_line}, col {first_col + 1})"
                )
            else:
                self.ids[ident] = (line, col)


def _html5lib_errors(page_text: str) -> list[str]:
    import html5lib
    from html5lib.constants import E

    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(page_text)
    messages = []
    for (line, col), code, datavars in parser.errors:
        template = E.get(code, code)
        try:
            text = template % (datavars or {})
        except (KeyError, TypeError, ValueError):
            text = f"{template} {datavars!r}"
        messages.append(f"line {line}, col {col}: {text} [{code}]")
    return messages


def html_problems(page_text: str) -> list[str]:
    """Return validity problems of one HTML document; ``[]`` means it passes.

    Parse errors come from html5lib (the WHATWG parsing algorithm: stray or misnested
    end tags, duplicate attributes, ``<div/>``, a second doctype, processing
    instructions such as an inlined SVG's ``<?xml ...?>``, EOF inside a tag, ...),
    each as ``"line L, col C: message [code]"``. On top: the document must start with
    ``<!DOCTYPE html>``, have ``<html lang="...">``, exactly one non-empty ``<title>``,
    a ``<meta charset="utf-8">``, and unique, non-empty, whitespace-free ids. It does
    not check the content model (which element may contain which) or attribute values
    the way the W3C validator does.
    """
    problems = _html5lib_errors(page_text)
    if not _DOCTYPE_RE.match(page_text):
        problems.append("document does not start with <!DOCTYPE html>")
    collector = _DocCollector()
    collector.feed(page_text)
    collector.close()
    problems.extend(collector.problems)
    if not collector.html_lang:
        problems.append("<html> has no lang attribute")
    if len(collector.titles) != 1 or not collector.titles[0]:
        problems.append(
            f"expected exactly one non-empty <title>, found {len(collector.titles)}"
            + (" (empty)" if collector.titles and not any(collector.titles) else "")
        )
    if collector.charset is None:
        problems.append("no <meta charset>")
    elif collector.charset.lower() != "utf-8":
        problems.append(f"<meta charset={collector.charset!r}>, expected utf-8")
    return problems


def describe_axe_violations(violations: Iterable[dict[str, object]]) -> str:
    """Human-readable summary of axe-core violation dicts (for assertion messages)."""
    lines = []
    for v in violations:
        nodes = v.get("nodes") or []
        lines.append(f"{v.get('id')} ({v.get('impact')}): {v.get('help')} -- {v.get('helpUrl')}")
        for node in nodes if isinstance(nodes, list) else []:
            target = node.get("target") if isinstance(node, dict) else None
            html = node.get("html") if isinstance(node, dict) else None
            lines.append(f"    {target}: {str(html)[:200]}")
    return "\n".join(lines)
