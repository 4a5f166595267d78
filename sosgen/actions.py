"""Action items and parking-lot topics: their state, derived from every meeting in date order.

An action is defined once, in the `_meeting.yaml` of the meeting that raised it;
later meetings only review it by id. Replaying the reviews in date order gives its
state, its notes over time and the meeting that closed it, so a closed item can
never reappear and no edit is lost in a copy. The replay also records what is
wrong with the history (`Finding`s); `sosgen.rules.actions` reports them.

Edge cases, decided here:

- a review of an id no meeting defines: `unknown-action` (error), ignored;
- a review in the meeting that raises the item, or before it: `review-order` (error);
- the same id twice in one meeting's `review:`: `duplicate-review` (error), the
  first entry counts;
- a review of a closed item without `status: open`: `review-closed` (error),
  ignored: reviews stop once an item is done or dropped;
- `status: open` on a closed item reopens it; without a `note:` saying why it is
  `reopened-without-note` (warning);
- an empty status on an open item: `not-reviewed` (warning). It is not a review:
  the item stays open and its review count does not grow (so the meeting that
  `sosgen new-meeting` writes, all statuses empty, changes no state);
- an item open before a meeting that has a `_meeting.yaml` but missing from its
  `review:`: `not-carried` (warning), the facilitator dropped it silently;
- `open_reviews` counts the meetings whose review left the item open
  (`status: open`, including a reopening); an open item is escalated when it is
  above `escalate_after` (teams.yaml `checks.escalate_after_meetings`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sosgen import model as m
from sosgen.diagnostics import Pos

OPEN = "open"
CLOSED = frozenset({"done", "dropped"})

_NUMBERED = re.compile(r"[AP]-([0-9]{4}-[0-9]{2}-[0-9]{2})-([0-9]+)\Z")


def id_key(ident: str) -> tuple[str, int, str]:
    """Sort key of `A-2026-11-25-10`: date, then the number as a number, then the text."""
    match = _NUMBERED.match(ident)
    return (match.group(1), int(match.group(2)), ident) if match else ("", 0, ident)


@dataclass(frozen=True)
class ReviewEntry:
    meeting: dt.date
    status: str | None  # open | done | dropped | None (left empty)
    note: str
    pos: Pos


@dataclass(frozen=True)
class ActionState:
    action: m.Action
    status: str  # open | done | dropped
    reviews: tuple[ReviewEntry, ...]
    closed: dt.date | None  # the meeting that closed it
    open_reviews: int  # meetings that reviewed it and left it open
    escalated: bool
    age_meetings: int  # meetings held after the one that raised it (until closed)

    @property
    def id(self) -> str:
        return self.action.id

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True)
class TopicState:
    id: str
    topic: str
    teams: tuple[str, ...]
    owner: str
    raised: dt.date
    status: str  # open | done
    closed: dt.date | None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True)
class Finding:
    """Something wrong in the history: `rule` is the id of the rule that reports it."""

    rule: str
    pos: Pos
    message: str
    meeting: dt.date


@dataclass
class _Work:
    action: m.Action
    status: str = OPEN
    closed: dt.date | None = None
    open_reviews: int = 0
    reviews: list[ReviewEntry] = field(default_factory=list)


def _definitions(repo: m.Repository) -> dict[str, m.Action]:
    """Every action by id, the first definition winning (`duplicate-id` reports the others),
    ordered by the date raised, then the id's number."""
    found: dict[str, m.Action] = {}
    for meeting in repo.meetings:
        for action in meeting.record.actions if meeting.record else ():
            found.setdefault(action.id, action)
    return dict(sorted(found.items(), key=lambda kv: (kv[1].meeting, id_key(kv[0]))))


def replay_actions(
    repo: m.Repository, *, escalate_after: int
) -> tuple[dict[str, ActionState], list[Finding]]:
    """The state of every action item and every finding, from all meetings in date order.
    The last result is kept: every rule of `check` asks for the same repository."""
    global _last
    if _last is None or _last[0] is not repo or _last[1] != escalate_after:
        _last = (repo, escalate_after, *_replay(repo, escalate_after))
    return dict(_last[2]), list(_last[3])


