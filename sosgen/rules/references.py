"""Every reference resolves; every id is unique and safe to use in a file name or URL."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Container, Iterable, Iterator, Mapping

from sosgen import model as m
from sosgen.diagnostics import Pos, Severity
from sosgen.rules import DEPENDENCIES, RECORD, TEAMS, UPDATE, Context, Rule

Found = Iterator[tuple[Pos, str]]

# Names Windows refuses as file names: a team called `con` could never be checked out there.
RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _unknown(kind: str, name: str, known: Mapping[str, object], where: str) -> str:
    return f"unknown {kind} '{name}' in {where}{_hint(name, known)}"


# A reference: where it is (`at(field)`, called only for the ones reported: positions
# cost more than the check), the field, the id it names and a description.
Ref = tuple[Callable[[str], Pos], str, str, str]


def team_refs(ctx: Context, known: Container[str] = ()) -> Iterator[Ref]:
    """Every team reference in the repository; of the items' (100,000 at 450
    meetings), only those that name none of `known`."""
    for dep in ctx.repo.dependencies:
        yield dep.at, "team", dep.team, f"dependency {dep.id}"
        yield dep.at, "depends_on", dep.depends_on, f"dependency {dep.id}"
    for dismissal in ctx.repo.dismissed:
        for team in sorted(dismissal.teams):
            yield dismissal.at, "teams", team, "a dismissed suggestion"
    for meeting in ctx.repo.meetings:
        for team_id in sorted(meeting.update_files):
            if team_id not in ctx.teams:
                path = f"{meeting.path}/{team_id}.yaml"
                yield _file(path), "", team_id, "the file name (no such team in teams.yaml)"
        for update in meeting.updates.values():
            for item in update.items():
                for team_id in item.teams:
                    if team_id not in known:
                        field = "needs" if item.question == "blockers" else "for"
                        yield item.at, field, team_id, f"'{field}'"
        if meeting.record is not None:
            rec = meeting.record
            for team_id in rec.expected:
                yield rec.at, "expected", team_id, "'expected'"
            for action in rec.actions:
                if action.team:
                    yield action.at, "team", action.team, f"action {action.id}"
            for entry in rec.parking_lot:
                for team_id in entry.teams:
                    yield entry.at, "teams", team_id, f"parking-lot topic {entry.id}"
            for decision in rec.decisions:
                for team_id in decision.teams:
                    yield decision.at, "teams", team_id, "a decision"
            for follow in rec.follow_up:
                yield follow.at, "team", follow.team, "'follow_up'"


def person_refs(ctx: Context, known: Container[str] = ()) -> Iterator[Ref]:
    """Every person reference in the repository; of the updates' ambassadors (one per
    update), only those not among `known`."""
    org = ctx.org
    yield org.at, "facilitator", org.facilitator, "'facilitator'"
    if org.chief_product_owner:
        yield org.at, "chief_product_owner", org.chief_product_owner, "'chief_product_owner'"
    for person in org.maintainers:
        yield org.at, "maintainers", person, "'maintainers'"
    for team in org.teams:
        for person in team.members:
            yield team.at, "members", person, f"the members of {team.id}"
        for stint in team.ambassadors:
            yield stint.at, "person", stint.person, f"the ambassadors of {team.id}"
    for dep in ctx.repo.dependencies:
        yield dep.at, "owner", dep.owner, f"dependency {dep.id}"
    for update in ctx.updates():
        if update.ambassador not in known:
            yield update.at, "ambassador", update.ambassador, "'ambassador'"
    for rec in ctx.records():
        yield rec.at, "facilitator", rec.facilitator, "'facilitator'"
        for person in rec.attendees:
            yield rec.at, "attendees", person, "'attendees'"
        for person in rec.expected.values():
            yield rec.at, "expected", person, "'expected'"
        for action in rec.actions:
            yield action.at, "owner", action.owner, f"action {action.id}"
        for entry in rec.parking_lot:
            if entry.owner:
                yield entry.at, "owner", entry.owner, f"parking-lot topic {entry.id}"


def _file(path: str) -> Callable[[str], Pos]:
    return lambda field: Pos(path)


def unknown_team(ctx: Context) -> Found:
    for at, field, team_id, where in team_refs(ctx, ctx.teams):
        if team_id not in ctx.teams:
            yield at(field), _unknown("team", team_id, ctx.teams, where)


def unknown_person(ctx: Context) -> Found:
    for at, field, person, where in person_refs(ctx, ctx.org.people):
        if person not in ctx.org.people:
            yield (
                at(field),
                _unknown("person", person, ctx.org.people, where)
                + (
                    ""
                    if _hint(person, ctx.org.people)
                    else "; add them under `people:` in teams.yaml"
                ),
            )


def unknown_dependency(ctx: Context) -> Found:
    refs: list[tuple[m.Located, str, str]] = []
    for update in ctx.updates():
        refs.extend((i, i.dependency, "'dependency'") for i in update.items() if i.dependency)
    for rec in ctx.records():
        refs.extend((a, a.dependency, f"action {a.id}") for a in rec.actions if a.dependency)
    for obj, dep_id, where in refs:
        if dep_id not in ctx.dependencies:
            yield (
                obj.at("dependency"),
                _unknown("dependency", dep_id, ctx.dependencies, where)
                + ("" if _hint(dep_id, ctx.dependencies) else "; add it to dependencies.yaml"),
            )


def unknown_cluster(ctx: Context) -> Found:
    for team in ctx.org.teams:
        if team.cluster and team.cluster not in ctx.org.clusters:
            message = _unknown("cluster", team.cluster, ctx.org.clusters, f"team {team.id}")
            if not _hint(team.cluster, ctx.org.clusters):
                message += "; declare it under `clusters:` in teams.yaml"
            yield team.at("cluster"), message


def _duplicates(entries: Iterable[tuple[str, Pos]], kind: str) -> Found:
    first: dict[str, Pos] = {}
    for key, pos in entries:
        if key in first:
            was = first[key]
            where = f"line {was.line}" if was.path == pos.path else f"{was.path}:{was.line}"
            yield pos, f"duplicate {kind} id '{key}' (first at {where}); ids must be unique"
        else:
            first[key] = pos


def duplicate_id(ctx: Context) -> Found:
    yield from _duplicates(((t.id, t.at("id")) for t in ctx.org.teams), "team")
    yield from _duplicates(((d.id, d.at("id")) for d in ctx.repo.dependencies), "dependency")
    yield from _duplicates(((a.id, a.at("id")) for r in ctx.records() for a in r.actions), "action")
    yield from _duplicates(
        ((p.id, p.at("id")) for r in ctx.records() for p in r.parking_lot if p.topic),
        "parking-lot",
    )


def reserved_id(ctx: Context) -> Found:
    named: list[tuple[str, Pos, str]] = [(t.id, t.at("id"), "team") for t in ctx.org.teams]
    named += [(p.id, p.pos, "person") for p in ctx.org.people.values()]
    named += [(c.id, c.pos, "cluster") for c in ctx.org.clusters.values()]
    for ident, pos, kind in named:
        if ident in RESERVED:
            yield (
                pos,
                (f"{kind} id '{ident}' is a reserved file name on Windows; choose another id"),
            )


def checks_off(ctx: Context) -> Found:
    from sosgen.rules import all_rules

    known = {r.id: r for r in all_rules()}
    for name in sorted(ctx.org.checks.off):
        rule = known.get(name)
        if rule is None:
            yield ctx.org.at("checks"), f"unknown rule '{name}' in checks.off{_hint(name, known)}"
        elif rule.severity is Severity.ERROR:
            yield ctx.org.at("checks"), f"rule '{name}' is an error and cannot be switched off"


def _team_of_rotation(team: m.Team) -> Found:
    starts = [s.start for s in team.ambassadors]
    if starts != sorted(starts):
        yield (
            team.at("ambassadors"),
            (f"ambassadors of {team.id} are not oldest first; order them by `from`"),
        )
    for stint in team.ambassadors:
        if stint.person not in team.members:
            yield (
                stint.at("person"),
                (
                    f"ambassador '{stint.person}' is not a member of "
                    f"{team.id}; add them to `members`"
                ),
            )


def team_rotation(ctx: Context) -> Found:
    for team in ctx.org.teams:
        yield from _team_of_rotation(team)


E, W = Severity.ERROR, Severity.WARNING
RULES = (
    Rule(
        "unknown-team",
        E,
        "a team id that is not in teams.yaml",
        unknown_team,
        (DEPENDENCIES, UPDATE, RECORD),
    ),
    Rule(
        "unknown-person",
        E,
        "a person id that is not under `people:`",
        unknown_person,
        (TEAMS, DEPENDENCIES, UPDATE, RECORD),
    ),
    Rule(
        "unknown-dependency",
        E,
        "a dependency id that is not in dependencies.yaml",
        unknown_dependency,
        (UPDATE, RECORD),
    ),
    Rule(
        "unknown-cluster",
        E,
        "a team's cluster is not declared under `clusters:`",
        unknown_cluster,
        (TEAMS,),
    ),
    Rule(
        "duplicate-id",
        E,
        "two teams, dependencies, actions or parking-lot topics share an id",
        duplicate_id,
        (TEAMS, DEPENDENCIES, RECORD),
    ),
    Rule(
        "reserved-id",
        E,
        "an id that cannot be a file name everywhere (con, nul, com1...)",
        reserved_id,
        (TEAMS,),
    ),
    Rule(
        "unknown-rule",
        E,
        "`checks.off` names a rule that does not exist or is an error",
        checks_off,
        (TEAMS,),
    ),
    Rule(
        "team-rotation",
        E,
        "a rotation out of date order, or an ambassador who is not a member",
        team_rotation,
        (TEAMS,),
    ),
)
