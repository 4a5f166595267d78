"""A risk score per open dependency that shows its reasons.

Seven named factors each add points; the score is their sum, and every factor says
in words why it added what it did (docs/intelligence.md has the table):

- time: 2 * L / (L + days left), 3 once overdue; L is the typical lead time (the
  median days from raised to delivered);
- commitment: 2 + 0.1 per day of slip (at most 3) when committed after needed-by;
  0.5 when there is no committed date, or it is the needed-by date itself;
- blocked: 1.5 when the board says `blocked`;
- blockers: 0.5 for each meeting in which a blocker cited it (at most 2);
- track record: how much later the provider delivers than the organisation as a
  whole: 4 * (r - o), never below 0, where o is the organisation's late share of all
  deliveries so far and r the provider's over its last 10, shrunk towards o as if 5
  more deliveries had gone like the organisation's: r = (late + 5 o) / (n + 5);
- fan-in: 0.25 for each other team waiting on the same provider (at most 1);
- upstream: 1 for each blocked or overdue dependency of the provider itself (at most 1.5).

Levels: high from 4 points, medium from 2. Only what was known on `today` is used:
dependencies raised by then, deliveries made by then, meetings held by then.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sosgen import model as m
from sosgen.board import Timeline

HIGH, MEDIUM = 4.0, 2.0
DEFAULT_LEAD_DAYS = 14  # typical lead time until three deliveries say otherwise
RECORD_WINDOW = 10  # the provider's last deliveries that count
RECORD_PRIOR = 5  # deliveries' worth of weight given to the organisation's late share
RECORD_WEIGHT = 4.0


@dataclass(frozen=True, slots=True)
class Factor:
    name: str
    value: float  # the measure: days, a count, a share
    contribution: float  # points added to the score
    reason: str


@dataclass(frozen=True, slots=True)
class Risk:
    dependency: str
    score: float
    level: str  # high | medium | low
    factors: tuple[Factor, ...]  # largest contribution first

    @property
    def reasons(self) -> tuple[Factor, ...]:
        """The factors that added points."""
        return tuple(f for f in self.factors if f.contribution > 0)

    @property
    def summary(self) -> str:
        """`high: committed 5 days after needed-by; raised as a blocker in 3 meetings`"""
        top = [f.reason for f in self.reasons[:2]]
        return f"{self.level}: {'; '.join(top) if top else 'nothing adds risk'}"


@dataclass(frozen=True, slots=True)
class History:
    """What the factors read, indexed once per repository."""

    dependencies: tuple[m.Dependency, ...]
    cited: Mapping[str, tuple[dt.date, ...]]  # dependency id -> meetings a blocker cited it
    names: Mapping[str, str]  # team id -> name
    timeline: Timeline  # the dependencies as they stood on any day


def history(repo: m.Repository) -> History:
    cited: dict[str, list[dt.date]] = {}
    for meeting in repo.meetings:
        ids = {
            item.dependency
            for update in meeting.updates.values()
            for item in update.blockers
            if item.dependency
        }
        for dep_id in ids:
            cited.setdefault(dep_id, []).append(meeting.date)
    names = {t.id: t.name for t in repo.org.teams} if repo.org else {}
    return History(
        repo.dependencies,
        {k: tuple(v) for k, v in cited.items()},
        names,
        Timeline(repo.dependencies),
    )


def _days(n: int) -> str:
    return "1 day" if abs(n) == 1 else f"{abs(n)} days"


def _level(points: float) -> str:
    return "high" if points >= HIGH else "medium" if points >= MEDIUM else "low"


def lead_time(deps: Iterable[m.Dependency], today: dt.date) -> tuple[int, int]:
    """The median days from raised to delivered of deliveries made by `today`, and how
    many there were; DEFAULT_LEAD_DAYS below three."""
    spans = [
        (d.delivered - d.raised).days
        for d in deps
        if d.status == "delivered" and d.delivered is not None and d.delivered <= today
    ]
    if len(spans) < 3:
        return DEFAULT_LEAD_DAYS, len(spans)
    return round(statistics.median(spans)), len(spans)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The board as it was known on one day, indexed for the factors."""

    today: dt.date
    lead: tuple[int, int]  # typical lead time in days, deliveries it comes from
    delivered: Mapping[str, tuple[m.Dependency, ...]]  # provider -> deliveries, oldest first
    waiting: Mapping[str, tuple[m.Dependency, ...]]  # provider -> its open dependencies
    waits: Mapping[str, tuple[m.Dependency, ...]]  # team -> the open dependencies it waits on
    record: tuple[int, int]  # of every delivery so far, how many were late, and all


