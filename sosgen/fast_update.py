"""A fast path for the common team update: valid, block style, one line per value.

Nearly every file of a repository is a team update (`meetings/<date>/<team>.yaml`),
written in the one shape the scaffold and the README show. Loading one the general
way (YAML events -> positioned tree -> schema -> model -> cache encoding) costs about
half a millisecond, most of it Python objects that exist only to be walked once.

Here such a file is read line by line straight into its `model.Update` and the
codec's encoding of it, with the same values and positions. Only a small subset of
YAML is accepted, each construct one whose meaning is certain: `key: value` and
`key:` lines at exactly the indentation the structure expects, `- ` list entries,
`[id, id]` lists of ids,
scalars on one line (plain without anything YAML could read as syntax, or quoted
without escapes), comments on lines of their own starting at column 1, empty lines,
and printable characters only. Anything else (another layout, a block scalar, a tab,
an unknown or repeated key, a value the schema would refuse, a missing answer...)
gives None: the caller then loads the file the general way, which gives the
diagnostics. `tests/test_fast_update.py` runs both ways over every test fixture and
a synthetic organisation and requires the same value, diagnostics and cache encoding.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

from sosgen import model as m
from sosgen.codec import Positions
from sosgen.diagnostics import Pos
from sosgen.load import decoded

# Characters outside this set (tabs, carriage returns, the line breaks YAML adds to
# "\n", C1 controls, a byte-order mark...) send the file the general way.
_UNSAFE = re.compile(
    "[^\n -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_KEY = re.compile(r"( *)([a-z_]+):(?: (.*))?\Z")  # `key: value` or `key:`
_ENTRY = re.compile(r"( *)- ([a-z_]+):(?: (.*))?\Z")  # `- key: value` or `- key:`
_ITEM = re.compile(r"( *)- (.*)\Z")  # `- value`
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
        return _update(text.split("\n"), relpath, name.removesuffix(".yaml"), day)
    except (_Other, ValueError):
        return None


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


def _update(lines: list[str], path: str, team: str, day: dt.date) -> tuple[m.Update, list[Any]]:
    flat: list[Any] = []  # the positions of the top-level values
    seen: dict[str, Any] = {}
    answers: list[tuple[tuple[m.Item, ...], list[Any]]] = [((), [])] * 4
    first = 0  # the line of the first key: where the mapping starts
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        i += 1
        if not line or line[0] == "#":
            continue
        match = _KEY.match(line)
        if match is None or match[1]:
            raise _Other
        key, value = match[2], match[3]
        if key in seen:
            raise _Other
        first = first or i
        if value is None:  # a list of items follows
            question = _ANSWERS.get(key)
            if question is None:
                raise _Other
            i, line_no, column, answer = _items(lines, i, path, key)
            answers[question] = answer
            seen[key] = True
            flat += (sys.intern(key), line_no, column)
            continue
        flat += (sys.intern(key), i, len(key) + 3)
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
    ambassador = sys.intern(seen["ambassador"])
    declared_team = seen.get("team") or ""
    declared_meeting = seen.get("meeting")
    pos = Pos(path, first, 1)
    (completed, _), (next_, _), (blockers, _), (heads_up, _) = answers
    value = m.Update(
        pos,
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


def _next(lines: list[str], i: int) -> int:
    """The index of the first line from `i` on that is not empty or a comment."""
    count = len(lines)
    while i < count and (not lines[i] or lines[i][0] == "#"):
        i += 1
    return i


def _items(
    lines: list[str], i: int, path: str, question: str
) -> tuple[int, int, int, tuple[tuple[m.Item, ...], list[Any]]]:
    """The items of a list starting at line index `i` (after `question:`): the index
    after them, where the list starts, and the items with their encoding."""
    blockers = question == "blockers"
    allowed = _ITEM_KEYS[blockers]
    i = _next(lines, i)
    if i == len(lines):
        raise _Other  # `question:` with nothing: no answer
    match = _ENTRY.match(lines[i])
    if match is None:
        raise _Other
    dash = len(match[1])
    start_line, start_column = i + 1, dash + 1
    indent = " " * (dash + 2)
    items: list[m.Item] = []
    encoded: list[Any] = []
    while match is not None and len(match[1]) == dash:
        item_line = i + 1
        fields: dict[str, Any] = {}
        flat: list[Any] = []
        key, value = match[2], match[3]
        i += 1
        while True:
            if key in fields or key not in allowed:
                raise _Other
            if key == "for":
                if value is None:
                    i, line_no, column, ids = _teams(lines, i, dash + 2)
                else:
                    line_no, column, ids = i, len(indent) + 6, _flow_ids(value)
                fields[key] = ids
                flat += ("for", line_no, column)
            else:
                column = len(indent) + len(key) + 3
                if key == "text":
                    fields[key] = _text(value)
                elif key == "needs":
                    fields[key] = _id(value)
                else:
                    fields[key] = _scalar(value)
                    if not _DEPENDENCY.match(fields[key]):
                        raise _Other
                flat += (sys.intern(key), i, column)
            i = _next(lines, i)
            line = lines[i] if i < len(lines) else ""
            if not line.startswith(indent) or line[len(indent) : len(indent) + 1] in ("", " "):
                break  # not a key of this item
            match = _KEY.match(lines[i], len(indent))
            if match is None:
                raise _Other
            key, value = match[2], match[3]
            i += 1
        if "text" not in fields or (blockers and "needs" not in fields):
            raise _Other
        text = fields["text"]
        teams: tuple[str, ...] = (fields["needs"],) if blockers else fields.get("for", ())
        dependency = fields.get("dependency") or ""
        positions = tuple(flat)
        items.append(
            m.Item(
                Pos(path, item_line, dash + 3),
                question,
                text,
                teams,
                dependency,
                positions=Positions(path, positions),
            )
        )
        encoded.append([item_line, dash + 3, flat, question, text, list(teams), dependency])
        match = _ENTRY.match(lines[i]) if i < len(lines) else None
    if i < len(lines) and lines[i][0] == " ":  # more indented than a top-level key
        raise _Other
    return i, start_line, start_column, (tuple(items), encoded)


def _teams(lines: list[str], i: int, least: int) -> tuple[int, int, int, tuple[str, ...]]:
    """The team ids listed from line index `i` on (after `for:`), indented at least
    `least`: the index after them, where the list starts, and the ids."""
    i = _next(lines, i)
    match = _ITEM.match(lines[i]) if i < len(lines) else None
    if match is None or len(match[1]) < least:
        raise _Other  # `for:` with nothing, or not a list
    dash = len(match[1])
    start_line = i + 1
    teams: list[str] = []
    while match is not None and len(match[1]) == dash:
        teams.append(sys.intern(_id(match[2])))
        i = _next(lines, i + 1)
        match = _ITEM.match(lines[i]) if i < len(lines) else None
    if len(set(teams)) != len(teams):
        raise _Other  # repeated: the schema reports it
    return i, start_line, dash + 1, tuple(teams)


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
