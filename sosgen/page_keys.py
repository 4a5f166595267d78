"""Which meeting pages a build need not render again: those whose view is the one the
last build into the same folder rendered, and whose file is as that build left it.

A page's bytes are made from its path, template and view, the build's facts, the
organisation and the day (`SiteGlobals`), the templates and sosgen's own code,
nothing else (see `sosgen.site`). `PageKeys.key` digests all of it: the view is
walked as `==` compares it (a dataclass by its compared fields, so never a model
object's `positions`; a mapping in its order; a set sorted), and a model object
read from a file stands for itself as that file's path and SHA-256, which decide
it (the parse cache gives them). The build record (`sosgen.build_state`) keeps each
meeting page's key with the stamp of its file. The next build renders a meeting's
pages only if the key or the file's stamp differs: after one new meeting, the
minutes and briefing of the other 450 are left alone. A value of a type the walk
does not know gives no key, and the page is rendered.

Only the meeting pages are keyed: the overview pages change with almost any change
of the data, and their graphs are kept by `sosgen.svg_cache` anyway.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import sys
from collections.abc import Callable, Mapping
from operator import attrgetter
from pathlib import Path
from typing import Any

from markupsafe import Markup

from sosgen import __version__
from sosgen import model as m
from sosgen.write import stamp

PACKAGE = Path(__file__).resolve().parent
_PLAIN = (int, float, bool, type(None))
_SHORT = 128  # characters: a longer part is kept as its digest


class Unkeyable(Exception):
    """A value the walk does not know how to digest."""


class PageKeys:
    """The key of each meeting page of this build (`made`), and whether its file can
    be left as the last build into `target` wrote it (`kept`)."""

    def __init__(
        self,
        repo: m.Repository,
        shas: Mapping[str, str],
        context: tuple[Any, ...],
        previous: Mapping[str, tuple[str, str]],
        target: Path,
    ) -> None:
        self._target = target
        self._previous = previous  # path -> (key, stamp of its file), the last build's
        # id -> (the object, kept alive while its id is a key; its digest), for the
        # model's objects and what is worked out from them for every page (action
        # items, health): each is digested once a build. A view's own objects are
        # made for one page: written out field by field, neither kept nor digested
        # apart (the views of 450 meetings are not all kept alive).
        self._lasting: dict[int, tuple[Any, str]] = _tokens(repo, shas)
        # each dataclass's name, what gives the values of its compared fields, and
        # whether its objects last the build (those of `sosgen.views` are a page's)
        self._fields: dict[type, tuple[str, Callable[[Any], tuple[Any, ...]], bool]] = {}
        try:
            self._context: str | None = self._digest((code_digest(), context))
        except Unkeyable:
            self._context = None  # no page has a key
        self.made: dict[str, str] = {}
        self.kept_count = 0

    def key(self, path: str, template: str, nav: str, context: Mapping[str, Any]) -> str | None:
        """The digest of everything a page's bytes are made from, or None."""
        if self._context is None:
            return None
        try:
            found = self._digest((path, template, nav, dict(context)))
        except (Unkeyable, RecursionError):  # RecursionError: a value that holds itself
            return None
        return hashlib.sha256(f"{self._context}\0{found}".encode()).hexdigest()

    def kept(self, path: str, template: str, nav: str, context: Mapping[str, Any]) -> bool:
        """Whether the page's file can stay as the last build wrote it; the key (if
        any) is remembered in `made` either way."""
        key = self.key(path, template, nav, context)
        if key is None:
            return False
        self.made[path] = key
        last = self._previous.get(path)
        if last is None or last[0] != key or stamp(self._target, path) != last[1]:
            return False
        self.kept_count += 1
        return True

    def _digest(self, value: Any) -> str:
        out: list[str] = []
        self._walk(value, out)
        return hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()

    def _walk(self, o: Any, out: list[str]) -> None:
        t = type(o)
        if t is str or t is Markup:
            out += ("s", str(len(o)), ":", o)
        elif t in self._fields:
            self._object(o, out)
        elif t is tuple or t is list:
            out.append("(")
            for item in o:
                if type(item) in self._fields:  # most items: a dataclass seen before
                    self._object(item, out)
                else:
                    self._walk(item, out)
            out.append(")")
        elif t in _PLAIN:
            out += (repr(o), ";")
        elif t is dt.date or t is dt.datetime:
            out += (t.__name__, o.isoformat(), ";")
        elif t is dict:
            out.append("{")
            for k, v in o.items():
                self._walk(k, out)
                self._walk(v, out)
            out.append("}")
        elif t is frozenset or t is set:
            if all(type(item) is str for item in o):  # ids, mostly: sorted as they are
                parts = sorted(f"s{len(item)}:{item}" for item in o)
            else:
                parts = sorted(self._digest(item) for item in o)
            out += ("<", *parts, ">")
        else:
            self._object(o, out)

    def _object(self, o: Any, out: list[str]) -> None:
        """Add a dataclass to `out`: one of the model's (or worked out from it for
        every page) as its digest, worked out once a build; a view's own, field by
        field (it is made for one page)."""
        known = self._lasting.get(id(o))
        if known is not None and known[0] is o:
            out.append(known[1])
            return
        t = type(o)
        found = self._fields.get(t)
        if found is None:
            if isinstance(o, enum.Enum):
                out.append(f"e{t.__module__}.{t.__qualname__}.{o.name};")
                return
            if not dataclasses.is_dataclass(o) or not t.__dataclass_params__.frozen:
                raise Unkeyable(f"no key for a {t.__module__}.{t.__qualname__}")
            names = [f.name for f in dataclasses.fields(o) if f.compare]
            lasting = not t.__module__.startswith("sosgen.views.")
            found = (f"{t.__module__}.{t.__qualname__}[", _values(names), lasting)
            self._fields[t] = found
        mine = [found[0]] if found[2] else out
        if not found[2]:
            out.append(found[0])
        walk, fields, add = self._walk, self._fields, self._object
        for value in found[1](o):
            kind = type(value)
            if kind is str:  # most fields: written here rather than in a call
                mine += ("s", str(len(value)), ":", value)
            elif kind is bool or kind is int or value is None:
                mine += (repr(value), ";")
            elif kind in fields:
                add(value, mine)
            else:
                walk(value, mine)
        mine.append("]")
        if found[2]:
            text = "".join(mine)
            if len(text) > _SHORT:
                text = "#" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            self._lasting[id(o)] = (o, text)  # frozen: its digest holds for the build
            out.append(text)


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """What gives an object's values of `names`, as a tuple (`attrgetter` gives a
    single value for one name)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda o: (get(o),)
    return lambda o: ()


def _tokens(repo: m.Repository, shas: Mapping[str, str]) -> dict[int, tuple[Any, str]]:
    """The updates and meeting records, each as its file's path and SHA-256 (the very
    objects the loader made from those bytes), by id."""
    tokens: dict[int, tuple[Any, str]] = {}
    for meeting in repo.meetings:
        for team, update in meeting.updates.items():
            _token(tokens, update, f"{meeting.path}/{team}.yaml", shas)
        if meeting.record is not None:
            _token(tokens, meeting.record, f"{meeting.path}/_meeting.yaml", shas)
    return tokens


def _token(
    tokens: dict[int, tuple[Any, str]], value: m.Located, relpath: str, shas: Mapping[str, str]
) -> None:
    sha = shas.get(relpath)
    if sha is not None and value.pos.path == relpath:
        tokens[id(value)] = (value, f"f{len(relpath)}:{relpath}{sha};")


_code: str | None = None


def code_digest() -> str:
    """sosgen's version and code (every file of the package) and the versions of what
    renders: Python, Jinja, MarkupSafe, markdown-it-py."""
    global _code
    if _code is None:
        from importlib import metadata

        digest = hashlib.sha256()
        versions = [metadata.version(name) for name in ("jinja2", "markupsafe", "markdown-it-py")]
        digest.update(repr((__version__, sys.version, versions)).encode())
        for path in sorted(PACKAGE.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            digest.update(f"{path.relative_to(PACKAGE).as_posix()}\0".encode())
            digest.update(path.read_bytes())
        _code = digest.hexdigest()
    return _code
