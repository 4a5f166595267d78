"""Turn validated values (`schema.Obj`/`Arr`) into model objects.

Validation has already reported every problem; here a value that failed is simply
absent, and an object missing a required value is left out, so rules only ever
see complete objects.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from typing import Any

from sosgen import model as m
from sosgen.codec import compact_positions
from sosgen.schema import Arr, Obj


def _objs(value: Any) -> Iterator[Obj]:
    if isinstance(value, Arr):
        yield from (v for v in value if isinstance(v, Obj))


def _strs(value: Any) -> tuple[str, ...]:
    """The text items of a list: ids, one object per value however many files name it."""
    if not isinstance(value, Arr):
        return ()
    return tuple([sys.intern(v) for v in value if isinstance(v, str)])


def _has(obj: Obj, *names: str) -> bool:
    return None not in map(obj.get, names)


def _located(obj: Obj) -> dict[str, Any]:
    return {"pos": obj.pos, "positions": compact_positions(obj.pos.path, obj.positions)}


def org(value: Any) -> m.Org | None:
    if not isinstance(value, Obj) or not _has(value, "organization", "facilitator"):
        return None
    people = value.get("people")
    clusters = value.get("clusters")
    cadence = value.get("cadence") if isinstance(value.get("cadence"), Obj) else None
    checks = value.get("checks") if isinstance(value.get("checks"), Obj) else None
    return m.Org(
        **_located(value),
        organization=value["organization"],
        facilitator=value["facilitator"],
        chief_product_owner=value.get("chief_product_owner") or "",
        maintainers=_strs(value.get("maintainers")),
        people={
            pid: m.Person(
                **_located(p),
                id=pid,
                name=p["name"],
                github=p.get("github") or "",
                email=p.get("email") or "",
            )
            for pid, p in (people.items() if isinstance(people, Obj) else ())
            if isinstance(p, Obj) and _has(p, "name")
        },
        clusters={
            cid: m.Cluster(**_located(c), id=cid, name=c["name"])
            for cid, c in (clusters.items() if isinstance(clusters, Obj) else ())
            if isinstance(c, Obj) and _has(c, "name")
        },
        teams=tuple(_team(t) for t in _objs(value.get("teams")) if _has(t, "id", "name")),
        cadence=_cadence(cadence),
        checks=_checks(checks),
    )


def _team(obj: Obj) -> m.Team:
    return m.Team(
        **_located(obj),
        id=obj["id"],
        name=obj["name"],
        members=_strs(obj.get("members")),
        ambassadors=tuple(
            m.Stint(**_located(s), person=s["person"], start=s["from"])
            for s in _objs(obj.get("ambassadors"))
            if _has(s, "person", "from")
        ),
        cluster=obj.get("cluster") or "",
        github_team=obj.get("github_team") or "",
        aliases=_strs(obj.get("aliases")),
        owns=_strs(obj.get("owns")),
    )


def _cadence(obj: Obj | None) -> m.Cadence:
    if obj is None:
        return m.Cadence()
    days = tuple(sorted(m.WEEKDAYS.index(d) for d in _strs(obj.get("days")) if d in m.WEEKDAYS))
    default = m.Cadence()
    return m.Cadence(
        days=days or default.days,
        timebox_minutes=obj.get("timebox_minutes") or default.timebox_minutes,
        sprint_weeks=obj.get("sprint_weeks") or default.sprint_weeks,
        minutes_per_item=obj.get("minutes_per_item") or default.minutes_per_item,
    )


def _checks(obj: Obj | None) -> m.Checks:
    if obj is None:
        return m.Checks()
    default = m.Checks()
    near = obj.get("near_days")
    return m.Checks(
        escalate_after_meetings=obj.get("escalate_after_meetings")
        or default.escalate_after_meetings,
        ambassador_max_sprints=obj.get("ambassador_max_sprints") or default.ambassador_max_sprints,
        near_days=default.near_days if near is None else near,
        off=frozenset(_strs(obj.get("off"))),
    )


def dependencies(value: Any) -> tuple[tuple[m.Dependency, ...], tuple[m.Dismissal, ...]]:
    if not isinstance(value, Obj):
        return (), ()
    required = ("id", "team", "depends_on", "what", "needed_by", "owner", "status", "raised")
    deps = tuple(
        m.Dependency(
            **_located(d),
            **{k: d[k] for k in required},
            committed=d.get("committed"),
            delivered=d.get("delivered"),
            links=_strs(d.get("links")),
            note=d.get("note") or "",
        )
        for d in _objs(value.get("dependencies"))
        if _has(d, *required)
    )
    dismissed = tuple(
        m.Dismissal(
            **_located(d), teams=frozenset(_strs(d.get("teams"))), reason=d.get("reason") or ""
        )
        for d in _objs(value.get("dismissed"))
    )
    return deps, dismissed


def update(value: Any, *, team: str, meeting: dt.date) -> m.Update | None:
    if not isinstance(value, Obj) or not _has(value, "ambassador"):
        return None
    return m.Update(
        **_located(value),
        team=team,
        meeting=meeting,
        ambassador=sys.intern(value["ambassador"]),
        declared_team=value.get("team") or "",
        declared_meeting=value.get("meeting"),
        completed=_items("completed", value.get("completed")),
        next=_items("next", value.get("next")),
        blockers=_items("blockers", value.get("blockers")),
        heads_up=_items("heads_up", value.get("heads_up")),
    )


def _items(question: str, value: Any) -> tuple[m.Item, ...]:
    if not isinstance(value, Arr):
        return ()
    blockers = question == "blockers"
    items = []
    for obj in value:
        if not isinstance(obj, Obj):
            continue
        text = obj.get("text")
        if text is None:
            continue
        teams: tuple[str, ...]
        if blockers:
            needs = obj.get("needs")
            teams = (needs,) if needs else ()
        else:
            teams = _strs(obj.get("for"))
        items.append(
            m.Item(
                pos=obj.pos,
                positions=compact_positions(obj.pos.path, obj.positions),
                question=question,
                text=text,
                teams=teams,
                dependency=obj.get("dependency") or "",
            )
        )
    return tuple(items)


def record(value: Any, *, meeting: dt.date) -> m.MeetingRecord | None:
    if not isinstance(value, Obj) or not _has(value, "facilitator"):
        return None
    expected = value.get("expected")
    return m.MeetingRecord(
        **_located(value),
        date=meeting,
        facilitator=value["facilitator"],
        attendees=_strs(value.get("attendees")),
        expected={k: v for k, v in expected.items() if isinstance(v, str)}
        if isinstance(expected, Obj)
        else {},
        review=tuple(
            m.Review(
                **_located(r),
                id=r["id"],
                status=r.get("status"),
                note=r.get("note") or "",
                escalated=bool(r.get("escalated")),
            )
            for r in _objs(value.get("review"))
            if _has(r, "id")
        ),
        actions=tuple(
            m.Action(
                **_located(a),
                id=a["id"],
                text=a["text"],
                owner=a["owner"],
                due=a["due"],
                meeting=meeting,
                dependency=a.get("dependency") or "",
                team=a.get("team") or "",
            )
            for a in _objs(value.get("actions"))
            if _has(a, "id", "text", "owner", "due")
        ),
        parking_lot=tuple(
            m.ParkingEntry(
                **_located(p),
                id=p["id"],
                topic=p.get("topic") or "",
                teams=_strs(p.get("teams")),
                owner=p.get("owner") or "",
                status=p.get("status") or "open",
            )
            for p in _objs(value.get("parking_lot"))
            if _has(p, "id")
        ),
        decisions=tuple(
            m.Decision(**_located(d), text=d["text"], teams=_strs(d.get("teams")))
            for d in _objs(value.get("decisions"))
            if _has(d, "text")
        ),
        follow_up=tuple(
            m.FollowUp(**_located(f), team=f["team"], question=f["question"], text=f["text"])
            for f in _objs(value.get("follow_up"))
            if _has(f, "team", "question", "text")
        ),
    )
