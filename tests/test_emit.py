"""emit: what sosgen writes reads back as exactly what it meant, in any YAML reader.

Every hostile text round-trips through PyYAML's `safe_load` (a YAML 1.1 reader, the
strictest guesser) and through sosgen's own loader; the golden test pins the style.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sosgen.emit import dump_yaml
from sosgen.load import Map, Scalar, Seq, load_bytes

HOSTILE = [
    "it's",
    'say "hi"',
    "'quoted'",
    '"double"',
    "a: b",
    "a:b",
    "ends with colon:",
    "text # not a comment",
    "#hashtag",
    "- looks like a list",
    "-",
    "? looks like a key",
    "?",
    ": value",
    "NO",
    "No",
    "no",
    "yes",
    "Yes",
    "on",
    "OFF",
    "y",
    "N",
    "true",
    "False",
    "~",
    "null",
    "Null",
    "NULL",
    "012",
    "0o12",
    "0b101",
    "0x1F",
    "1_000",
    "+1",
    "-1",
    "10:30",
    "190:20:30",
    "1e3",
    "1E-3",
    "1.5",
    ".5",
    "1.",
    ".inf",
    "-.Inf",
    ".NaN",
    "2026-11-25",
    "2026-11-25T10:30:00Z",
    "2026-11-25 10:30",
    "=",
    "<<",
    "@x",
    "`x`",
    "%",
    "%YAML 1.2",
    "!tag",
    "!!str",
    "&a",
    "*a",
    "{}",
    "[]",
    "{a: 1}",
    "[a, b]",
    "a, b",
    "|",
    ">",
    "---",
    "...",
    "--- x",
    "",
    " ",
    "  leading spaces",
    "trailing spaces  ",
    "emoji 🎉👩🏽‍💻 and flags 🇳🇴",
    "RTL: שלום עולם مرحبا",
    "combining: é (e\u0301) and Z\u0336\u0301a\u0337l\u0335g\u0334o",
    "\u0301 starts with a combining mark",
    "zero\u200bwidth",
    "nbsp\xa0inside",
    "bom\ufeffinside",
    "line\u2028separator",
    "next\x85line",
    "first line\nsecond line",
    "first line\nsecond line\n",
    "ends with blank lines\n\n\n",
    "\n\nleading blank lines",
    "\n",
    "\n\n",
    "trailing spaces  \non a line  \n",
    " indented first line\nsecond",
    "tab\tinside",
    "\tleading tab",
    "multi\twith tab\nline",
    "crlf\r\ninside\r\n",
    "lonely\rcarriage return",
    "x" * 5000,
    "word " * 1000,
    "long " * 30 + "a: b " + "long " * 30,
    "control \x07 \x1b \x7f characters",
    "\x00 nul",
]


def read_back(text: str) -> object:
    """`text` parsed by sosgen's loader, as plain Python values (scalars stay strings)."""
    node, diagnostics = load_bytes(text.encode("utf-8"), "x.yaml")
    assert diagnostics == []
    return _plain(node)


def _plain(node: object) -> object:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Seq):
        return [_plain(item) for item in node.items]
    assert isinstance(node, Map)
    return {key.value: _plain(value) for key, value in node.items}


@pytest.mark.parametrize("text", HOSTILE, ids=[f"{i}-{t[:16]!r}" for i, t in enumerate(HOSTILE)])
def test_hostile_text_round_trips(text: str) -> None:
    data = {"text": text, "items": [text, {"note": text}], text: "as a key"}
    out = dump_yaml(data)
    assert yaml.safe_load(out) == data
    assert read_back(out) == data


@settings(max_examples=300)
@given(st.dictionaries(st.text(), st.text()))
def test_any_text_round_trips(data: dict[str, str]) -> None:
    out = dump_yaml(data)
    assert yaml.safe_load(out) == data
    assert read_back(out) == data


# Texts built from the characters YAML cares about most, so the search hits them often.
YAML_CHARS = list(" \t\n\r-?:#,'\"!&*{}[]|>%@`~.+0123456789eExXoOyYnN\x85\u2028\u2029\ufeff\xa0")
TRICKY = st.lists(
    st.sampled_from([*YAML_CHARS, "---", "...", "null", "yes", "\r\n"]), max_size=10
).map("".join)


@settings(max_examples=300)
@given(st.dictionaries(TRICKY, TRICKY | st.lists(TRICKY, max_size=3), max_size=4))
def test_yaml_punctuation_round_trips(data: dict[str, str | list[str]]) -> None:
    out = dump_yaml(data)
    assert yaml.safe_load(out) == data
    assert read_back(out) == data


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("plain text", "v: plain text"),
        ("NO", "v: 'NO'"),
        ("yes", "v: 'yes'"),
        ("y", "v: 'y'"),
        ("~", "v: '~'"),
        ("null", "v: 'null'"),
        ("012", "v: '012'"),
        ("0x1F", "v: '0x1F'"),
        ("10:30", "v: '10:30'"),
        ("1e3", "v: '1e3'"),
        ("2026-11-25", "v: '2026-11-25'"),
        ("", "v: ''"),
        (None, "v:"),
        (dt.date(2026, 11, 25), "v: 2026-11-25"),
        (True, "v: true"),
        (False, "v: false"),
        (0, "v: 0"),
        (-12, "v: -12"),
        ([], "v: []"),
        ({}, "v: {}"),
    ],
)
def test_scalar_style(value: object, line: str) -> None:
    assert dump_yaml({"v": value}) == line + "\n"