def snapshot(h: History, today: dt.date, known: tuple[m.Dependency, ...] | None = None) -> Snapshot:
    """The board known on `today`; `known` is `h.timeline.known(today)`, if at hand."""
    known = h.timeline.known(today) if known is None else known
    delivered: dict[str, list[m.Dependency]] = {}
    waiting: dict[str, list[m.Dependency]] = {}
    waits: dict[str, list[m.Dependency]] = {}
    late = 0
    for d in known:
        if d.status == "delivered" and d.delivered is not None:
            delivered.setdefault(d.depends_on, []).append(d)
            late += _late(d)
        elif d.is_open:
            waiting.setdefault(d.depends_on, []).append(d)
            waits.setdefault(d.team, []).append(d)
    return Snapshot(
        today,
        lead_time(known, today),
        {k: tuple(sorted(v, key=lambda d: (d.delivered, d.id))) for k, v in delivered.items()},
        {k: tuple(v) for k, v in waiting.items()},
        {k: tuple(v) for k, v in waits.items()},
        (late, sum(map(len, delivered.values()))),
    )


def _time(dep: m.Dependency, snap: Snapshot) -> Factor:
    lead, n = snap.lead
    left = (dep.needed_by - snap.today).days
    if left < 0:
        return Factor("time", left, 3.0, f"overdue: needed by {dep.needed_by}, {_days(left)} ago")
    typical = (
        f"deliveries typically take {_days(lead)}"
        if n >= 3
        else f"fewer than 3 deliveries yet: assuming {_days(lead)} of lead time"
    )
    when = "today" if left == 0 else f"in {_days(left)}"
    return Factor("time", left, 2.0 * lead / (lead + left), f"needed {when} ({typical})")


def _commitment(dep: m.Dependency, provider: str) -> Factor:
    if dep.committed is None:
        return Factor("commitment", 0, 0.5, f"no committed date from {provider}")
    slip = (dep.committed - dep.needed_by).days
    if slip > 0:
        points = 2.0 + min(1.0, slip / 10)
        return Factor("commitment", slip, points, f"committed {_days(slip)} after needed-by")
    if slip == 0:
        return Factor("commitment", 0, 0.5, "committed for the needed-by date itself: no slack")
    return Factor("commitment", slip, 0.0, f"committed {_days(slip)} before needed-by")


def _blocked(dep: m.Dependency) -> Factor:
    if dep.status == "blocked":
        return Factor("blocked", 1, 1.5, "marked blocked on the board")
    return Factor("blocked", 0, 0.0, "not marked blocked")


def _blockers(dep: m.Dependency, h: History, today: dt.date) -> Factor:
    dates = [d for d in h.cited.get(dep.id, ()) if d <= today]
    if not dates:
        return Factor("blockers", 0, 0.0, "never raised as a blocker")
    if len(dates) == 1:
        said = f"1 meeting ({dates[0]})"
    elif len(dates) == 2:
        said = f"2 meetings ({dates[0]}, {dates[1]})"
    else:
        said = f"{len(dates)} meetings ({dates[0]} to {dates[-1]})"
    points = min(2.0, 0.5 * len(dates))
    return Factor("blockers", len(dates), points, f"raised as a blocker in {said}")


def _late(d: m.Dependency) -> bool:
    return d.delivered is not None and d.delivered > d.needed_by


