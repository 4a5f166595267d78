"""Strict YAML loading: bytes in, a positioned node tree (or diagnostics) out.

PyYAML's parser (libyaml's C parser when present) produces events; this module
builds the tree from them itself, so nothing YAML would guess is ever applied:
every scalar stays the text that was written, and the schema decides its type.
Anchors, aliases, explicit tags, several documents, duplicate keys, bad
encodings, control characters, oversize files and deep nesting are refused
with a position a person can find.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import yaml

from sosgen.diagnostics import Diagnostic, Pos, error

MAX_BYTES = 256 * 1024
MAX_DEPTH = 24

try:
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Parser = yaml.SafeLoader

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Scalar:
    value: str
    pos: Pos
    plain: bool  # written without quotes or block style: only plain scalars can be null/int/bool


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Node, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class Map:
    items: tuple[tuple[Scalar, Node], ...]
    pos: Pos
    index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def get(self, key: str) -> Node | None:
        i = self.index.get(key)
        return None if i is None else self.items[i][1]

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.items]


Node = Scalar | Seq | Map

_T = TypeVar("_T")


def maker(cls: type[_T]) -> Callable[..., _T]:
    """`cls(*values)` (every field given, in order) for a frozen, slotted dataclass
    without an `__init__` of its own, made without the generated `__init__`: that one
    sets each field through `object.__setattr__`, which costs twice as much, and a
    file has hundreds of positions and nodes (measured)."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if "__post_init__" in vars(cls) or "__slots__" not in vars(cls) or len(names) > 3:
        raise TypeError(f"{cls.__name__} cannot be made without its __init__")
    new = object.__new__
    first, *others = [getattr(cls, name).__set__ for name in names]
    if len(names) == 2:
        second = others[0]

        def make2(a: Any, b: Any) -> _T:
            obj = new(cls)
            first(obj, a)
            second(obj, b)
            return obj

        return make2
    second, third = others

    def make3(a: Any, b: Any, c: Any) -> _T:
        obj = new(cls)
        first(obj, a)
        second(obj, b)
        third(obj, c)
        return obj

    return make3