_last: tuple[m.Repository, int, dict[str, ActionState], list[Finding]] | None = None


def _replay(
    repo: m.Repository, escalate_after: int
) -> tuple[dict[str, ActionState], list[Finding]]:
    defined = _definitions(repo)
    work = {ident: _Work(action) for ident, action in defined.items()}
    order = {ident: i for i, ident in enumerate(defined)}
    pending = iter(defined.values())  # in the order raised: become reviewable one by one
    upcoming = next(pending, None)
    active: dict[str, None] = {}  # open items raised before the meeting being replayed
    findings: list[Finding] = []
    for meeting in repo.meetings:
        while upcoming is not None and upcoming.meeting < meeting.date:
            active[upcoming.id] = None
            upcoming = next(pending, None)
        if meeting.record is not None:
            findings += _review_meeting(meeting.record, defined, work, active, order)
    dates = [mt.date for mt in repo.meetings]
    states = {ident: _state(w, dates, escalate_after) for ident, w in work.items()}
    for state in states.values():
        if state.escalated:
            last = state.reviews[-1]
            findings.append(
                Finding("escalated", last.pos, _escalated(state, escalate_after), last.meeting)
            )
    return states, findings


def derive_actions(repo: m.Repository, *, escalate_after: int) -> dict[str, ActionState]:
    """Every action item's state; insertion order is the date raised, then the id."""
    return replay_actions(repo, escalate_after=escalate_after)[0]


def _review_meeting(
    rec: m.MeetingRecord,
    defined: dict[str, m.Action],
    work: dict[str, _Work],
    active: dict[str, None],
    order: dict[str, int],
) -> list[Finding]:
    """Apply one meeting's reviews; `active` (open items raised before it) is kept up to date."""
    day = rec.date
    open_before = list(active)
    found: list[Finding] = []
    seen: dict[str, Pos] = {}
    for review in rec.review:
        action = defined.get(review.id)
        if action is None:
            found.append(
                Finding("unknown-action", review.at("id"), _unknown(review.id, defined), day)
            )
        elif action.meeting >= day:
            message = _too_early(review.id, action, day)
            found.append(Finding("review-order", review.at("id"), message, day))
        elif review.id in seen:
            message = (
                f"{review.id} is reviewed twice in this meeting (first at line "
                f"{seen[review.id].line}); keep one entry"
            )
            found.append(Finding("duplicate-review", review.at("id"), message, day))
        else:
            seen[review.id] = review.at("id")
            w = work[review.id]
            found += _apply(review, w, day)
            if w.status == OPEN:
                active[review.id] = None
            else:
                active.pop(review.id, None)
    for ident in sorted((i for i in open_before if i not in seen), key=order.__getitem__):
        action = work[ident].action
        where = rec.at("review") if "review" in rec.positions else rec.pos
        message = (
            f"open action {ident} ({action.owner}, due {action.due}) is missing from "
            "`review:`; list it with a status (sosgen new-meeting carries every open item)"
        )
        found.append(Finding("not-carried", where, message, day))
    return found


def _apply(review: m.Review, w: _Work, day: dt.date) -> Iterator[Finding]:
    entry = ReviewEntry(day, review.status, review.note, review.pos)
    if w.status != OPEN:
        if review.status != OPEN:
            yield Finding(
                "review-closed",
                review.at("id"),
                (
                    f"{review.id} was closed ({w.status}) on {w.closed}; reviews stop once an "
                    "item is closed: remove this entry, or reopen it with `status: open` and a note"
                ),
                day,
            )
            return
        if not review.note:
            yield Finding(
                "reopened-without-note",
                review.at("status"),
                (
                    f"{review.id} was closed ({w.status}) on {w.closed} and is reopened here; "
                    "add a `note:` saying why"
                ),
                day,
            )
        w.status, w.closed = OPEN, None
    w.reviews.append(entry)
    if review.status is None:
        yield Finding(
            "not-reviewed",
            review.at("id"),
            (
                f"{review.id} ({w.action.owner}: {_short(w.action.text)}) has no status; "
                "write `status: open`, `done` or `dropped`"
            ),
            day,
        )
    elif review.status == OPEN:
        w.open_reviews += 1
    else:
        w.status, w.closed = review.status, day


