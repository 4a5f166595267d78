"""`sosgen new-meeting`: opens the next meeting with every open action item, safely re-runnable."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, TEAMS
from hypothesis import HealthCheck, given, settings
from test_actions import DAYS, build, histories

from sosgen.actions import derive_actions, derive_parking
from sosgen.cli import main
from sosgen.emit import dump_yaml
from sosgen.repo import load_repository
from sosgen.rotation import scheduled_ambassador

NEW = "meetings/2026-11-25/_meeting.yaml"

HISTORY = {
    "meetings/2026-11-16/_meeting.yaml": """\
    facilitator: dana
    actions:
      - {id: A-2026-11-16-1, text: Agree the refund event schema, owner: bob, due: 2026-11-20}
      - {id: A-2026-11-16-2, text: Book the load test, owner: erin, due: 2026-11-18}
    parking_lot:
      - {id: P-2026-11-16-1, topic: Refund event schema, teams: [payments, checkout], owner: bob}
    """,
    "meetings/2026-11-18/_meeting.yaml": """\
    facilitator: dana
    review:
      - {id: A-2026-11-16-1, status: open, note: draft shared}
      - {id: A-2026-11-16-2, status: done}
    """,
    "meetings/2026-11-20/_meeting.yaml": """\
    facilitator: dana
    review:
      - {id: A-2026-11-16-1, status: open}
    """,
    "meetings/2026-11-23/_meeting.yaml": """\
    facilitator: dana
    attendees: [alice, bob, erin, dana]
    review:
      - {id: A-2026-11-16-1, status: open, note: waiting on checkout}
    actions:
      - {id: A-2026-11-23-1, text: Publish the card token format, owner: alice, due: 2026-11-27}
    """,
    "meetings/2026-11-23/payments.yaml": """\
    ambassador: alice
    completed: none
    next: none
    blockers:
      - text: Waiting for token introspection
        needs: identity
      - text: 'Refund API keys: "rotated" weekly'
        needs: checkout
        dependency: DEP-1
    heads_up:
      - text: Card tokens change format on **Dec 3**
        for: [checkout]
    """,
}

EXPECTED_FILE = """\
# yaml-language-server: $schema=https://sosgen.dev/schemas/meeting.schema.json
# The scrum of scrums of 2026-11-25, opened by `sosgen new-meeting`. During the meeting:
# - review: give every carried action item a status (open, done or dropped) and a note;
#   `escalated: true` items go to the chief product owner.
# - actions: raise new items as {id: A-2026-11-25-<n>, text, owner, due}.
# - parking_lot: park long discussions as {id: P-2026-11-25-<n>, topic, teams, owner};
#   close a carried topic with `status: done`.
# - follow_up: last meeting's blockers and heads-ups, to ask about.
facilitator: dana
attendees:
expected:
  payments: alice
  checkout: bob
  identity: erin
review:
  - id: A-2026-11-16-1
    status:
    escalated: true
  - id: A-2026-11-23-1
    status:
actions:
parking_lot:
  - id: P-2026-11-16-1
    status: open
decisions:
follow_up:
  - team: payments
    question: blockers
    text: Waiting for token introspection
  - team: payments
    question: blockers
    text: 'Refund API keys: "rotated" weekly'
  - team: payments
    question: heads_up
    text: Card tokens change format on **Dec 3**
"""

EXPECTED_SUMMARY = """\
created meetings/2026-11-25/_meeting.yaml
review: 2 open action items carried, oldest first, 1 escalated
  A-2026-11-16-1  escalated  bob, due 2026-11-20: Agree the refund event schema (raised \
2026-11-16; open after 3 reviews)
  A-2026-11-23-1             alice, due 2026-11-27: Publish the card token format (raised \
2026-11-23; not reviewed yet)
parking lot: 1 open topic
  P-2026-11-16-1  Refund event schema (payments, checkout)
expected: 3 ambassadors
  payments  alice
  checkout  bob
  identity  erin
