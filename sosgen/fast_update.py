"""A fast path for the common team update: valid, block style, one line per value.

Nearly every file of a repository is a team update (`meetings/<date>/<team>.yaml`),
written in the one shape the scaffold and the README show. Loading one the general
way (YAML events -> positioned tree -> schema -> model -> cache encoding) costs about
half a millisecond, most of it Python objects that exist only to be walked once.

Here such a file is read line by line straight into its `model.Update` and the
codec's encoding of it, with the same values and positions. Only a small subset of
YAML is accepted, each construct one whose meaning is certain: `key: value` and
`key:` lines at exactly the indentation the structure expects, `- ` list entries,
`[id, id]` lists of ids, scalars on one line (plain without anything YAML could read
as syntax, or quoted without escapes), comments, empty lines, and printable
characters only. Anything else (another layout, a block scalar, a tab, an unknown or
repeated key, a value the schema would refuse, a missing answer...) gives None: the
caller then loads the file the general way, which gives the diagnostics.
`tests/test_fast_update.py` runs both ways over every test fixture, the example and
a synthetic organisation, and thousands of mutations, and requires the same value,
diagnostics and cache encoding.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Sequence
from typing import Any

from sosgen import model as m
from sosgen.codec import Positions
from sosgen.diagnostics import Pos
from sosgen.load import decoded

# These characters (tabs, carriage returns, the line breaks YAML adds to "\n", C1
# controls, a byte-order mark...) send the file the general way.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# `key: value` or `key:`, `- key: value` or `- key:`, and `- value`; each pattern
# twice: for a line without "#", and for a line with a comment after the value (from
# the first " #" outside quotes on), which costs more to match.
_VALUE = r"""('(?:[^']|'')*'|"[^"\\]*"|.*?)(?: +#.*)?\Z"""
_KEY = (
    re.compile(r"( *)([a-z_]+):(?: (.*))?\Z"),
    re.compile(rf"( *)([a-z_]+):(?:(?: +#.*)?\Z| {_VALUE})"),
)
_ENTRY = (
    re.compile(r"( *)- ([a-z_]+):(?: (.*))?\Z"),
    re.compile(rf"( *)- ([a-z_]+):(?:(?: +#.*)?\Z| {_VALUE})"),
)
_ITEM = re.compile(r"( *)- (.*)\Z"), re.compile(rf"( *)- {_VALUE}")
_FLOW = re.compile(r"\[([a-z0-9, -]*)\]\Z")  # `[id, id]`: ids and nothing YAML reads as syntax
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z")
_DEPENDENCY = re.compile(r"[A-Z][A-Z0-9]*-[0-9]+\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# A plain scalar must not start with one of these (YAML would read it as syntax).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_NULLS = frozenset({"~", "null", "Null", "NULL"})
_ANSWERS = {"completed": 0, "next": 1, "blockers": 2, "heads_up": 3}
_ITEM_KEYS = {
    False: frozenset({"text", "for", "dependency"}),
    True: frozenset({"text", "needs", "dependency"}),
}


class _Other(Exception):
    """The file is not in the shape this module reads."""


def update(data: bytes, relpath: str) -> tuple[m.Update, list[Any]] | None:
    """The model value of an update file's bytes and the codec's encoding of it (the
    value of `codec.encode(...)[0]`), or None if the general way must read it."""
    text = decoded(data, relpath)
    if text is None or _UNSAFE.search(text):
        return None
    try:
        _, folder, name = relpath.split("/")
        day = dt.date.fromisoformat(folder)
        return _update(_Lines(text), relpath, name.removesuffix(".yaml"), day)
    except (_Other, ValueError):
        return None


class _Lines:
    """The lines of a file that are not empty, blank or a comment (`rows`, then one ""
    so that looking one line ahead needs no bounds check) and their line numbers."""

    __slots__ = ("numbers", "rows")

    def __init__(self, text: str) -> None:
        rows = text.split("\n")
        if rows[-1] == "":
            rows.pop()
        if "" in rows or "#" in text:
            kept = [n for n, row in enumerate(rows) if row.lstrip(" ")[:1] not in ("", "#")]
            rows = [rows[n] for n in kept]
            self.numbers: Sequence[int] = [n + 1 for n in kept] + [0]
        else:
            self.numbers = range(1, len(rows) + 2)
        rows.append("")
        self.rows = rows


def _scalar(value: str | None) -> str:
    """The text YAML reads from `value`, one whole scalar on its line: plain (not null
    and nothing YAML could read as syntax), single-quoted, or double-quoted without
    escapes. Quoted text is never null, whatever it says."""
    if not value:
        raise _Other
    first = value[0]
    if first == "'":
        inner = value[1:-1]
        if len(value) < 2 or value[-1] != "'" or "'" in inner.replace("''", ""):
            raise _Other
        return inner.replace("''", "'")
    if first == '"':
        inner = value[1:-1]
        if len(value) < 2 or value[-1] != '"' or '"' in inner or "\\" in inner:
            raise _Other
        return inner
    if (
        first in _INDICATORS
        or value[-1] in ": "
        or ": " in value
        or " #" in value
        or value in _NULLS
    ):
        raise _Other
    return value


def _text(value: str | None) -> str:
    text = _scalar(value)
    if not text:
        raise _Other  # quoted and empty
    return text


def _id(value: str | None) -> str:
    text = _scalar(value)
    if not _ID.match(text):
        raise _Other
    return text


def _update(lines: _Lines, path: str, team: str, day: dt.date) -> tuple[m.Update, list[Any]]:
    rows, numbers = lines.rows, lines.numbers
    flat: list[Any] = []  # the positions of the top-level values
    seen: dict[str, Any] = {}
    answers: list[tuple[tuple[m.Item, ...], list[Any]]] = [((), [])] * 4
    i, count = 0, len(rows) - 1
    while i < count:
        row = rows[i]
        match = _KEY["#" in row].match(row)
        if match is None or match[1]:
            raise _Other
        key, value = match[2], match[3]
        if key in seen:
            raise _Other
        if value is None:  # a list of items follows
            question = _ANSWERS.get(key)
            if question is None:
                raise _Other
            i, line_no, column, answer = _items(lines, i + 1, path, key)
            answers[question] = answer
            seen[key] = True
            flat += (sys.intern(key), line_no, column)
            continue
        flat += (sys.intern(key), numbers[i], len(key) + 3)
        i += 1
        if key == "ambassador" or key == "team":
            seen[key] = _id(value)
        elif key == "meeting":
            text = _scalar(value)
            if not _DATE.match(text):
                raise _Other
            seen[key] = dt.date.fromisoformat(text)  # ValueError: no such day
        elif key in _ANSWERS and value == "none":
            seen[key] = True
        else:
            raise _Other
    if len(seen) - ("team" in seen) - ("meeting" in seen) != 5 or "ambassador" not in seen:
        raise _Other
    first = numbers[0]  # where the mapping starts
    ambassador = sys.intern(seen["ambassador"])
    declared_team = seen.get("team") or ""
    declared_meeting = seen.get("meeting")
    (completed, _), (next_, _), (blockers, _), (heads_up, _) = answers
    value = m.Update(
        Pos(path, first, 1),
        team,
        day,
        ambassador,
        completed,
        next_,
        blockers,
        heads_up,
        declared_team,
        declared_meeting,
        positions=Positions(path, tuple(flat)),
    )
    encoded = [
        first,
        1,
        flat,
        team,
        day.toordinal(),
        ambassador,
        *(encoded for _, encoded in answers),
        declared_team,
        None if declared_meeting is None else declared_meeting.toordinal(),
    ]
    return value, encoded


def _items(
    lines: _Lines, i: int, path: str, question: str
) -> tuple[int, int, int, tuple[tuple[m.Item, ...], list[Any]]]:
    """The items of a list starting at row `i` (after `question:`): the row after
    them, where the list starts, and the items with their encoding."""
    rows, numbers = lines.rows, lines.numbers
    blockers = question == "blockers"
    allowed = _ITEM_KEYS[blockers]
    row = rows[i]
    match = _ENTRY["#" in row].match(row)
    if match is None:
        raise _Other  # `question:` with nothing: no answer
    dash = len(match[1])
    start = numbers[i]
    indent = " " * (dash + 2)
    width = dash + 2
    items: list[m.Item] = []
    encoded: list[Any] = []
    while match is not None and len(match[1]) == dash:
        item_line = numbers[i]
        fields: dict[str, Any] = {}
        flat: list[Any] = []
        key, value = match[2], match[3]
        while True:
            if key in fields or key not in allowed:
                raise _Other
            line_no = numbers[i]
            i += 1
            if key == "for":
                if value is None:
                    i, line_no, column, ids = _teams(lines, i, width)
                else:
                    column, ids = width + 6, _flow_ids(value)
                fields[key] = ids
                flat += ("for", line_no, column)
            else:
                if key == "text":
                    fields[key] = _text(value)
                elif key == "needs":
                    fields[key] = _id(value)
                else:
                    fields[key] = _scalar(value)
                    if not _DEPENDENCY.match(fields[key]):
                        raise _Other
                flat += (sys.intern(key), line_no, width + len(key) + 3)
            row = rows[i]
            if not row.startswith(indent) or row[width : width + 1] in ("", " "):
                break  # not a key of this item
            match = _KEY["#" in row].match(row, width)
            if match is None:
                raise _Other
            key, value = match[2], match[3]
        if "text" not in fields or (blockers and "needs" not in fields):
            raise _Other
        text = fields["text"]
        teams: tuple[str, ...] = (fields["needs"],) if blockers else fields.get("for", ())
        dependency = fields.get("dependency") or ""
        items.append(
            m.Item(
                Pos(path, item_line, dash + 3),
                question,
                text,
                teams,
                dependency,
                positions=Positions(path, tuple(flat)),
            )
        )
        encoded.append([item_line, dash + 3, flat, question, text, list(teams), dependency])
        row = rows[i]
        match = _ENTRY["#" in row].match(row)
    if rows[i][:1] == " ":  # more indented than a top-level key
        raise _Other
    return i, start, dash + 1, (tuple(items), encoded)


def _teams(lines: _Lines, i: int, least: int) -> tuple[int, int, int, tuple[str, ...]]:
    """The team ids listed from row `i` on (after `for:`), indented at least `least`:
    the row after them, where the list starts, and the ids."""
    rows = lines.rows
    row = rows[i]
    match = _ITEM["#" in row].match(row)
    if match is None or len(match[1]) < least:
        raise _Other  # `for:` with nothing, or not a list
    dash = len(match[1])
    start = lines.numbers[i]
    prefix = match[1] + "- "
    skip = dash + 2
    teams: list[str] = []
    while row.startswith(prefix):
        value = row[skip:]
        if not _ID.match(value) or value == "null":  # quoted, commented, or not an id
            value = _id(_ITEM["#" in row].match(row)[2])  # type: ignore[index]
        teams.append(sys.intern(value))
        i += 1
        row = rows[i]
    if len(set(teams)) != len(teams):
        raise _Other  # repeated: the schema reports it
    return i, start, dash + 1, tuple(teams)


def _flow_ids(value: str) -> tuple[str, ...]:
    """The team ids of `[id, id, ...]` on one line."""
    match = _FLOW.match(value)
    if match is None:
        raise _Other
    inner = match[1]
    if not inner.strip(" "):
        return ()
    teams = [sys.intern(_id(text.strip(" "))) for text in inner.split(",")]
    if len(set(teams)) != len(teams):
        raise _Other  # repeated: the schema reports it
    return tuple(teams)
