"""What every signal produces: a suggestion with its evidence, never a silent edit.

A suggestion names the teams it concerns, says in one plain sentence what was seen,
and carries every piece of evidence a person needs to confirm or dismiss it: the
quoted words with their file, line and column and meeting, or the commits.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sosgen import model as m


class Kind(enum.StrEnum):
    MENTION = "undeclared-mention"  # an item names a team it does not declare
    RESTATED = "restated-blocker"  # the same blocker, word for word, a third time
    SILENT = "silent-provider"  # a provider never plans the work another team waits on
    COCHANGE = "co-change"  # two teams' code changes together
    CONTRACT = "contract-change"  # a team changed another team's contract file


class Status(enum.StrEnum):
    NEW = "new"  # nothing on the board says this
    KNOWN = "known"  # a dependency between the two teams is already on the board
    DISMISSED = "dismissed"  # dependencies.yaml `dismissed:` names the pair


# Kinds that suggest a dependency between two teams, and so can be dismissed by pair.
PAIR_KINDS = frozenset({Kind.MENTION, Kind.COCHANGE, Kind.CONTRACT})
CODE_KINDS = frozenset({Kind.COCHANGE, Kind.CONTRACT})


@dataclass(frozen=True, slots=True)
class Evidence:
    """One thing seen: a quoted span of an update, or a commit."""

    text: str  # the quoted words, or the commit's subject
    path: str = ""  # data file of the quote, or the changed file of a commit
    line: int = 0
    column: int = 0
    date: dt.date | None = None  # the meeting of a quote, the day of a commit
    commit: str = ""  # full commit id
    context: str = ""  # the whole item text around a quote
    team: str = ""  # the team a quote names

    @property
    def where(self) -> str:
        """`path:line:col` for a quote, the short commit id for a commit."""
        if self.commit:
            return self.commit[:10]
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: Kind
    teams: tuple[str, ...]  # the team it is about first, then the team(s) it names
    message: str
    evidence: tuple[Evidence, ...]
    status: Status = Status.NEW
    support: int = 0  # co-change: changes the two teams share
    coupling: int = 0  # co-change: shared changes as a percentage of their average
    changes: tuple[int, ...] = ()  # co-change: each team's number of changes

    @property
    def note(self) -> str:
        """What the board says about the pair, in words."""
        if self.status is Status.DISMISSED:
            return "dismissed in dependencies.yaml"
        if self.status is Status.KNOWN:
            return "a dependency between them is already on the board"
        if self.kind in PAIR_KINDS:
            return "no dependency between them is on the board"
        return ""

    @property
    def pair(self) -> frozenset[str]:
        return frozenset(self.teams[:2])

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.kind.value, tuple(sorted(self.teams)))


def possessive(name: str) -> str:
    """`Payments'`, `Checkout's`."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def dismissed_pairs(repo: m.Repository) -> frozenset[frozenset[str]]:
    return frozenset(d.teams for d in repo.dismissed)


def board_pairs(repo: m.Repository, *, open_only: bool) -> frozenset[frozenset[str]]:
    """Team pairs with a dependency on the board (either direction)."""
    return frozenset(
        frozenset((d.team, d.depends_on)) for d in repo.dependencies if d.is_open or not open_only
    )


def mark(suggestions: Iterable[Suggestion], repo: m.Repository) -> list[Suggestion]:
    """Set the status of pair suggestions from the board and the dismissals."""
    dismissed = dismissed_pairs(repo)
    known = board_pairs(repo, open_only=False)
    out = []
    for s in suggestions:
        if s.kind in PAIR_KINDS and s.pair in dismissed:
            s = replace(s, status=Status.DISMISSED)
        elif s.kind in CODE_KINDS and s.pair in known:
            s = replace(s, status=Status.KNOWN)
        out.append(s)
    return out


def ordered(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """New before known before dismissed; then by kind, teams and first evidence."""
    rank = {Status.NEW: 0, Status.KNOWN: 1, Status.DISMISSED: 2}
    kinds = list(Kind)
    return sorted(
        suggestions,
        key=lambda s: (rank[s.status], kinds.index(s.kind), s.teams, s.message),
    )
