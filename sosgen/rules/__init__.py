"""The rules of `sosgen check`: small functions, each yielding diagnostics.

A rule module exposes `RULES`, a tuple of `Rule`s. Each rule has an id (used in
output, in the README and in `checks: {off: [...]}`), a severity, a function
of the `Context` and the kinds of file its diagnostics point at. Errors depend only
on the repository; anything that depends on today's date is a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sosgen import model as m
from sosgen.diagnostics import Diagnostic, Pos, Severity, error, warning

if TYPE_CHECKING:  # imported where used: `check` of meeting files reads no CODEOWNERS
    from sosgen.codeowners import Change, CodeownersFile

# The kinds of file a diagnostic can point at (`kind_of`). `sosgen check PATH...` shows
# only the diagnostics of PATHs and of the two global files, so it runs only the rules
# that can report on one of their kinds (`run_rules(kinds=...)`).
TEAMS = "teams.yaml"
DEPENDENCIES = "dependencies.yaml"
RECORD = "meeting record"  # meetings/<date>/_meeting.yaml
UPDATE = "update"  # meetings/<date>/<team>.yaml
FOLDER = "meeting folder"  # meetings/<date>
OTHER = "other file"  # a CODEOWNERS file


def kind_of(path: str) -> str:
    """The kind of file a repository-relative POSIX path names."""
    if path in (TEAMS, DEPENDENCIES):
        return path
    parts = path.split("/")
    if parts[0] != "meetings" or len(parts) not in (2, 3):
        return OTHER
    if len(parts) == 2:
        return FOLDER
    return RECORD if parts[2] == "_meeting.yaml" else UPDATE


@dataclass(frozen=True)
class Context:
    repo: m.Repository
    org: m.Org
    today: dt.date
    codeowners: tuple[CodeownersFile, ...] = ()  # generated CODEOWNERS files (check reads them)
    change: Change | None = None  # a pull request's author and files (`check --author`)

    @cached_property
    def teams(self) -> Mapping[str, m.Team]:
        return {t.id: t for t in self.org.teams}

    @cached_property
    def dependencies(self) -> Mapping[str, m.Dependency]:
        return {d.id: d for d in self.repo.dependencies}

    @property
    def checks(self) -> m.Checks:
        return self.org.checks

    def updates(self) -> Iterator[m.Update]:
        for meeting in self.repo.meetings:
            yield from meeting.updates.values()

    def records(self) -> Iterator[m.MeetingRecord]:
        for meeting in self.repo.meetings:
            if meeting.record is not None:
                yield meeting.record


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str  # one line for the README and `sosgen rules`
    check: Callable[[Context], Iterable[tuple[Pos, str]]]
    reports: tuple[str, ...]  # the kinds of file its diagnostics point at (`kind_of`)

    def run(self, ctx: Context) -> Iterator[Diagnostic]:
        make = error if self.severity is Severity.ERROR else warning
        for pos, message in self.check(ctx):
            yield make(pos, self.id, message)


def all_rules() -> tuple[Rule, ...]:
    from sosgen.rules import actions, dependencies, meetings, references, updates, workflow

    return (
        *references.RULES,
        *updates.RULES,
        *meetings.RULES,
        *dependencies.RULES,
        *actions.RULES,
        *workflow.RULES,
    )


def run_rules(
    repo: m.Repository,
    *,
    today: dt.date,
    codeowners: tuple[CodeownersFile, ...] = (),
    change: Change | None = None,
    kinds: Collection[str] | None = None,
    warnings: bool = True,
) -> list[Diagnostic]:
    """Every diagnostic of every rule, less the warnings switched off in `checks.off`;
    with `kinds`, only of the rules that can report on one of those kinds of file;
    without `warnings`, only of the rules that report errors (a build, which stops on
    errors and shows no warnings, needs no more: half the time of the rules)."""
    if repo.org is None:
        return []
    ctx = Context(repo, repo.org, today, codeowners, change)
    off = repo.org.checks.off
    out: list[Diagnostic] = []
    for rule in all_rules():
        if rule.severity is Severity.WARNING and (not warnings or rule.id in off):
            continue
        if kinds is not None and not any(kind in kinds for kind in rule.reports):
            continue
        out.extend(rule.run(ctx))
    return out
