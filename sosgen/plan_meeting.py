"""The rollover: what `sosgen new-meeting` and `sosgen update` write, as plain documents.

Pure functions of the repository and a date. A meeting's plan depends only on the
meetings before its date, so planning a meeting that already exists gives the same
document as when it was created (that is what makes `new-meeting` safe to re-run).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

from sosgen import model as m
from sosgen.actions import ActionState, TopicState, derive_actions, derive_parking
from sosgen.cadence import next_meeting_day
from sosgen.rotation import scheduled_ambassador

Document = dict[str, Any]


def history_before(repo: m.Repository, day: dt.date) -> m.Repository:
    """The repository as it was before the meeting of `day`: earlier meetings only."""
    return dataclasses.replace(repo, meetings=tuple(mt for mt in repo.meetings if mt.date < day))


def last_recorded(repo: m.Repository) -> dt.date | None:
    """The date of the last meeting with a `_meeting.yaml` (update files alone do not count:
    ambassadors may prepare theirs before the facilitator opens the meeting)."""
    dates = [mt.date for mt in repo.meetings if mt.record is not None]
    return max(dates) if dates else None


def default_meeting_day(org: m.Org, repo: m.Repository, today: dt.date) -> dt.date:
    """`new-meeting` without a date: the next cadence day after the last recorded meeting,
    or the first cadence day from today on when there is none."""
    last = last_recorded(repo)
    after = last if last is not None else today - dt.timedelta(days=1)
    return next_meeting_day(org.cadence, after)


def upcoming_meeting_day(org: m.Org, repo: m.Repository, today: dt.date) -> dt.date:
    """`update` without `--meeting`: the earliest meeting folder dated today or later,
    else the first cadence day from today on."""
    upcoming = [mt.date for mt in repo.meetings if mt.date >= today]
    return min(upcoming) if upcoming else next_meeting_day(org.cadence, today - dt.timedelta(1))


@dataclasses.dataclass(frozen=True)
class Rollover:
    """What the next meeting inherits; the document is built from it."""

    carried: tuple[ActionState, ...]  # open action items, oldest first
    topics: tuple[TopicState, ...]  # open parking-lot topics
    expected: dict[str, str]  # team id -> scheduled ambassador
    follow_up: tuple[tuple[str, m.Item], ...]  # (team, item): the previous meeting's
    # unresolved blockers and heads-ups
    previous: dt.date | None  # the previous meeting's date


def rollover(repo: m.Repository, *, day: dt.date) -> Rollover:
    org = _org(repo)
    past = history_before(repo, day)
    states = derive_actions(past, escalate_after=org.checks.escalate_after_meetings)
    previous = past.meetings[-1] if past.meetings else None
    expected = {}
    for team in org.teams:
        person = scheduled_ambassador(team, day)
        if person is not None:
            expected[team.id] = person
    return Rollover(
        carried=tuple(s for s in states.values() if s.is_open),
        topics=tuple(t for t in derive_parking(past).values() if t.is_open),
        expected=expected,
        follow_up=tuple(_unresolved(org, repo, previous)) if previous else (),
        previous=previous.date if previous else None,
    )


def _unresolved(org: m.Org, repo: m.Repository, meeting: m.Meeting) -> Iterator[tuple[str, m.Item]]:
    """Blockers whose dependency is not delivered or dropped, then heads-ups, team by team
    in the order of teams.yaml."""
    order = {t.id: i for i, t in enumerate(org.teams)}
    for team in sorted(meeting.updates, key=lambda t: (order.get(t, len(order)), t)):
        update = meeting.updates[team]
        yield from ((team, b) for b in update.blockers if _still_blocking(repo, b))
        yield from ((team, h) for h in update.heads_up)


def _still_blocking(repo: m.Repository, item: m.Item) -> bool:
    dep = repo.dependency(item.dependency) if item.dependency else None
    return dep is None or dep.is_open


def plan_new_meeting(repo: m.Repository, *, day: dt.date) -> Document:
    """The `_meeting.yaml` that opens the meeting of `day`."""
    return meeting_document(_org(repo), rollover(repo, day=day))


def meeting_document(org: m.Org, plan: Rollover) -> Document:
    review = []
    for state in plan.carried:
        entry: Document = {"id": state.id, "status": None}
        if state.escalated:
            entry["escalated"] = True
        review.append(entry)
    follow_up = [
        {"team": team, "question": item.question, "text": item.text}
        for team, item in plan.follow_up
    ]
    return {
        "facilitator": org.facilitator,
        "attendees": None,
        "expected": dict(plan.expected) or None,
        "review": review or None,
        "actions": None,
        "parking_lot": [{"id": t.id, "status": "open"} for t in plan.topics] or None,
        "decisions": None,
        "follow_up": follow_up or None,
    }


def plan_update(repo: m.Repository, team: str, day: dt.date) -> tuple[Document, list[Document]]:
    """An ambassador's skeleton for `team` at the meeting of `day`, and the team's blockers
    from its last update that are still open, to offer as commented lines."""
    org = _org(repo)
    found = org.team(team)
    if found is None:
        raise ValueError(f"unknown team {team}")
    document: Document = {
        "ambassador": scheduled_ambassador(found, day),
        "completed": None,
        "next": None,
        "blockers": None,
        "heads_up": None,
    }
    last = last_update(repo, team, day)
    blockers = []
    for item in last.blockers if last else ():
        if _still_blocking(repo, item):
            blocker: Document = {"text": item.text, "needs": item.teams[0] if item.teams else None}
            if item.dependency:
                blocker["dependency"] = item.dependency
            blockers.append(blocker)
    return document, blockers


def last_update(repo: m.Repository, team: str, day: dt.date) -> m.Update | None:
    """The team's latest update before the meeting of `day`."""
    for meeting in reversed(repo.meetings):
        if meeting.date < day and team in meeting.updates:
            return meeting.updates[team]
    return None


def _org(repo: m.Repository) -> m.Org:
    if repo.org is None:
        raise ValueError("the repository has no valid teams.yaml")
    return repo.org