def _state(w: _Work, dates: list[dt.date], escalate_after: int) -> ActionState:
    """`dates`: every meeting's date, in order."""
    held_until = len(dates) if w.closed is None else bisect.bisect_right(dates, w.closed)
    return ActionState(
        action=w.action,
        status=w.status,
        reviews=tuple(w.reviews),
        closed=w.closed,
        open_reviews=w.open_reviews,
        escalated=w.status == OPEN and w.open_reviews > escalate_after,
        age_meetings=max(held_until - bisect.bisect_right(dates, w.action.meeting), 0),
    )


def _unknown(ident: str, defined: Iterable[str]) -> str:
    close = difflib.get_close_matches(ident, list(defined), n=1, cutoff=0.8)
    hint = f"did you mean '{close[0]}'?" if close else "check the id"
    return f"review of unknown action '{ident}': no meeting raised it; {hint}"


def _too_early(ident: str, action: m.Action, day: dt.date) -> str:
    if action.meeting == day:
        return f"{ident} is raised in this meeting; reviews start at the next one: remove the entry"
    return (
        f"{ident} is raised on {action.meeting}, after this meeting; a meeting reviews only "
        "items raised before it"
    )


def _escalated(state: ActionState, limit: int) -> str:
    a = state.action
    return (
        f"{a.id} is still open after {state.open_reviews} reviews (more than {limit}): "
        f"escalate it ({a.owner}, due {a.due}: {_short(a.text)})"
    )


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 60 else line[:57] + "..."


# Parking lot


def replay_parking(repo: m.Repository) -> tuple[dict[str, TopicState], list[Finding]]:
    """Every parking-lot topic's state. A topic is defined where `topic:` is written; a later
    entry with its id alone (`{id, status}`) changes its status. A reference to an id no
    earlier meeting defines is `unknown-topic`."""
    topics: dict[str, TopicState] = {}
    findings: list[Finding] = []
    for meeting in repo.meetings:
        for entry in meeting.record.parking_lot if meeting.record else ():
            known = topics.get(entry.id)
            if entry.topic:
                if known is None:
                    done = entry.status != OPEN
                    topics[entry.id] = TopicState(
                        id=entry.id,
                        topic=entry.topic,
                        teams=entry.teams,
                        owner=entry.owner,
                        raised=meeting.date,
                        status=entry.status,
                        closed=meeting.date if done else None,
                    )
            elif known is None or known.raised >= meeting.date:
                message = (
                    f"parking-lot entry '{entry.id}' has no `topic:` and no earlier meeting "
                    "defines that id; add `topic:` to define it here, or fix the id"
                )
                findings.append(Finding("unknown-topic", entry.at("id"), message, meeting.date))
            else:
                topics[entry.id] = _moved(known, entry.status, meeting.date)
    ordered = dict(sorted(topics.items(), key=lambda kv: (kv[1].raised, id_key(kv[0]))))
    return ordered, findings


def _moved(topic: TopicState, status: str, day: dt.date) -> TopicState:
    closed = None if status == OPEN else (topic.closed or day)
    return TopicState(
        id=topic.id,
        topic=topic.topic,
        teams=topic.teams,
        owner=topic.owner,
        raised=topic.raised,
        status=status,
        closed=closed,
    )


def derive_parking(repo: m.Repository) -> dict[str, TopicState]:
    """Every parking-lot topic's state; insertion order is the date raised, then the id."""
    return replay_parking(repo)[0]
