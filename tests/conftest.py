"""Shared fixtures: a small valid repository on disk, and the CLI run in-process."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sosgen import parse_pool
from sosgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

TEAMS = """\
organization: Test Org
cadence: {days: [mon, wed, fri], timebox_minutes: 30, sprint_weeks: 2}
facilitator: dana
people:
  dana: {name: Dana Facilitator}
  alice: {name: Alice Ng, github: alice-ng}
  bob: {name: Bob Ray, github: bob-ray}
  erin: {name: Erin Li}
clusters:
  shop: {name: Shop}
teams:
  - id: payments
    name: Payments
    cluster: shop
    members: [alice]
    ambassadors: [{person: alice, from: 2026-11-02}]
    aliases: [billing]
  - id: checkout
    name: Checkout
    cluster: shop
    members: [bob]
    ambassadors: [{person: bob, from: 2026-11-02}]
  - id: identity
    name: Identity
    members: [erin]
    ambassadors: [{person: erin, from: 2026-11-02}]
"""

DEPENDENCIES = """\
dependencies:
  - id: DEP-1
    team: checkout
    depends_on: payments
    what: Refund API v2
    needed_by: 2026-12-05
    committed: 2026-12-01
    owner: bob
    status: committed
    raised: 2026-11-02
"""

UPDATE = """\
ambassador: {who}
completed: none
next:
  - text: New refund flow
    for: [{other}]
blockers: none
heads_up: none
"""

MEETING = """\
facilitator: dana
attendees: [alice, bob, erin, dana]
"""

DAY = "2026-11-23"


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Repo:
    root: Path

    def write(self, relpath: str, text: str | bytes) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def read(self, relpath: str) -> str:
        return (self.root / relpath).read_text(encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A valid repository: three teams, one meeting on 2026-11-23 with every update."""
    r = Repo(tmp_path / "org")
    r.write("teams.yaml", TEAMS)
    r.write("dependencies.yaml", DEPENDENCIES)
    r.write(f"meetings/{DAY}/_meeting.yaml", MEETING)
    for team, who, other in (
        ("payments", "alice", "checkout"),
        ("checkout", "bob", "payments"),
        ("identity", "erin", "payments"),
    ):
        r.write(f"meetings/{DAY}/{team}.yaml", UPDATE.format(who=who, other=other))
    return r


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run `sosgen ARGS` in-process; returns exit code and captured output."""

    def _run(*argv: str | Path) -> Result:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed from their bytes (not answered from the cache), as they are."""
    seen: list[str] = []
    real = parse_pool.read_file

    def read_file(root: Path, relpath: str, schema: str, *, encode: bool) -> parse_pool.Read:
        seen.append(relpath)
        return real(root, relpath, schema, encode=encode)

    monkeypatch.setattr(parse_pool, "read_file", read_file)
    return seen