_pos = maker(Pos)
_scalar = maker(Scalar)
_seq = maker(Seq)
_map = maker(Map)


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def load_file(path: Path, relpath: str) -> tuple[Node | None, list[Diagnostic]]:
    """Read and parse one file. `relpath` is how the file is named in diagnostics."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [error(Pos(relpath), "yaml-syntax", f"cannot read file: {exc.strerror}")]
    return load_bytes(data, relpath)


def load_bytes(data: bytes, relpath: str) -> tuple[Node | None, list[Diagnostic]]:
    """Parse one YAML document strictly. Returns the root node, or None with diagnostics."""
    try:
        text = _decode(data, relpath)
        return _build(text, relpath), []
    except _Refused as exc:
        return None, [exc.diagnostic]


def decoded(data: bytes, relpath: str) -> str | None:
    """The text `load_bytes` parses, or None if it refuses the bytes themselves."""
    try:
        return _decode(data, relpath)
    except _Refused:
        return None


def _decode(data: bytes, relpath: str) -> str:
    def refuse(line: int, column: int, message: str) -> _Refused:
        return _Refused(error(Pos(relpath, line, column), "yaml-syntax", message))

    if len(data) > MAX_BYTES:
        raise refuse(1, 1, f"file is larger than {MAX_BYTES // 1024} KiB; split it or trim it")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) >= 2 and (0 in data[:2])):
        raise refuse(1, 1, "file is UTF-16 or UTF-32 encoded; save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col_of_byte(data, exc.start)
        raise refuse(
            line, column, f"invalid UTF-8 byte 0x{data[exc.start]:02x}; save the file as UTF-8"
        ) from None
    match = _CONTROL.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        char = match.group()
        name = "NUL byte" if char == "\x00" else f"control character U+{ord(char):04X}"
        raise refuse(line, column, f"{name} is not allowed; remove it")
    return text.replace("\r\n", "\n")


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _build(text: str, relpath: str) -> Node | None:
    parser = _Parser(text)
    try:
        return _tree(parser.get_event, relpath)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        hint = _hint(problem)
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem, hint = "a tab character", " (indent with spaces, not tabs)"
        raise _Refused(
            error(Pos(relpath, line, column), "yaml-syntax", f"invalid YAML: {problem}{hint}")
        ) from None
    except yaml.YAMLError as exc:
        raise _Refused(error(Pos(relpath), "yaml-syntax", f"invalid YAML: {exc}")) from None
    finally:
        parser.dispose()


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def _hint(problem: str) -> str:
    if "tab" in problem:
        return " (indent with spaces, not tabs)"
    if "mapping values are not allowed" in problem:
        return " (quote text that contains ': ')"
    return ""


def _tree(get_event: Callable[[], Any], relpath: str) -> Node | None:
    """One pass over the parser's events with an explicit stack (no recursion).

    The container being built is held in locals (its items, its pos, and for a
    mapping its key index and the key waiting for its value); `stack` keeps those
    of the containers around it. This loop runs for every event of every file, so
    it is written flat: the checks of the rare cases are one test each."""
    stack: list[tuple[Any, ...]] = []
    items: list[Any] = []  # the open container's items (a mapping's as (key, value) pairs)
    index: dict[str, int] | None = None  # a mapping's key -> item number; None in a sequence
    key: Scalar | None = None  # a mapping's key waiting for its value
    pos: Pos | None = None  # where the open container starts
    depth = 0  # open containers
    root: Node | None = None
    documents = 0
    node: Node
    while True:
        event = get_event()
        kind = event.__class__
        if kind is _SCALAR:
            if event.anchor is not None or event.tag is not None or depth >= MAX_DEPTH:
                _check_props(event, depth, relpath)
            mark = event.start_mark
            node = _scalar(
                event.value,
                _pos(relpath, mark.line + 1, mark.column + 1),
                not event.style and bool(event.implicit[0]),
            )
        elif kind is _MAP_START or kind is _SEQ_START:
            if event.anchor is not None or event.tag is not None or depth >= MAX_DEPTH:
                _check_props(event, depth, relpath)
            stack.append((items, index, key, pos))
            mark = event.start_mark
            pos = _pos(relpath, mark.line + 1, mark.column + 1)
            items, index, key = [], {} if kind is _MAP_START else None, None
            depth += 1
            continue
        elif kind is _MAP_END or kind is _SEQ_END:
            node = _seq(tuple(items), pos) if index is None else _map(tuple(items), pos, index)
            items, index, key, pos = stack.pop()
            depth -= 1
        elif kind is _ALIAS:
            raise _refuse(event, relpath, "aliases (*name) are not allowed; write the value out")
        elif kind is _DOC_START:
            documents += 1
            if documents > 1:
                raise _refuse(event, relpath, "more than one YAML document; keep one per file")
            continue
        elif kind is _STREAM_END:
            return root
        else:  # stream start, document end
            continue
        if not depth:
            root = node
        elif index is None:
            items.append(node)
        elif key is None:
            if not isinstance(node, Scalar):
                raise _Refused(error(node.pos, "yaml-syntax", "mapping keys must be plain text"))
            if node.value in index:
                raise _duplicate(node, items[index[node.value]][0])
            key = node
        else:
            index[key.value] = len(items)
            items.append((key, node))
            key = None


def _check_props(event: Any, depth: int, relpath: str) -> None:
    if event.anchor is not None:
        raise _refuse(
            event, relpath, f"anchors (&{event.anchor}) are not allowed; write values out"
        )
    tag = event.tag
    if tag is not None and tag != "!":
        raise _refuse(event, relpath, f"explicit tags ({tag}) are not allowed; remove the tag")
    if depth >= MAX_DEPTH:
        raise _refuse(event, relpath, f"nesting deeper than {MAX_DEPTH} levels")


def _refuse(event: Any, relpath: str, message: str) -> _Refused:
    mark = event.start_mark
    return _Refused(error(Pos(relpath, mark.line + 1, mark.column + 1), "yaml-syntax", message))


def _duplicate(key: Scalar, first: Scalar) -> _Refused:
    return _Refused(
        error(
            key.pos,
            "yaml-syntax",
            f"duplicate key '{key.value}' (first at line {first.pos.line}); keep one of them",
        )
    )


_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_MAP_END = yaml.MappingEndEvent
_SEQ_START = yaml.SequenceStartEvent
_SEQ_END = yaml.SequenceEndEvent
_ALIAS = yaml.AliasEvent
_DOC_START = yaml.DocumentStartEvent
_STREAM_END = yaml.StreamEndEvent
