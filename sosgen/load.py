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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
    events = _events(text, relpath)
    builder = _Builder(relpath)
    root: Node | None = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise builder.refuse(event, "more than one YAML document; keep one per file")
        elif isinstance(event, yaml.DocumentEndEvent | yaml.StreamStartEvent):
            continue
        elif isinstance(event, yaml.StreamEndEvent):
            break
        else:
            root = builder.node(event, events, depth=1)
    return root


def _events(text: str, relpath: str) -> Iterator[yaml.Event]:
    parser = _Loader(text)
    try:
        while parser.check_event():
            yield parser.get_event()
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


class _Builder:
    def __init__(self, relpath: str) -> None:
        self.relpath = relpath

    def pos(self, event: yaml.Event) -> Pos:
        mark = event.start_mark
        if mark is None:  # pragma: no cover - every parser event has a mark
            return Pos(self.relpath)
        return Pos(self.relpath, mark.line + 1, mark.column + 1)

    def refuse(self, event: yaml.Event, message: str) -> _Refused:
        return _Refused(error(self.pos(event), "yaml-syntax", message))

    def node(self, event: yaml.Event, events: Iterator[yaml.Event], depth: int) -> Node:
        if isinstance(event, yaml.AliasEvent):
            raise self.refuse(event, "aliases (*name) are not allowed; write the value out")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise self.refuse(event, f"anchors (&{anchor}) are not allowed; write values out")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            raise self.refuse(event, f"explicit tags ({tag}) are not allowed; remove the tag")
        if depth > MAX_DEPTH:
            raise self.refuse(event, f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(event, yaml.ScalarEvent):
            plain = event.style in (None, "") and bool(event.implicit[0])
            return Scalar(event.value, self.pos(event), plain)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            for child in events:
                if isinstance(child, yaml.SequenceEndEvent):
                    return Seq(tuple(items), self.pos(event))
                items.append(self.node(child, events, depth + 1))
        elif isinstance(event, yaml.MappingStartEvent):
            return self.mapping(event, events, depth)
        raise self.refuse(event, "unexpected YAML structure")  # pragma: no cover

    def mapping(self, start: yaml.Event, events: Iterator[yaml.Event], depth: int) -> Map:
        pairs: list[tuple[Scalar, Node]] = []
        index: dict[str, int] = {}
        for key_event in events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return Map(tuple(pairs), self.pos(start), index)
            key = self.node(key_event, events, depth + 1)
            if not isinstance(key, Scalar):
                raise self.refuse(key_event, "mapping keys must be plain text")
            if key.value in index:
                first = pairs[index[key.value]][0].pos
                raise _Refused(
                    error(
                        key.pos,
                        "yaml-syntax",
                        f"duplicate key '{key.value}' (first at line {first.line}); "
                        "keep one of them",
                    )
                )
            value = self.node(next(events), events, depth + 1)
            index[key.value] = len(pairs)
            pairs.append((key, value))
        raise self.refuse(start, "unterminated mapping")  # pragma: no cover
