"""The organisation of `synth.py`: people, teams, clusters, the ambassadors' rotation and
the dependency board, as the documents of `teams.yaml` and `dependencies.yaml` and as the
small typed records the meeting simulation reads (built from those documents, so
`add_meeting` reads the same thing back from disk)."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from synth_text import FIRST_NAMES, LAST_NAMES, TEAMS, Phrases

Doc = dict[str, Any]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CADENCE = ("mon", "wed", "fri")
ESCALATE_AFTER = 2  # teams.yaml checks.escalate_after_meetings
ROTATION_DAYS = (14, 21, 28, 28)  # an ambassador serves one to two sprints
HORIZON = dt.timedelta(weeks=8)  # the rotation is planned this far past the last meeting
CLUSTER_NAMES = ("Shop", "Money", "Core", "Growth", "Data", "Partner", "Ops", "Content")


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    cluster: str
    members: tuple[str, ...]
    rotation: tuple[tuple[str, dt.date], ...]  # (person, from), oldest first

    def ambassador(self, day: dt.date) -> str:
        """The rotation's ambassador on `day`: the latest entry whose `from` <= day."""
        person = self.rotation[0][0]
        for who, start in self.rotation:
            if start <= day:
                person = who
        return person


@dataclass(frozen=True)
class Org:
    facilitator: str
    days: tuple[int, ...]  # meeting weekdays, Monday = 0
    teams: tuple[Team, ...]
    by_id: dict[str, Team] = field(compare=False)

    def others(self, team: Team) -> tuple[list[Team], list[Team]]:
        """The other teams of `team`'s cluster, and all other teams."""
        rest = [t for t in self.teams if t.id != team.id]
        return [t for t in rest if t.cluster == team.cluster], rest


@dataclass(frozen=True)
class Dependency:
    id: str
    team: str
    depends_on: str
    what: str
    needed_by: dt.date
    status: str
    raised: dt.date
    delivered: dt.date | None

    def active(self, day: dt.date) -> bool:
        """Worth talking about on `day`: raised, and not delivered or dropped before it."""
        if self.raised > day:
            return False
        if self.delivered is not None:
            return day <= self.delivered
        return day <= self.needed_by if self.status == "dropped" else True


# teams.yaml


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _people(rng: random.Random, count: int) -> dict[str, Doc]:
    people: dict[str, Doc] = {}
    while len(people) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base = f"{_ascii(first)}-{_ascii(last)}"
        ident, n = base, 1
        while ident in people:
            n += 1
            ident = f"{base}-{n}"
        handle = rng.choice(
            (ident, f"{_ascii(first)}{_ascii(last)}", f"{_ascii(first)[0]}{_ascii(last)}{n}")
        )
        person: Doc = {"name": f"{first} {last}", "github": handle}
        if rng.random() < 0.3:
            person["email"] = f"{ident.replace('-', '.')}@acme.example"
        people[ident] = person
    return people


def _team_identity(i: int) -> tuple[str, str, tuple[str, ...]]:
    if i < len(TEAMS):
        return TEAMS[i]
    return f"team-{i + 1}", f"Team {i + 1}", ()


def _rotation(
    rng: random.Random, members: list[str], first: dt.date, horizon: dt.date
) -> list[Doc]:
    order = rng.sample(members, len(members))
    day = first - dt.timedelta(days=rng.randint(0, 13))
    entries: list[Doc] = []
    while day <= horizon:
        entries.append({"person": order[len(entries) % len(order)], "from": day})
        day += dt.timedelta(days=rng.choice(ROTATION_DAYS))
    return entries


def timebox_minutes(teams: int) -> int:
    """Room for a minute per update plus the few items to discuss: 30 minutes up to eight
    teams, 45 for twenty, in quarter hours."""
    return max(30, 15 * math.ceil((1.5 * teams + 15) / 15))


def teams_document(rng: random.Random, count: int, first: dt.date, last: dt.date) -> Doc:
    people = _people(rng, 3 * count + 2)
    ids = list(people)
    facilitator, cpo = ids[-2], ids[-1]
    clusters = max(1, round(count / 5))
    teams: list[Doc] = []
    for i in range(count):
        ident, name, aliases = _team_identity(i)
        members = ids[3 * i : 3 * i + 3]
        team: Doc = {"id": ident, "name": name, "cluster": f"cluster-{i * clusters // count + 1}"}
        team["members"] = members
        if i % 2 == 0:
            team["github_team"] = f"@acme-commerce/{ident}"
        team["ambassadors"] = _rotation(rng, members, first, last + HORIZON)
        if aliases:
            team["aliases"] = list(aliases)
        team["owns"] = [f"services/{ident}/**", f"libs/{ident}-client/**"]
        teams.append(team)
    return {
        "organization": "Acme Commerce",
        "cadence": {
            "days": list(CADENCE),
            "timebox_minutes": timebox_minutes(count),
            "sprint_weeks": 2,
            "minutes_per_item": 2,
        },
        "checks": {"escalate_after_meetings": ESCALATE_AFTER, "ambassador_max_sprints": 2},
        "facilitator": facilitator,
        "chief_product_owner": cpo,
        "maintainers": [facilitator],
        "people": people,
        "clusters": {
            f"cluster-{k + 1}": {"name": f"{CLUSTER_NAMES[k % len(CLUSTER_NAMES)]} train"}
            if k < len(CLUSTER_NAMES)
            else {"name": f"Train {k + 1}"}
            for k in range(clusters)
        },
        "teams": teams,
    }


