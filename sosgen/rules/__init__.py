"""The rules of `sosgen check`: small functions, each yielding diagnostics.

A rule module exposes `RULES`, a tuple of `Rule`s. Each rule has an id (used in
output, in the README and in `checks: {off: [...]}`), a severity and a function
of the `Context`. Errors depend only on the repository; anything that depends on
today's date is a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from sosgen import model as m
from sosgen.codeowners import Change, CodeownersFile
from sosgen.diagnostics import Diagnostic, Pos, Severity, error, warning


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
) -> list[Diagnostic]:
    """Every diagnostic of every rule, less the warnings switched off in `checks.off`."""
    if repo.org is None:
        return []
    ctx = Context(repo, repo.org, today, codeowners, change)
    off = repo.org.checks.off
    out: list[Diagnostic] = []
    for rule in all_rules():
        if rule.severity is Severity.WARNING and rule.id in off:
            continue
        out.extend(rule.run(ctx))
    return out
