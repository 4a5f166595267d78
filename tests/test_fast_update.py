"""The update fast path gives exactly what the general way gives, or steps aside.

For every input, `parse_pool.loaded_bytes` (which tries the fast path first) must give
the same model value, positions, diagnostics and cache encoding as loading through
the tree, the schema and the converter; a file with any problem must take the
general way. Inputs: every YAML fixture of the tests, the update texts of the rule
cases, the repository's example organisation, a synthetic one, hand-written layouts
and thousands of mutations.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import synth
from conftest import DAY, ROOT, UPDATE
from rule_cases import CASES

from sosgen import cache, fast_update, parse_pool
from sosgen.model import Update
from sosgen.repo import load_document

PATH = f"meetings/{DAY}/payments.yaml"
STAMP = (1, 2, 3, 4)


def _general(data: bytes, relpath: str) -> tuple[Any, list[Any], str | None]:
    loaded = load_document(data, relpath, "update")
    return loaded[0], loaded[1], parse_pool.encode_loaded("update", loaded, relpath)


def _places(value: Any) -> list[Any]:
    """Every position of an update: its own and its items', with their keys' places."""
    if not isinstance(value, Update):
        return []
    return [(x.pos, dict(x.positions)) for x in (value, *value.items())]


def same(data: bytes | str, relpath: str = PATH) -> bool:
    """Assert both ways agree on `data`; True if the fast path took it."""
    if isinstance(data, str):
        data = data.encode()
    value, problems, encoded = _general(data, relpath)
    read = parse_pool.loaded_bytes(relpath, "update", data, STAMP, encode=True)
    assert read.loaded[0] == value
    assert _places(read.loaded[0]) == _places(value)
    assert read.loaded[1] == problems
    assert read.encoded == encoded
    fast = fast_update.update(data, relpath) is not None
    assert not (fast and problems)
    return fast


def _fixture_files() -> list[Path]:
    return sorted((ROOT / "tests").rglob("*.yaml"))


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_fixture_file(path: Path) -> None:
    relpath = str(path.relative_to(path.parents[2])) if "meetings" in path.parts else PATH
    same(path.read_bytes(), relpath)


def test_the_example_organisation_takes_the_fast_path_throughout() -> None:
    updates = sorted((ROOT / "meetings").glob("*/[!_]*.yaml"))
    assert updates
    for path in updates:
        assert same(path.read_bytes(), str(path.relative_to(ROOT)))


def test_every_rule_case_update() -> None:
    texts = [UPDATE.format(who="alice", other="checkout")]
    for edits in CASES.values():
        for relpath, text in edits.items():
            if relpath.startswith("meetings/") and not relpath.endswith("/_meeting.yaml"):
                texts.append(text)
    for text in texts:
        same(text)


def test_a_synthetic_organisation_takes_the_fast_path_throughout(tmp_path: Path) -> None:
    synth.generate(tmp_path / "org", teams=6, meetings=24, seed=7)
    updates = sorted((tmp_path / "org" / "meetings").glob("*/[!_]*.yaml"))
    assert len(updates) > 60
    for path in updates:
        assert same(path.read_bytes(), str(path.relative_to(tmp_path / "org")))


TAKEN = {
    "indented lists": (
        "ambassador: alice\ncompleted:\n  - text: Shipped it\n    for:\n      - web\n"
        "      - identity\n    dependency: DEP-12\nnext: none\nblockers:\n  - text: Stuck\n"
        "    needs: web\nheads_up: none\n"
    ),
    "lists at the key's indentation": (
        "ambassador: alice\ncompleted:\n- text: Shipped it\n  for:\n  - web\n"
        "next: none\nblockers:\n- needs: web\n  text: Stuck\n  dependency: DEP-1\n"
        "heads_up: none\n"
    ),
    "lists of ids in brackets": (
        "ambassador: alice\ncompleted:\n  - text: a\n    for: [web]\n  - text: b\n"
        "    for: [ web ,identity,  mobile-2 ]\n  - text: c\n    for: []\n    dependency: DEP-2\n"
        "next: none\nblockers: none\nheads_up: none\n"
    ),
    "comments after values, indented comments, blank lines": (
        "ambassador: alice   # who gives it\ncompleted:  # 1.\n  - text: a  #b #c\n"
        "    # an indented comment\n    for: [web, identity]  # teams\n  \n"
        "    dependency: DEP-2 #\n  - text: 'a # b' # c\n    for:   # teams\n"
        "      - web  # one\n      - 'identity' # two\n# end\nnext: none # 2.\n"
        "blockers:\n- text: b#c\n  needs: web # d\nheads_up: none\n"
    ),
    "declared team and meeting, keys in any order": (
        f"heads_up: none\nteam: payments\nblockers: none\nmeeting: {DAY}\n"
        "next: none\ncompleted: none\nambassador: alice\n"
    ),
    "comments and empty lines": (
        "# yaml-language-server: $schema=../../schemas/update.schema.json\n\n"
        "ambassador: alice\n# between\ncompleted:\n\n# before the list\n- text: a\n# inside\n"
        "  for:\n# before the teams\n  - web\n\n  - identity\n# after\nnext: none\n"
        "blockers: none\nheads_up: none"
    ),
    "quoted text": (
        "ambassador: 'alice'\ncompleted:\n- text: 'Done: it''s # out'\n  for:\n  - \"web\"\n"
        "- text: \"say: yes # no\"\nnext:\n- text: 'null'\nblockers: none\nheads_up: none\n"
    ),
    "text YAML would not guess a type for": (
        "ambassador: alice\ncompleted:\n- text: 2026-01-01\n- text: 'yes'\n- text: 012\n"
        "- text: 10:30\n- text: true\nnext: none\nblockers: none\nheads_up: none\n"
    ),
    "characters that are only text": (
        "ambassador: alice\ncompleted:\n- text: a [b] {c}, d:e f g#h 50% *x* !y &z @w `v` |u\n"
        "- text: é 😀 a\u00a0b 中文 'q' \"q\"\nnext: none\nblockers: none\nheads_up: none\n"
    ),
    "a byte-order mark and CRLF line ends": (
        "\ufeffambassador: alice\r\ncompleted: none\r\nnext: none\r\nblockers: none\r\n"
        "heads_up: none\r\n"
    ),
}


@pytest.mark.parametrize("text", TAKEN.values(), ids=TAKEN.keys())
def test_layouts_the_fast_path_takes(text: str) -> None:
    assert same(text)


BASE = "ambassador: alice\ncompleted: none\nnext: none\nblockers: none\nheads_up: none\n"
ITEM = "ambassador: alice\ncompleted:\n- text: a\n  for:\n  - web\nnext: none\n"
ITEM += "blockers: none\nheads_up: none\n"
STEPPED_ASIDE = {
    "a missing answer": BASE.replace("next: none\n", ""),
    "an empty answer": BASE.replace("next: none", "next:"),
    "a quoted none": BASE.replace("next: none", "next: 'none'"),
    "a null ambassador": BASE.replace("alice", "null"),
    "a bad id": BASE.replace("alice", "Alice"),
    "an unknown key": BASE + "notes: x\n",
    "a duplicate key": BASE + "next: none\n",
    "a duplicate team": ITEM.replace("  - web\n", "  - web\n  - web\n"),
    "a bad date": BASE + "meeting: 2026-02-30\n",
    "a bad dependency": ITEM.replace("  for:", "  dependency: dep-1\n  for:"),
    "a blocker without needs": BASE.replace("blockers: none", "blockers:\n- text: x"),
    "for in a blocker": BASE.replace(
        "blockers: none", "blockers:\n- text: x\n  needs: web\n  for:\n  - a"
    ),
    "null text": ITEM.replace("text: a", "text: ~"),
    "empty quoted text": ITEM.replace("text: a", "text: ''"),
    "a comment after a quoted value": ITEM.replace("text: a", "text: 'a # b' c # d"),
    "a comment inside quotes": ITEM.replace("text: a", "text: 'a # b'x"),
    "a key in a comment": ITEM.replace("text: a", "text: a #\nnotes: x"),
    "a trailing space": ITEM.replace("text: a", "text: a "),
    "a continued plain scalar": ITEM.replace("text: a\n", "text: a\n    b\n"),
    "a continued top-level scalar": BASE.replace("alice\n", "alice\n  bob\n"),
    "a block scalar": ITEM.replace("text: a", "text: |\n    a"),
    "a flow mapping": BASE.replace("next: none", "next:\n- {text: a, for: [web]}"),
    "a null in brackets": ITEM.replace("  for:\n  - web", "  for: [web, null]"),
    "a repeat in brackets": ITEM.replace("  for:\n  - web", "  for: [web, web]"),
    "a trailing comma in brackets": ITEM.replace("  for:\n  - web", "  for: [web, ]"),
    "quotes in brackets": ITEM.replace("  for:\n  - web", "  for: ['web']"),
    "an escape": ITEM.replace("text: a", 'text: "a\\tb"'),
    "a tab": ITEM.replace("text: a", "text: a\tb"),
    "a tab for indentation": ITEM.replace("  for:", "\tfor:"),
    "a line separator": ITEM.replace("text: a", "text: a\u2028b"),
    "a document marker": "---\n" + BASE,
    "two documents": BASE + "---\n" + BASE,
    "an anchor": BASE.replace("alice", "&a alice"),
    "an alias": BASE.replace("alice", "*a"),
    "a tag": BASE.replace("alice", "!!str alice"),
    "a value indented too far": ITEM.replace("  for:\n  - web", "  for:\n  - web\n   - x"),
    "a key indented too far": ITEM.replace("  for:", "   for:"),
    "a list item indented less": ITEM.replace("- text: a", " - text: a"),
    "a key ending a value": ITEM.replace("text: a", "text: a:"),
    "mapping value in text": ITEM.replace("text: a", "text: a: b"),
    "an empty file": "",
    "only comments": "# nothing\n",
    "a list at the top": "- ambassador: alice\n",
    "invalid UTF-8": "ambassador: al\udcffice\n",
}


@pytest.mark.parametrize("text", STEPPED_ASIDE.values(), ids=STEPPED_ASIDE.keys())
def test_the_fast_path_steps_aside(text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    assert fast_update.update(data, PATH) is None
    assert not same(data)


def test_not_an_update_path_steps_aside() -> None:
    assert fast_update.update(BASE.encode(), "payments.yaml") is None
    assert fast_update.update(BASE.encode(), "meetings/2026-02-30/payments.yaml") is None


_INSERTS = [
    *" \t#:-'\"\nx&*!|>{}[],?%@`\r\\é~0",
    "\u2028",
    "\x85",
    "\xa0",
    "😀",
    ": ",
    " #",
    "- ",
    "  ",
    "null",
    "''",
    "DEP-1",
]


def _mutated(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    op = rng.randrange(6)
    if op == 3:
        lines.insert(i, rng.choice(lines))
    elif op == 4:
        lines[i] = " " * rng.randrange(1, 4) + lines[i]
    elif op == 5:
        lines[i] = lines[i][rng.randrange(1, 3) :]
    else:
        at = rng.randrange(len(text) + 1)
        cut = at + (op > 0)
        return text[:at] + ("" if op == 1 else rng.choice(_INSERTS)) + text[cut:]
    return "\n".join(lines)


def test_mutations_agree() -> None:
    """Small edits of valid files (characters YAML reads as syntax, indentation, lines
    repeated): whichever way each one goes, both ways give the same result."""
    rng = random.Random(20261124)
    seeds = list(TAKEN.values())
    taken = 0
    for _ in range(3000):
        text = rng.choice(seeds)
        for _ in range(rng.randrange(1, 3)):
            text = _mutated(rng, text)
        taken += same(text)
    assert 100 < taken < 2900  # both ways were exercised


def test_the_cache_fingerprint_covers_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.fingerprint("update")
    source = cache._source

    def changed(path: str | None) -> bytes:
        return source(path) + (b"#" if str(path).endswith("fast_update.py") else b"")

    monkeypatch.setattr(cache, "_fingerprints", {})
    monkeypatch.setattr(cache, "_source", changed)
    assert cache.fingerprint("update") != before
