"""Rules on the dependency board: a consistent record, and nothing silently late."""

from __future__ import annotations

from collections.abc import Iterator

from sosgen.diagnostics import Pos, Severity
from sosgen.rules import DEPENDENCIES, Context, Rule

Found = Iterator[tuple[Pos, str]]


def dependency_consistent(ctx: Context) -> Found:
    for dep in ctx.repo.dependencies:
        if dep.team == dep.depends_on:
            yield (
                dep.at("depends_on"),
                (
                    f"{dep.id}: a team cannot depend on itself; "
                    "`depends_on` names the team that must deliver"
                ),
            )
        if dep.status == "delivered" and dep.delivered is None:
            yield (
                dep.at("status"),
                (f"{dep.id} is delivered but has no `delivered` date; add `delivered: YYYY-MM-DD`"),
            )
        if dep.status != "delivered" and dep.delivered is not None:
            yield (
                dep.at("delivered"),
                (
                    f"{dep.id} has a `delivered` date but status "
                    f"{dep.status}; set `status: delivered` or remove it"
                ),
            )
        if dep.status == "committed" and dep.committed is None:
            yield (
                dep.at("status"),
                (
                    f"{dep.id} is committed but has no `committed` date; "
                    "add the provider's promised date"
                ),
            )
        if dep.raised > dep.needed_by:
            yield (
                dep.at("needed_by"),
                f"{dep.id} is needed by {dep.needed_by}, before it was raised ({dep.raised})",
            )


def dependency_overdue(ctx: Context) -> Found:
    for dep in ctx.repo.dependencies:
        if dep.is_open and dep.needed_by < ctx.today:
            days = (ctx.today - dep.needed_by).days
            yield (
                dep.at("needed_by"),
                (
                    f"{dep.id} ({dep.team} waits on {dep.depends_on}) was needed by "
                    f"{dep.needed_by}, {days} days ago, and is still {dep.status}; agree a new "
                    "date or escalate"
                ),
            )


E, W = Severity.ERROR, Severity.WARNING
RULES = (
    Rule(
        "dependency-record",
        E,
        "a dependency on itself, or status and dates that disagree",
        dependency_consistent,
        (DEPENDENCIES,),
    ),
    Rule(
        "dependency-overdue",
        W,
        "an open dependency past its needed-by date (uses today)",
        dependency_overdue,
        (DEPENDENCIES,),
    ),
)
