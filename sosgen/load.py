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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sosgen.diagnostics import Diagnostic, Pos, error

MAX_BYTES = 256 * 1024
MAX_DEPTH = 24

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

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
    """One pass over the parser's events with an explicit stack (no recursion)."""
    parser = _Loader(text)
    try:
        return _Builder(relpath, text).run(parser)
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


class _Open:
    """A mapping or sequence being built."""

    __slots__ = ("index", "is_map", "items", "key", "pos")

    def __init__(self, pos: Pos, is_map: bool) -> None:
        self.pos = pos
        self.is_map = is_map
        self.items: list[Any] = []
        self.index: dict[str, int] = {}
        self.key: Scalar | None = None


class _Builder:
    def __init__(self, relpath: str, text: str) -> None:
        self.relpath = relpath
        self.text = text

    def pos(self, event: Any) -> Pos:
        mark = event.start_mark
        return Pos(self.relpath, mark.line + 1, mark.column + 1)

    def refuse(self, event: Any, message: str) -> _Refused:
        return _Refused(error(self.pos(event), "yaml-syntax", message))

    def run(self, parser: Any) -> Node | None:
        stack: list[_Open] = []
        root: Node | None = None
        documents = 0
        relpath = self.relpath
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is _SCALAR:
                self.check_props(event, len(stack))
                mark = event.start_mark
                plain = not event.style and bool(event.implicit[0])
                node: Node = Scalar(
                    event.value, Pos(relpath, mark.line + 1, mark.column + 1), plain
                )
            elif kind is _MAP_START or kind is _SEQ_START:
                self.check_props(event, len(stack))
                stack.append(_Open(self.pos(event), kind is _MAP_START))
                continue
            elif kind is _MAP_END or kind is _SEQ_END:
                done = stack.pop()
                if done.is_map:
                    node = Map(tuple(done.items), done.pos, done.index)
                else:
                    node = Seq(tuple(done.items), done.pos)
            elif kind is _ALIAS:
                raise self.refuse(event, "aliases (*name) are not allowed; write the value out")
            elif kind is _DOC_START:
                documents += 1
                if documents > 1:
                    raise self.refuse(event, "more than one YAML document; keep one per file")
                continue
            elif kind is _STREAM_END:
                return root
            else:  # stream start, document end
                continue
            if not stack:
                root = node
            else:
                self.add(stack[-1], node, event)

    def check_props(self, event: Any, depth: int) -> None:
        if event.anchor is not None:
            raise self.refuse(event, f"anchors (&{event.anchor}) are not allowed; write values out")
        tag = event.tag
        if tag is not None and tag != "!":
            raise self.refuse(event, f"explicit tags ({tag}) are not allowed; remove the tag")
        if depth >= MAX_DEPTH:
            raise self.refuse(event, f"nesting deeper than {MAX_DEPTH} levels")

    def add(self, parent: _Open, node: Node, event: Any) -> None:
        if not parent.is_map:
            parent.items.append(node)
            return
        key = parent.key
        if key is None:
            if not isinstance(node, Scalar):
                raise _Refused(error(node.pos, "yaml-syntax", "mapping keys must be plain text"))
            if node.value in parent.index:
                first = parent.items[parent.index[node.value]][0].pos
                raise _Refused(
                    error(
                        node.pos,
                        "yaml-syntax",
                        f"duplicate key '{node.value}' (first at line {first.line}); "
                        "keep one of them",
                    )
                )
            parent.key = node
            return
        parent.index[key.value] = len(parent.items)
        parent.items.append((key, node))
        parent.key = None


_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_MAP_END = yaml.MappingEndEvent
_SEQ_START = yaml.SequenceStartEvent
_SEQ_END = yaml.SequenceEndEvent
_ALIAS = yaml.AliasEvent
_DOC_START = yaml.DocumentStartEvent
_STREAM_END = yaml.StreamEndEvent
