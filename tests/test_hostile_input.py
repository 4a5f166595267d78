"""Hostile input: every case is one clear path:line:col error and exit 1, never a traceback,
a hang or a silent pass. A hang guard (not a timing assertion) fails any case over 10 s."""

from __future__ import annotations

import signal

import pytest
from conftest import DAY, DEPENDENCIES, TEAMS

U = f"meetings/{DAY}/payments.yaml"
VALID = b"ambassador: alice\ncompleted: none\nnext: none\nblockers: none\nheads_up: none\n"
BOMB = (
    b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
)


def _teams(old: str, new: str) -> bytes:
    return TEAMS.replace(old, new).encode()


CASES = {
    "alias bomb": (
        U,
        BOMB,
        "1:4: error: anchors (&a) are not allowed; write values out [yaml-syntax]",
    ),
    "alias alone": (
        U,
        b"ambassador: *x\n",
        "1:13: error: aliases (*name) are not allowed; write the value out [yaml-syntax]",
    ),
    "duplicate keys": (
        U,
        VALID + b"next: none\n",
        "6:1: error: duplicate key 'next' (first at line 3); keep one of them [yaml-syntax]",
    ),
    "Norway boolean": (
        U,
        VALID.replace(b"heads_up: none", b"heads_up: NO"),
        "5:11: error: expected a list of items, or the word none, got 'NO' [schema]",
    ),
    "octal number": (
        "teams.yaml",
        _teams("timebox_minutes: 30", "timebox_minutes: 012"),
        "2:51: error: expected a whole number, got '012' [schema]",
    ),
    "sexagesimal": (
        "teams.yaml",
        _teams("timebox_minutes: 30", "timebox_minutes: 10:30"),
        "2:51: error: expected a whole number, got '10:30' [schema]",
    ),
    "invalid date": (
        "dependencies.yaml",
        DEPENDENCIES.replace("2026-12-05", "2026-02-30").encode(),
        "6:16: error: '2026-02-30' is not a valid date (no such day) [schema]",
    ),
    "date not ISO": (
        "dependencies.yaml",
        DEPENDENCIES.replace("2026-12-05", "5 Dec").encode(),
        "6:16: error: '5 Dec' is not a date; write it as YYYY-MM-DD [schema]",
    ),
    "non-UTF-8": (
        U,
        b"ambassador: alice\ncompleted:\n  - text: caf\xe9\n",
        "3:14: error: invalid UTF-8 byte 0xe9; save the file as UTF-8 [yaml-syntax]",
    ),
    "UTF-16": (
        U,
        "ambassador: alice\n".encode("utf-16"),
        "1:1: error: file is UTF-16 or UTF-32 encoded; save it as UTF-8 [yaml-syntax]",
    ),
    "NUL": (
        U,
        b"ambassador: alice\ncompleted: no\x00ne\n",
        "2:14: error: NUL byte is not allowed; remove it [yaml-syntax]",
    ),
    "control character": (
        U,
        b"ambassador: alice\x1b[31m\n",
        "1:18: error: control character U+001B is not allowed; remove it [yaml-syntax]",
    ),
    "tab indentation": (
        U,
        b"ambassador: alice\ncompleted:\n\t- text: x\n",
        "3:1: error: invalid YAML: a tab character (indent with spaces, not tabs) [yaml-syntax]",
    ),
    "two documents": (
        U,
        VALID + b"---\nambassador: bob\n",
        "6:1: error: more than one YAML document; keep one per file [yaml-syntax]",
    ),
    "deep nesting": (
        U,
        b"ambassador: alice\ncompleted: " + b"[" * 100 + b"]" * 100 + b"\n",
        "2:35: error: nesting deeper than 24 levels [yaml-syntax]",
    ),
    "1 MB file": (
        U,
        b"ambassador: alice\n" + b"# padding\n" * 110_000,
        "1:1: error: file is larger than 256 KiB; split it or trim it [yaml-syntax]",
    ),
    "empty file": (U, b"", "1:1: error: file is empty; see the format in the README [schema]"),
    "wrong root type": (
        U,
        b"- ambassador: alice\n",
        "1:1: error: expected a mapping of keys, got a list [schema]",
    ),
    "python tag": (
        U,
        b"ambassador: !!python/object:os.system alice\n",
        "1:13: error: explicit "
        "tags (tag:yaml.org,2002:python/object:os.system) are not allowed; remove "
        "the tag [yaml-syntax]",
    ),
    "local tag": (
        U,
        b"ambassador: !custom alice\n",
        "1:13: error: explicit tags (!custom) are not allowed; remove the tag [yaml-syntax]",
    ),
    "unknown key": (
        U,
        VALID + b"mood: great\n",
        "6:1: error: unknown key 'mood'; allowed: "
        "team, meeting, ambassador, completed, next, blockers, heads_up "
        "[unknown-key]",
    ),
    "team id ../x": (
        "teams.yaml",
        _teams("id: identity", "id: ../x"),
        "23:9: error: '../x' is "
        "not an id of lowercase letters, digits and '-' (at most 40) [schema]",
    ),
    "team id /etc": (
        "teams.yaml",
        _teams("id: identity", "id: /etc"),
        "23:9: error: '/etc' is "
        "not an id of lowercase letters, digits and '-' (at most 40) [schema]",
    ),
    "team id CON": (
        "teams.yaml",
        _teams("id: identity", "id: CON"),
        "23:9: error: 'CON' is not "
        "an id of lowercase letters, digits and '-' (at most 40) [schema]",
    ),
    "team id con": (
        "teams.yaml",
        _teams("id: identity", "id: con"),
        "23:9: error: team id 'con' "
        "is a reserved file name on Windows; choose another id [reserved-id]",
    ),
    "case-colliding team id": (
        "teams.yaml",
        _teams("id: identity", "id: Payments"),
        "23:9: error: 'Payments' is not an id of lowercase letters, "
        "digits and '-' (at most 40) [schema]",
    ),
    "case-colliding file": (
        f"meetings/{DAY}/Payments.yaml",
        b"ambassador: alice\n",
        "1:1: error: Payments.yaml and payments.yaml differ only in case and "
        "collide on macOS and Windows; keep one file, named with the "
        "lowercase team id [layout]",
    ),
    "duplicate team id": (
        "teams.yaml",
        _teams("id: identity", "id: payments"),
        "23:9: error: duplicate team id 'payments' (first at line 12); ids "
        "must be unique [duplicate-id]",
    ),
}


@pytest.fixture(autouse=True)
def hang_guard():
    def _hang(*_):
        raise AssertionError("sosgen check hung on hostile input")

    old = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_one_clear_error(name, repo, run):
    relpath, data, expected = CASES[name]
    repo.write(relpath, data)
    result = run("-C", repo.root, "check", "--today", DAY)
    assert result.code == 1
    assert result.err == ""
    assert f"{relpath}:{expected}" in result.out.splitlines()


def test_bom_is_accepted(repo, run):
    repo.write(U, b"\xef\xbb\xbf" + VALID)
    assert run("-C", repo.root, "check", "--today", DAY).code == 0


def test_text_that_looks_like_other_types_stays_text(repo):
    from sosgen.repo import load_repository

    repo.write(
        U,
        b"ambassador: alice\ncompleted:\n  - text: NO\n    for: [checkout]\n"
        b"  - text: 012\n    for: [checkout]\n  - text: 10:30\n    for: [checkout]\n"
        b"next: none\nblockers: none\nheads_up: none\n",
    )
    loaded, problems, _ = load_repository(repo.root)
    assert problems == []
    update = loaded.meetings[0].updates["payments"]
    assert [item.text for item in update.completed] == ["NO", "012", "10:30"]