follow-up from 2026-11-23: 2 blockers, 1 heads-up
"""


@pytest.fixture
def history(repo):
    for relpath, text in HISTORY.items():
        repo.write(relpath, text)
    return repo


@pytest.fixture
def example(tmp_path):
    """A copy of the example organisation at the root of this repository."""
    root = tmp_path / "example"
    root.mkdir()
    for name in ("teams.yaml", "dependencies.yaml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "meetings", root / "meetings")
    return root


def test_writes_the_next_meeting_and_says_what_it_carried(history, run):
    result = run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    assert (result.code, result.err) == (0, "")
    assert result.out == EXPECTED_SUMMARY
    assert history.read(NEW) == EXPECTED_FILE


def test_the_written_meeting_passes_check(history, run):
    run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    result = run("-C", history.root, "check", "--today", "2026-11-24")
    assert ": error: " not in result.out
    # held and still unreviewed a day later: the board-agenda "Status:" reminder
    result = run("-C", history.root, "check", "--today", "2026-11-26")
    assert (
        f"{NEW}:16:9: warning: A-2026-11-16-1 (bob: Agree the refund event schema) has no "
        "status; write `status: open`, `done` or `dropped` [not-reviewed]"
    ) in result.out.splitlines()


def test_rerun_changes_nothing_and_says_so(history, run):
    run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    for today in ("2026-11-24", "2026-11-25"):  # the day before, and the morning of the meeting
        result = run("-C", history.root, "new-meeting", "--today", today)
        assert (result.code, result.out) == (
            1,
            f"{NEW} already exists and is up to date; nothing to do\n",
        )
        assert history.read(NEW) == EXPECTED_FILE
    assert sorted(p.name for p in (history.root / "meetings").iterdir())[-1] == "2026-11-25"


def test_once_the_meeting_is_recorded_the_next_one_opens(history, run):
    run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    history.write(
        NEW, EXPECTED_FILE.replace("    status:\n    escalated", "    status: done\n    escalated")
    )
    before = history.read(NEW)
    result = run("-C", history.root, "new-meeting", "--today", "2026-11-25")
    assert result.code == 0
    assert result.out.splitlines()[:3] == [
        "created meetings/2026-11-27/_meeting.yaml",
        "review: 1 open action item carried, oldest first",
        "  A-2026-11-23-1  alice, due 2026-11-27: Publish the card token format (raised "
        "2026-11-23; not reviewed yet)",
    ]
    assert history.read(NEW) == before


def test_an_edited_meeting_ahead_is_never_overwritten(history, run):
    run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    history.write(NEW, EXPECTED_FILE.replace("attendees:\n", "attendees: [dana]\n"))
    before = (history.root / NEW).read_bytes()
    result = run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    assert result.code == 1
    assert result.err == (
        f"sosgen: {NEW} already exists, not overwriting; it differs from what new-meeting "
        "writes (edited since it was opened?): edit it by hand, or give a later DATE\n"
    )
    assert (history.root / NEW).read_bytes() == before


def test_an_explicit_date(history, run):
    result = run("-C", history.root, "new-meeting", "2026-11-26", "--today", "2026-11-24")
    assert result.code == 0
    assert result.out.splitlines()[:2] == [
        "created meetings/2026-11-26/_meeting.yaml",
        "note: 2026-11-26 is a Thursday, not a day of the cadence (mon, wed, fri)",
    ]


def test_refuses_a_date_before_the_last_meeting(history, run):
    result = run("-C", history.root, "new-meeting", "2026-11-19", "--today", "2026-11-24")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "sosgen: 2026-11-19 is before the last meeting (2026-11-23); new-meeting opens the "
        "next meeting, it does not rewrite the past\n"
    )
    assert not (history.root / "meetings/2026-11-19").exists()


def test_refuses_to_roll_over_a_broken_record(history, run):
    history.write(
        "meetings/2026-11-20/_meeting.yaml",
        "facilitator: dana\nreview:\n  - {id: A-2026-11-16-9, status: open}\n",
    )
    result = run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "meetings/2026-11-20/_meeting.yaml:3:10: error: review of unknown action "
        "'A-2026-11-16-9': no meeting raised it; did you mean 'A-2026-11-16-2'? "
        "[unknown-action]\n"
        "sosgen: 1 error in the repository; fix it (sosgen check) before opening a meeting\n"
    )
    assert not (history.root / NEW).exists()


def test_dry_run_prints_and_writes_nothing(history, run):
    result = run("-C", history.root, "new-meeting", "--dry-run", "--today", "2026-11-24")
    assert result.code == 0
    assert result.out == (
        f"would create {NEW} (dry run, nothing written):\n{EXPECTED_FILE}\n"
        + EXPECTED_SUMMARY.split("\n", 1)[1]
    )
    assert not (history.root / "meetings/2026-11-25").exists()
    assert not (history.root / ".sosgen.lock").exists()


def test_follow_up_leaves_out_blockers_whose_dependency_is_delivered(history, run):
    deps = history.read("dependencies.yaml").replace(
        "status: committed", "status: delivered\n    delivered: 2026-11-23"
    )
    history.write("dependencies.yaml", deps)
    run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    text = history.read(NEW)
    assert "Waiting for token introspection" in text
    assert "Refund API keys" not in text


def test_the_first_meeting(repo, run):
    shutil.rmtree(repo.root / "meetings")
    result = run("-C", repo.root, "new-meeting", "--today", "2026-11-24")
    assert result.out == (
        "created meetings/2026-11-25/_meeting.yaml\n"
        "review: 0 open action items carried, oldest first\n"
        "parking lot: 0 open topics\n"
        "expected: 3 ambassadors\n"
        "  payments  alice\n"
        "  checkout  bob\n"
        "  identity  erin\n"
    )
    assert "review:\nactions:\nparking_lot:\ndecisions:\nfollow_up:\n" in repo.read(NEW)


def test_on_the_example_organisation(example, run):
    model, problems, _ = load_repository(example)
    assert [str(d) for d in problems if d.severity.value == "error"] == []
    last = model.meetings[-1].date
    states = derive_actions(model, escalate_after=model.org.checks.escalate_after_meetings)
    open_items = [s for s in states.values() if s.is_open]
    assert any(s.escalated for s in open_items), "the example should show an escalated item"

    result = run("-C", example, "new-meeting", "--today", str(last))
    assert result.code == 0, result.err
    day = dt.date.fromisoformat(result.out.split("\n", 1)[0].split("/")[1])
    assert day > last and day.weekday() in model.org.cadence.days

    after, problems, _ = load_repository(example)
    assert [str(d) for d in problems if d.severity.value == "error"] == []
    record = after.meetings[-1].record
    assert record.date == day
    assert [(r.id, r.status, r.escalated) for r in record.review] == [
        (s.id, None, s.escalated) for s in open_items
    ]
    topics = [t.id for t in derive_parking(model).values() if t.is_open]
    assert [(p.id, p.status) for p in record.parking_lot] == [(t, "open") for t in topics]
    assert dict(record.expected) == {
        t.id: scheduled_ambassador(t, day) for t in model.org.teams if scheduled_ambassador(t, day)
    }
    for escalated in (s for s in open_items if s.escalated):
        assert f"  {escalated.id}  escalated  " in result.out
    assert run("-C", example, "check", "--today", str(last)).out.count(": error: ") == 0

    written = (example / f"meetings/{day}/_meeting.yaml").read_bytes()
    again = run("-C", example, "new-meeting", "--today", str(last))
    assert (again.code, again.out) == (
        1,
        f"meetings/{day}/_meeting.yaml already exists and is up to date; nothing to do\n",
    )
    assert (example / f"meetings/{day}/_meeting.yaml").read_bytes() == written


def _history_files(plan) -> dict[str, str]:
    """A drawn history (see test_actions) as the YAML files a facilitator would have written."""
    repo, _, _ = build(plan)
    files = {}
    for meeting in repo.meetings:
        rec = meeting.record
        document: dict[str, object] = {"facilitator": "dana"}
        document["review"] = [
            {"id": r.id, "status": r.status, **({"note": r.note} if r.note else {})}
            for r in rec.review
        ] or None
        document["actions"] = [
            {"id": a.id, "text": f"Do {a.id}", "owner": "bob", "due": a.due} for a in rec.actions
        ] or None
        files[f"meetings/{meeting.date}/_meeting.yaml"] = dump_yaml(document)
    return files


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_new_meeting_through_files_carries_exactly_the_open_items(plan):
    _, status, opened = build(plan)
    day = DAYS[len(plan)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "teams.yaml").write_text(TEAMS, encoding="utf-8")
        for relpath, text in _history_files(plan).items():
            (root / relpath).parent.mkdir(parents=True)
            (root / relpath).write_text(text, encoding="utf-8")
        today = str(day - dt.timedelta(days=1))
        code, out = _main("-C", str(root), "new-meeting", "--today", today)
        assert code == 0, out
        model, problems, _ = load_repository(root)
        assert [d for d in problems if d.severity.value == "error"] == []
        review = model.meetings[-1].record.review
        assert [r.id for r in review] == [i for i, s in status.items() if s == "open"]
        assert [r.id for r in review if r.escalated] == [r.id for r in review if opened[r.id] > 2]
        written = (root / f"meetings/{day}/_meeting.yaml").read_bytes()
        assert _main("-C", str(root), "new-meeting", "--today", today) == (
            1,
            f"meetings/{day}/_meeting.yaml already exists and is up to date; nothing to do\n",
        )
        assert (root / f"meetings/{day}/_meeting.yaml").read_bytes() == written


def _main(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


def test_drafted_updates_do_not_block_opening_the_meeting(history, run):
    assert run("-C", history.root, "update", "payments", "--today", "2026-11-24").code == 0
    result = run("-C", history.root, "new-meeting", "--today", "2026-11-24")
    assert (result.code, result.out) == (0, EXPECTED_SUMMARY)
    assert history.read(NEW) == EXPECTED_FILE