def _record(dep: m.Dependency, snap: Snapshot, provider: str) -> Factor:
    done = snap.delivered.get(dep.depends_on, ())[-RECORD_WINDOW:]
    if not done:
        return Factor("track record", 0, 0.0, f"{provider} has no delivery yet to judge by")
    org_late, everyone = snap.record
    org_rate = org_late / everyone
    late, n = sum(map(_late, done)), len(done)
    shrunk = (late + RECORD_PRIOR * org_rate) / (n + RECORD_PRIOR)
    points = RECORD_WEIGHT * max(0.0, shrunk - org_rate)
    said = f"{late} of its last {n} late" if late else f"its last {n} on time"
    org = f"the organisation: {org_late} of {everyone} late"
    return Factor("track record", late / n, points, f"{provider} delivered {said} ({org})")


def _fan_in(dep: m.Dependency, snap: Snapshot, h: History) -> Factor:
    waiting = sorted({dep.team, *(d.team for d in snap.waiting.get(dep.depends_on, ()))})
    provider = h.names.get(dep.depends_on, dep.depends_on)
    if len(waiting) <= 1:
        return Factor("fan-in", len(waiting), 0.0, f"only this team waits on {provider}")
    teams = ", ".join(h.names.get(t, t) for t in waiting)
    points = min(1.0, 0.25 * (len(waiting) - 1))
    return Factor(
        "fan-in", len(waiting), points, f"{len(waiting)} teams wait on {provider} ({teams})"
    )


def _upstream(dep: m.Dependency, snap: Snapshot, h: History) -> Factor:
    stuck = [
        d
        for d in snap.waits.get(dep.depends_on, ())
        if d.status == "blocked" or d.needed_by < snap.today
    ]
    provider = h.names.get(dep.depends_on, dep.depends_on)
    if not stuck:
        return Factor("upstream", 0, 0.0, f"{provider} waits on nothing blocked or overdue")
    what = ", ".join(
        f"{d.id} ({h.names.get(d.depends_on, d.depends_on)}, "
        f"{'blocked' if d.status == 'blocked' else 'overdue'})"
        for d in stuck
    )
    return Factor(
        "upstream", len(stuck), min(1.5, 1.0 * len(stuck)), f"{provider} itself waits on {what}"
    )


def assess(dep: m.Dependency, h: History, *, today: dt.date, snap: Snapshot | None = None) -> Risk:
    """The risk of `dep` as it stands, using only what `h` knew on `today`. `snap` is
    `snapshot(h, today)`, passed in when many dependencies are scored for one day."""
    provider = h.names.get(dep.depends_on, dep.depends_on)
    if not dep.is_open:
        return Risk(dep.id, 0.0, "low", (Factor("closed", 0, 0.0, dep.status),))
    snap = snap if snap is not None and snap.today == today else snapshot(h, today)
    factors = [
        _time(dep, snap),
        _commitment(dep, provider),
        _blocked(dep),
        _blockers(dep, h, today),
        _record(dep, snap, provider),
        _fan_in(dep, snap, h),
        _upstream(dep, snap, h),
    ]
    factors = [Factor(f.name, f.value, round(f.contribution, 2), f.reason) for f in factors]
    factors.sort(key=lambda f: -f.contribution)
    total = round(sum(f.contribution for f in factors), 2)
    return Risk(dep.id, total, _level(total), tuple(factors))


def score(dep: m.Dependency, repo: m.Repository, *, today: dt.date) -> Risk:
    return assess(dep, history(repo), today=today)


def rank(repo: m.Repository, today: dt.date) -> list[tuple[m.Dependency, Risk]]:
    """Every dependency open on `today`, riskiest first (then earliest needed-by, id)."""
    h = history(repo)
    snap = snapshot(h, today)
    ranked = []
    for dep, view in zip(repo.dependencies, h.timeline.views(today), strict=True):
        if view is not None and view.is_open:
            ranked.append((dep, assess(view, h, today=today, snap=snap)))
    ranked.sort(key=lambda pair: (-pair[1].score, pair[0].needed_by, pair[0].id))
    return ranked
