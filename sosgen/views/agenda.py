"""The next meeting's agenda, in the order the practice asks:

1. review of open action items, escalated ones first;
2. blockers and at-risk dependencies, riskiest first (`urgency`: the risk score of
   `sosgen.intel.rank`, each with its reasons; the board's colour is shown beside it);
3. heads-ups (question 4): who is about to block whom;
4. dependencies raised since the last meeting;
5. the parking lot: open topics for a follow-up with only the affected teams.

Blockers and heads-ups come from the updates already filed for the next meeting, or,
before any is filed, from the last meeting's. After the agenda, the suggested
dependencies (`sosgen.intel`) wait for someone to confirm or dismiss them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sosgen import model as m
from sosgen.actions import ActionState, TopicState
from sosgen.board import Assessment, Level
from sosgen.intel import Risk, Suggestion, rank
from sosgen.views.history import review_order
from sosgen.views.plan import SiteData, before


@dataclass(frozen=True, slots=True)
class Said:
    """An answer item with the team that said it and the meeting it was said for."""

    team: str
    meeting: dt.date
    item: m.Item


@dataclass(frozen=True, slots=True)
class RiskItem:
    """One line of the blockers-and-dependencies section: a dependency (with the
    blockers that cite it) or a blocker that cites none."""

    ident: str  # DEP id, or "<team>-blocker-<n>"
    team: str  # who waits
    other: str  # who must help or deliver ("" if the blocker names nobody)
    dependency: m.Dependency | None
    assessment: Assessment | None  # the colour: the state of the date promise
    blockers: tuple[Said, ...]
    risk: Risk | None = None  # the evidence: None for a blocker citing no dependency


AT_RISK = ("high", "medium")  # risk levels that put a quiet dependency on the agenda


def urgency(item: RiskItem) -> tuple[int, float, dt.date, str]:
    """The order of the blockers-and-dependencies section: the one place to change it.
    Blockers citing no dependency first (blocking now, and not on the board, so with
    no score), in the order they were said; then the dependencies by risk score,
    riskiest first, as `sosgen.intel.rank` orders them: then the earliest needed-by
    date, then the id."""
    if item.dependency is None or item.risk is None:
        return (0, 0.0, dt.date.min, "")
    return (1, -item.risk.score, item.dependency.needed_by, item.ident)


@dataclass(frozen=True, slots=True)
class Agenda:
    date: dt.date
    planned: bool  # the meeting's folder exists
    source: dt.date | None  # the meeting whose updates gave blockers and heads-ups
    source_is_next: bool
    review: tuple[ActionState, ...]
    risks: tuple[RiskItem, ...]
    heads_up: tuple[Said, ...]
    new_dependencies: tuple[m.Dependency, ...]
    new_since: dt.date | None
    parking: tuple[TopicState, ...]
    minutes_per_item: int
    timebox_minutes: int
    suggestions: tuple[Suggestion, ...] = ()  # to read before the meeting: not timed

    @property
    def items(self) -> int:
        return (
            len(self.review)
            + len(self.risks)
            + len(self.heads_up)
            + len(self.new_dependencies)
            + len(self.parking)
        )

    @property
    def estimate_minutes(self) -> int:
        return self.items * self.minutes_per_item

    @property
    def over_timebox(self) -> bool:
        return self.estimate_minutes > self.timebox_minutes


def _said(meeting: m.Meeting, question: str) -> list[Said]:
    return [
        Said(team, meeting.date, item)
        for team in sorted(meeting.updates)
        for item in meeting.updates[team].answer(question)
    ]


def agenda(data: SiteData) -> Agenda:
    day = data.next_meeting_date()
    start = before(data, day)
    upcoming = data.meeting(day)
    last = start.meetings[-1] if start.meetings else None
    source = upcoming if upcoming is not None and upcoming.updates else last
    blockers = _said(source, "blockers") if source else []
    heads_up = _said(source, "heads_up") if source else []
    deps = {d.id: d for d in start.repo.dependencies}
    # Scored on the meeting's day with everything filed for it (start holds only the
    # meetings before it), as `sosgen risk --today DAY` scores them.
    risk = {dep.id: found for dep, found in rank(data.repo, day)}
    cited: dict[str, list[Said]] = {}
    risks: list[RiskItem] = []
    for n, said in enumerate(blockers, start=1):
        dep = deps.get(said.item.dependency)
        if dep is not None:
            cited.setdefault(dep.id, []).append(said)
        else:
            other = said.item.teams[0] if said.item.teams else ""
            risks.append(
                RiskItem(f"{said.team}-blocker-{n}", said.team, other, None, None, (said,))
            )
    for dep in start.repo.dependencies:
        verdict = start.assessments[dep.id]
        if not dep.is_open:
            continue
        scored = risk.get(dep.id)
        at_risk = scored is not None and scored.level in AT_RISK
        if dep.id in cited or at_risk or verdict.level in (Level.RED, Level.AMBER):
            blockers_of = tuple(cited.get(dep.id, ()))
            risks.append(
                RiskItem(dep.id, dep.team, dep.depends_on, dep, verdict, blockers_of, scored)
            )
    since = last.date if last else None
    new = tuple(
        sorted(
            (
                d
                for d in start.repo.dependencies
                if d.is_open and (since is None or d.raised > since)
            ),
            key=lambda d: (d.needed_by, d.id),
        )
    )
    return Agenda(
        date=day,
        planned=upcoming is not None,
        source=source.date if source else None,
        source_is_next=source is not None and source is upcoming,
        review=tuple(sorted((s for s in start.actions.values() if s.is_open), key=review_order)),
        risks=tuple(sorted(risks, key=urgency)),
        heads_up=tuple(heads_up),
        new_dependencies=new,
        new_since=since,
        parking=tuple(t for t in start.parking.values() if t.is_open),
        minutes_per_item=data.org.cadence.minutes_per_item,
        timebox_minutes=data.org.cadence.timebox_minutes,
        suggestions=data.suggestions,
    )