def test_multi_line_text_is_a_literal_block() -> None:
    out = dump_yaml({"note": "line one\nline two\n", "last": "no newline\nat the end"})
    assert out == "note: |\n  line one\n  line two\nlast: |-\n  no newline\n  at the end\n"


def test_long_text_stays_on_one_line() -> None:
    text = "A long sentence about the refund API, " * 40
    assert dump_yaml({"text": text.strip()}).count("\n") == 1


def test_none_is_an_empty_value_everywhere() -> None:
    out = dump_yaml({"status": None, "list": [None, "x"], "map": {"k": None}})
    assert out == "status:\nlist:\n  -\n  - x\nmap:\n  k:\n"
    assert yaml.safe_load(out) == {"status": None, "list": [None, "x"], "map": {"k": None}}


def test_order_is_kept_not_sorted() -> None:
    data = {"zeta": 1, "alpha": {"z": 1, "a": 2}, "mid": 3}
    assert dump_yaml(data) == "zeta: 1\nalpha:\n  z: 1\n  a: 2\nmid: 3\n"


def test_shared_objects_are_written_out_not_aliased() -> None:
    shared = {"person": "bob"}
    out = dump_yaml({"a": [shared, shared], "b": shared})
    assert "&" not in out and "*" not in out
    assert read_back(out) == {"a": [shared, shared], "b": shared}


def test_tuples_and_str_subclasses() -> None:
    class Status(str):
        pass

    assert dump_yaml({"for": ("checkout", "identity"), "s": Status("open")}) == (
        "for:\n  - checkout\n  - identity\ns: open\n"
    )


@pytest.mark.parametrize(
    "value",
    [b"bytes", {"set"}, 1.5, dt.datetime(2026, 11, 25, 10, 30), object()],
    ids=["bytes", "set", "float", "datetime", "object"],
)
def test_other_types_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match="sosgen files hold no "):
        dump_yaml({"v": value})


def test_header_lines_become_comments() -> None:
    header = "yaml-language-server: $schema=../../schemas/meeting.json\n\n# kept as is\nlast"
    assert dump_yaml({"a": 1}, header=header) == (
        "# yaml-language-server: $schema=../../schemas/meeting.json\n"
        "#\n"
        "# kept as is\n"
        "# last\n"
        "a: 1\n"
    )


def test_header_cannot_break_out_of_its_comment() -> None:
    header = "line\rsecond\u2028third\x85fourth"
    out = dump_yaml({"a": 1}, header=header)
    assert out == "# line\n# second\n# third\n# fourth\na: 1\n"
    assert yaml.safe_load(out) == {"a": 1}


GOLDEN = """\
# yaml-language-server: $schema=../../sosgen/schemas/meeting.json
# Written by sosgen new-meeting; fill in `status` for each review item.
facilitator: dana
attendees:
  - bob
  - erin
  - dana
expected:
  payments: bob
  checkout: erin
  'no': alice
review:
  - id: A-2026-11-18-1
    status:
    note: 'schema draft: shared'
    escalated: true
actions:
  - id: A-2026-11-25-1
    text: Agree the refund event schema
    owner: bob
    due: 2026-11-27
parking_lot: []
decisions: []
follow_up:
  - team: payments
    question: blockers
    text: |
      Waiting for token introspection
      since Monday
"""


def test_golden_meeting_document() -> None:
    meeting = {
        "facilitator": "dana",
        "attendees": ["bob", "erin", "dana"],
        "expected": {"payments": "bob", "checkout": "erin", "no": "alice"},
        "review": [
            {
                "id": "A-2026-11-18-1",
                "status": None,
                "note": "schema draft: shared",
                "escalated": True,
            }
        ],
        "actions": [
            {
                "id": "A-2026-11-25-1",
                "text": "Agree the refund event schema",
                "owner": "bob",
                "due": dt.date(2026, 11, 27),
            }
        ],
        "parking_lot": [],
        "decisions": [],
        "follow_up": [
            {
                "team": "payments",
                "question": "blockers",
                "text": "Waiting for token introspection\nsince Monday\n",
            }
        ],
    }
    header = (
        "# yaml-language-server: $schema=../../sosgen/schemas/meeting.json\n"
        "Written by sosgen new-meeting; fill in `status` for each review item."
    )
    out = dump_yaml(meeting, header=header)
    assert out == GOLDEN
    assert yaml.safe_load(out) == meeting