def org_of(doc: Doc) -> Org:
    teams = tuple(
        Team(
            id=t["id"],
            name=t["name"],
            cluster=t.get("cluster", ""),
            members=tuple(t["members"]),
            rotation=tuple((a["person"], a["from"]) for a in t["ambassadors"]),
        )
        for t in doc["teams"]
    )
    days = tuple(sorted(WEEKDAYS.index(d) for d in doc["cadence"]["days"]))
    return Org(doc["facilitator"], days, teams, {t.id: t for t in teams})


# dependencies.yaml


def _clamp(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return max(low, min(day, high))


def _provider(rng: random.Random, org: Org, team: Team) -> Team:
    cluster, rest = org.others(team)
    return rng.choice(cluster if cluster and rng.random() < 0.7 else rest)


def _status(rng: random.Random, needed_by: dt.date, last: dt.date) -> str:
    if needed_by <= last - dt.timedelta(days=90):  # long past its date: settled
        return rng.choices(("delivered", "dropped"), (88, 12))[0]
    if needed_by <= last:  # recently past its date: settled, a few stuck
        return rng.choices(("delivered", "dropped", "blocked"), (80, 8, 12))[0]
    return rng.choices(("open", "committed", "blocked", "delivered"), (35, 35, 15, 15))[0]


def dependencies_document(
    rng: random.Random, say: Phrases, org: Org, first: dt.date, last: dt.date
) -> Doc:
    span = max((last - first).days, 1)
    recent = min(span, 56)  # a quarter are raised in the last eight weeks: a live board
    raised_days = sorted(
        last - dt.timedelta(days=rng.randrange(recent))
        if rng.random() < 0.25
        else first + dt.timedelta(days=rng.randrange(span))
        for _ in org.teams * 4
    )
    deps: list[Doc] = []
    for n, raised in enumerate(raised_days, start=1):
        team = rng.choice(org.teams)
        provider = _provider(rng, org, team)
        needed_by = raised + dt.timedelta(days=rng.randint(10, 70))
        status = _status(rng, needed_by, last)
        dep: Doc = {
            "id": f"DEP-{n}",
            "team": team.id,
            "depends_on": provider.id,
            "what": say.what(raised),
        }
        dep["needed_by"] = needed_by
        promised = {"committed": 1.0, "delivered": 0.7, "blocked": 0.5, "dropped": 0.3}
        if rng.random() < promised.get(status, 0.0):
            slip = dt.timedelta(days=rng.randint(-7, 4))  # now and then later than needed
            dep["committed"] = max(raised, needed_by + slip)
        dep["owner"] = rng.choice((team if rng.random() < 0.5 else provider).members)
        dep["status"] = status
        dep["raised"] = raised
        if status == "delivered":
            late = dt.timedelta(days=rng.randint(-12, 8))
            dep["delivered"] = _clamp(needed_by + late, raised + dt.timedelta(days=1), last)
        if rng.random() < 0.5:
            key = re.sub("[^A-Z]", "", provider.id.upper())[:3]
            dep["links"] = [f"https://tracker.example/{key}-{rng.randint(10, 999)}"]
        if rng.random() < 0.15:
            dep["note"] = say.note(status in ("delivered", "dropped"))
        deps.append(dep)
    return {"dependencies": deps}


def dependencies_of(doc: Doc) -> list[Dependency]:
    return [
        Dependency(
            id=d["id"],
            team=d["team"],
            depends_on=d["depends_on"],
            what=d["what"],
            needed_by=d["needed_by"],
            status=d["status"],
            raised=d["raised"],
            delivered=d.get("delivered"),
        )
        for d in doc.get("dependencies") or []
    ]


def cadence_days(days: tuple[int, ...], start: dt.date, count: int) -> list[dt.date]:
    """The first `count` meeting days from `start` on."""
    out: list[dt.date] = []
    day = start
    while len(out) < count:
        if day.weekday() in days:
            out.append(day)
        day += dt.timedelta(days=1)
    return out
