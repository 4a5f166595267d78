"""Action items: state derived from the meetings' history, the rules on it, and properties
of the derivation and the rollover over random histories (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MEETING, TEAMS
from hypothesis import given, settings
from hypothesis import strategies as st

from sosgen import model as m
from sosgen.actions import ReviewEntry, derive_actions, derive_parking, replay_actions
from sosgen.commands.check import collect
from sosgen.diagnostics import Pos
from sosgen.plan_meeting import history_before, plan_new_meeting
from sosgen.repo import load_repository

TODAY = dt.date(2026, 11, 24)
D16, D18, D20, D23 = (f"meetings/2026-11-{d}/_meeting.yaml" for d in (16, 18, 20, 23))

HISTORY = {
    D16: """\
    facilitator: dana
    actions:
      - {id: A-2026-11-16-1, text: Agree the refund event schema, owner: bob, due: 2026-11-20}
      - {id: A-2026-11-16-2, text: Book the load test, owner: erin, due: 2026-11-18}
    """,
    D18: """\
    facilitator: dana
    review:
      - {id: A-2026-11-16-1, status: open, note: draft shared}
      - {id: A-2026-11-16-2, status: done}
    """,
    D20: """\
    facilitator: dana
    review:
      - {id: A-2026-11-16-1, status: open}
    """,
}


def _write(repo, files):
    for relpath, text in files.items():
        repo.write(relpath, text)


def _states(repo, escalate_after=2):
    model, problems, _ = load_repository(repo.root)
    assert [d for d in problems if d.severity.value == "error"] == []
    return derive_actions(model, escalate_after=escalate_after)


def _lines(repo, rule, today=TODAY):
    problems, _ = collect(repo.root, today=today)
    return [f"{d.pos}: {d.severity.value}: {d.message}" for d in problems if d.rule == rule]


def test_state_is_derived_from_every_meeting_in_date_order(repo):
    _write(repo, HISTORY)
    states = _states(repo)
    assert list(states) == ["A-2026-11-16-1", "A-2026-11-16-2"]
    first, second = states.values()
    assert (first.status, first.closed, first.open_reviews, first.escalated) == (
        "open",
        None,
        2,
        False,
    )
    assert first.age_meetings == 3  # 11-18, 11-20 and 11-23 were held after it was raised
    assert first.reviews == (
        ReviewEntry(dt.date(2026, 11, 18), "open", "draft shared", Pos(D18, 3, 5)),
        ReviewEntry(dt.date(2026, 11, 20), "open", "", Pos(D20, 3, 5)),
    )
    assert (second.status, second.closed, second.open_reviews, second.age_meetings) == (
        "done",
        dt.date(2026, 11, 18),
        0,
        1,
    )


def test_a_third_open_review_escalates(repo):
    _write(repo, HISTORY)
    repo.write(D23, MEETING + "review:\n  - {id: A-2026-11-16-1, status: open}\n")
    state = _states(repo)["A-2026-11-16-1"]
    assert (state.open_reviews, state.escalated) == (3, True)
    assert _lines(repo, "escalated") == [
        f"{D23}:4:5: warning: A-2026-11-16-1 is still open after 3 reviews (more than 2): "
        "escalate it (bob, due 2026-11-20: Agree the refund event schema)"
    ]


def test_escalation_threshold_comes_from_teams_yaml(repo):
    _write(repo, HISTORY)
    repo.write(D23, MEETING + "review:\n  - {id: A-2026-11-16-1, status: open}\n")
    repo.write(
        "teams.yaml",
        TEAMS.replace(
            "facilitator: dana", "facilitator: dana\nchecks: {escalate_after_meetings: 3}"
        ),
    )
    assert _lines(repo, "escalated") == []
    assert _states(repo, escalate_after=3)["A-2026-11-16-1"].escalated is False


def test_an_empty_status_is_not_a_review(repo):
    _write(repo, HISTORY)
    repo.write(D23, MEETING + "review:\n  - id: A-2026-11-16-1\n    status:\n")
    state = _states(repo)["A-2026-11-16-1"]
    assert (state.status, state.open_reviews, state.escalated) == ("open", 2, False)
    assert state.reviews[-1].status is None
    assert _lines(repo, "not-reviewed") == [
        f"{D23}:4:9: warning: A-2026-11-16-1 (bob: Agree the refund event schema) has no "
        "status; write `status: open`, `done` or `dropped`"
    ]


def test_not_reviewed_waits_until_the_meeting_is_held(repo):
    _write(repo, HISTORY)
    repo.write(D23, MEETING + "review:\n  - {id: A-2026-11-16-1}\n")
    assert _lines(repo, "not-reviewed", today=dt.date(2026, 11, 23)) == []
    assert len(_lines(repo, "not-reviewed", today=dt.date(2026, 11, 24))) == 1


def test_review_of_an_unknown_id(repo):
    _write(repo, HISTORY)
    repo.write(D23, MEETING + "review:\n  - {id: A-2026-11-16-3, status: done}\n")
    assert _lines(repo, "unknown-action") == [
        f"{D23}:4:10: error: review of unknown action 'A-2026-11-16-3': no meeting raised it; "
        "did you mean 'A-2026-11-16-2'?"
    ]


def test_review_in_the_raising_meeting_or_before_it(repo):
    _write(repo, HISTORY)
    repo.write(
        D20,
        """\
        facilitator: dana
        review:
          - {id: A-2026-11-16-1, status: open}
          - {id: A-2026-11-20-1, status: open}
          - {id: A-2026-11-23-1, status: open}
        actions:
          - {id: A-2026-11-20-1, text: Same-day review, owner: bob, due: 2026-11-27}
        """,
    )
    repo.write(
        D23,
        MEETING + "review:\n  - {id: A-2026-11-16-1, status: open}\n  - {id: A-2026-11-20-1, "
        "status: open}\nactions:\n  - {id: A-2026-11-23-1, text: Later, owner: bob, "
        "due: 2026-11-27}\n",
    )
    assert _lines(repo, "review-order") == [
        f"{D20}:4:10: error: A-2026-11-20-1 is raised in this meeting; reviews start at the "
        "next one: remove the entry",
        f"{D20}:5:10: error: A-2026-11-23-1 is raised on 2026-11-23, after this meeting; a "
        "meeting reviews only items raised before it",
    ]


def test_the_same_id_twice_in_one_meeting(repo):
    _write(repo, HISTORY)
    repo.write(
        D20,
        "facilitator: dana\nreview:\n  - {id: A-2026-11-16-1, status: open}\n"
        "  - {id: A-2026-11-16-1, status: done}\n",
    )
    assert _lines(repo, "duplicate-review") == [
        f"{D20}:4:10: error: A-2026-11-16-1 is reviewed twice in this meeting (first at "
        "line 3); keep one entry"
    ]
    assert _states(repo)["A-2026-11-16-1"].status == "open"  # the first entry counts


def test_a_closed_item_is_not_reviewed_again(repo):
    _write(repo, HISTORY)
    repo.write(D20, "facilitator: dana\nreview:\n  - {id: A-2026-11-16-2, status: done}\n")
    assert _lines(repo, "review-closed") == [
        f"{D20}:3:10: error: A-2026-11-16-2 was closed (done) on 2026-11-18; reviews stop once "
        "an item is closed: remove this entry, or reopen it with `status: open` and a note"
    ]
    state = _states(repo)["A-2026-11-16-2"]
    assert (state.status, state.closed, len(state.reviews)) == ("done", dt.date(2026, 11, 18), 1)


def test_reopening_needs_a_note(repo):
    _write(repo, HISTORY)
    repo.write(
        D20,
        "facilitator: dana\nreview:\n  - {id: A-2026-11-16-1, status: open}\n"
        "  - {id: A-2026-11-16-2, status: open}\n",
    )
    assert _lines(repo, "reopened-without-note") == [
        f"{D20}:4:34: warning: A-2026-11-16-2 was closed (done) on 2026-11-18 and is reopened "
        "here; add a `note:` saying why"
    ]
    state = _states(repo)["A-2026-11-16-2"]
    assert (state.status, state.closed, state.open_reviews) == ("open", None, 1)
    repo.write(
        D20,
        "facilitator: dana\nreview:\n  - {id: A-2026-11-16-1, status: open}\n"
        "  - {id: A-2026-11-16-2, status: open, note: the booking was cancelled}\n",
    )
    assert _lines(repo, "reopened-without-note") == []


def test_an_open_item_left_out_of_review_is_not_carried(repo):
    _write(repo, HISTORY)
    repo.write(D20, "facilitator: dana\nreview:\n")
    repo.write(D23, MEETING + "review:\n  - {id: A-2026-11-16-1, status: open}\n")
    assert _lines(repo, "not-carried") == [
        f"{D20}:2:8: warning: open action A-2026-11-16-1 (bob, due 2026-11-20) is missing from "
        "`review:`; list it with a status (sosgen new-meeting carries every open item)"
    ]
    # not carried is not reviewed: the item stays open and its count does not grow
    assert _states(repo)["A-2026-11-16-1"].open_reviews == 2


def test_parking_lot_topics(repo):
    repo.write(
        D16,
        """\
        facilitator: dana
        parking_lot:
          - {id: P-2026-11-16-1, topic: Refund schema, teams: [payments, checkout], owner: bob}
          - {id: P-2026-11-16-2, topic: Flag naming, owner: erin}
        """,
    )
    repo.write(D18, "facilitator: dana\nparking_lot:\n  - {id: P-2026-11-16-1, status: done}\n")
    repo.write(
        D20,
        "facilitator: dana\nparking_lot:\n  - {id: P-2026-11-16-2, status: open}\n"
        "  - {id: P-2026-11-20-9, status: done}\n",
    )
    model, _, _ = load_repository(repo.root)
    topics = derive_parking(model)
    assert [(t.id, t.status, t.closed) for t in topics.values()] == [
        ("P-2026-11-16-1", "done", dt.date(2026, 11, 18)),
        ("P-2026-11-16-2", "open", None),
    ]
    assert topics["P-2026-11-16-1"].teams == ("payments", "checkout")
    assert _lines(repo, "unknown-topic") == [
        f"{D20}:4:10: error: parking-lot entry 'P-2026-11-20-9' has no `topic:` and no earlier "
        "meeting defines that id; add `topic:` to define it here, or fix the id"
    ]


def test_a_clean_history_has_no_findings(repo):
    _write(repo, HISTORY)
    repo.write(D23, MEETING + "review:\n  - {id: A-2026-11-16-1, status: done, note: agreed}\n")
    model, _, _ = load_repository(repo.root)
    states, findings = replay_actions(model, escalate_after=2)
    assert findings == []
    assert states["A-2026-11-16-1"].closed == dt.date(2026, 11, 23)


# Properties over random histories --------------------------------------------------------

ORG = m.Org(pos=Pos("teams.yaml"), organization="Org", facilitator="dana", people={}, teams=())
DAYS = [
    dt.date(2026, 11, 2) + dt.timedelta(days=7 * (i // 3) + (0, 2, 4)[i % 3]) for i in range(12)
]
# What a meeting does to each item raised before it. An open item: review it with that
# status, or leave it out ("omit"); "reopen" reviews it as open. A closed item: "reopen"
# reopens it (with a note), anything else leaves it alone.
CHOICES = ("open", "open", "done", "dropped", None, "omit", "reopen")


@st.composite
def histories(draw):
    """Meetings in date order: (day, items raised, a choice per item raised before)."""
    plan, items = [], 0
    for day in DAYS[: draw(st.integers(1, len(DAYS) - 1))]:
        choices = draw(st.lists(st.sampled_from(CHOICES), min_size=items, max_size=items))
        raised = draw(st.integers(0, 3))
        plan.append((day, raised, choices))
        items += raised
    return plan


def build(plan):
    """The repository of a drawn history, and an oracle written independently of sosgen:
    per item its status after each meeting and its count of `open` reviews."""
    status: dict[str, str] = {}
    opened: dict[str, int] = {}
    meetings = []
    for day, raised, choices in plan:
        reviews = []
        for ident, choice in zip(list(status), choices, strict=True):
            if status[ident] == "open" and choice != "omit":
                given = "open" if choice == "reopen" else choice
                reviews.append(m.Review(pos=Pos(str(day)), id=ident, status=given))
                if given == "open":
                    opened[ident] += 1
                elif given is not None:
                    status[ident] = given
            elif status[ident] != "open" and choice == "reopen":
                reviews.append(m.Review(pos=Pos(str(day)), id=ident, status="open", note="why"))
                status[ident] = "open"
                opened[ident] += 1
        actions = []
        for n in range(1, raised + 1):
            ident = f"A-{day}-{n}"
            actions.append(
                m.Action(pos=Pos(str(day)), id=ident, text=ident, owner="bob", due=day, meeting=day)
            )
            status[ident], opened[ident] = "open", 0
        record = m.MeetingRecord(
            pos=Pos(str(day)),
            date=day,
            facilitator="dana",
            review=tuple(reviews),
            actions=tuple(actions),
        )
        meetings.append(m.Meeting(day, f"meetings/{day}", record, {}, frozenset()))
    repo = m.Repository(org=ORG, meetings=tuple(meetings))
    return repo, status, opened


@settings(max_examples=120, deadline=None)
@given(histories())
def test_derivation_matches_the_oracle(plan):
    repo, status, opened = build(plan)
    states, findings = replay_actions(repo, escalate_after=2)
    raised = [a.id for mt in repo.meetings for a in mt.record.actions]
    assert list(states) == raised  # none lost, none duplicated, in the order raised
    assert {i: s.status for i, s in states.items()} == status
    assert {i: s.open_reviews for i, s in states.items()} == opened
    for ident, state in states.items():
        assert state.escalated == (status[ident] == "open" and opened[ident] > 2)
        assert (state.closed is None) == (state.status == "open")
    rules = {f.rule for f in findings}
    assert rules <= {"not-reviewed", "not-carried", "escalated"}


@settings(max_examples=120, deadline=None)
@given(histories())
def test_rollover_carries_exactly_the_open_items(plan):
    repo, _, _ = build(plan)
    for i in range(len(plan)):
        day = DAYS[i + 1]
        past = history_before(repo, day)
        _, status, opened = build(plan[: i + 1])
        review = plan_new_meeting(repo, day=day)["review"] or []
        ids = [entry["id"] for entry in review]
        assert len(ids) == len(set(ids))
        assert ids == [i for i, s in status.items() if s == "open"]  # closed never come back
        assert all(entry["status"] is None for entry in review)
        escalated = [e["id"] for e in review if e.get("escalated")]
        assert escalated == [i for i in ids if opened[i] > 2]
        assert len(past.meetings) == i + 1


@settings(max_examples=120, deadline=None)
@given(histories())
def test_the_opened_meeting_changes_no_state(plan):
    """Writing the planned meeting into the history changes neither the derived states nor
    the plan itself: new-meeting is idempotent."""
    repo, _, _ = build(plan)
    day = DAYS[len(plan)]
    document = plan_new_meeting(repo, day=day)
    record = m.MeetingRecord(
        pos=Pos(str(day)),
        date=day,
        facilitator=document["facilitator"],
        review=tuple(
            m.Review(
                pos=Pos(str(day)),
                id=e["id"],
                status=e["status"],
                escalated=bool(e.get("escalated")),
            )
            for e in document["review"] or []
        ),
    )
    after = m.Repository(
        org=ORG,
        meetings=(*repo.meetings, m.Meeting(day, f"meetings/{day}", record, {}, frozenset())),
    )
    before_states = derive_actions(repo, escalate_after=2)
    after_states = derive_actions(after, escalate_after=2)
    assert {i: (s.status, s.open_reviews, s.escalated) for i, s in before_states.items()} == {
        i: (s.status, s.open_reviews, s.escalated) for i, s in after_states.items()
    }
    assert plan_new_meeting(after, day=day) == document
    _, findings = replay_actions(after, escalate_after=2)
    assert not [
        f
        for f in findings
        if f.meeting == day and f.rule != "not-reviewed" and f.rule != "escalated"
    ]


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_escalation_is_exactly_more_than_the_limit(limit):
    day0 = DAYS[0]
    action = m.Action(pos=Pos("x"), id=f"A-{day0}-1", text="t", owner="bob", due=day0, meeting=day0)
    meetings = [
        m.Meeting(
            day0,
            "m",
            m.MeetingRecord(pos=Pos("x"), date=day0, facilitator="dana", actions=(action,)),
            {},
            frozenset(),
        )
    ]
    for n, day in enumerate(DAYS[1:8], start=1):
        review = (m.Review(pos=Pos("x"), id=action.id, status="open"),)
        rec = m.MeetingRecord(pos=Pos("x"), date=day, facilitator="dana", review=review)
        meetings.append(m.Meeting(day, "m", rec, {}, frozenset()))
        repo = m.Repository(org=ORG, meetings=tuple(meetings))
        state = derive_actions(repo, escalate_after=limit)[action.id]
        assert (state.open_reviews, state.escalated) == (n, n > limit)
