"""Dependencies from code history: pure counting over changes already read by `gitlog`.

Two teams whose code changes together in the same pull requests often depend on each
other. The measure is Code Maat's sum-of-coupling "degree": for teams A and B,

    coupling = shared changes / average(changes of A, changes of B)

and a pair is suggested when each team has at least `min_changes` changes, they
share at least `min_shared`, and the coupling is at least `min_coupling` percent
(Code Maat's defaults: 5, 5 and 30%). Changes touching more than `max_files` files
(mass renames, formatting, dependency bumps) are left out, as Code Maat does.

A change to a contract file (`*.proto`, `openapi.*`, `*.graphql`, `schema.*`) owned by
one team, made by another, is flagged too: someone else changed your interface.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from sosgen import model as m
from sosgen.intel.gitlog import Change
from sosgen.intel.owners import Ownership
from sosgen.intel.suggestion import Evidence, Kind, Suggestion, mark, possessive

CONTRACT_PATTERNS = ("*.proto", "openapi.*", "*.graphql", "schema.*")


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_changes: int = 5  # changes of each team
    min_shared: int = 5  # changes the two share
    min_coupling: int = 30  # percent
    max_files: int = 30  # larger changes are skipped


@dataclass(frozen=True, slots=True)
class TeamChange:
    """A change seen as teams: which teams' files it touched."""

    change: Change
    teams: frozenset[str]
    files: Mapping[str, tuple[str, ...]]  # team -> its files in the change


@dataclass(frozen=True, slots=True)
class Pair:
    teams: tuple[str, str]  # sorted
    shared: int
    changes: tuple[int, int]  # each team's number of changes
    commits: tuple[str, ...]  # the shared changes, oldest first

    @property
    def coupling(self) -> int:
        """Shared changes as a whole percentage of the two teams' average (rounded down)."""
        return self.shared * 200 // sum(self.changes)

    def passes(self, t: Thresholds) -> bool:
        return (
            min(self.changes) >= t.min_changes
            and self.shared >= t.min_shared
            and self.shared * 200 >= t.min_coupling * sum(self.changes)
        )


@dataclass(frozen=True, slots=True)
class Attributed:
    changes: tuple[TeamChange, ...]
    skipped: int  # changes over max_files
    unowned: int  # changes touching no team's files


def attribute(changes: Iterable[Change], ownership: Ownership, *, max_files: int) -> Attributed:
    kept, skipped, unowned = [], 0, 0
    for change in changes:
        if len(change.files) > max_files:
            skipped += 1
            continue
        files: dict[str, list[str]] = {}
        for path in change.files:
            for team in sorted(ownership.teams_of(path)):
                files.setdefault(team, []).append(path)
        if not files:
            unowned += 1
            continue
        kept.append(
            TeamChange(change, frozenset(files), {t: tuple(f) for t, f in sorted(files.items())})
        )
    return Attributed(tuple(kept), skipped, unowned)


def count_pairs(changes: Sequence[TeamChange]) -> list[Pair]:
    """Every pair of teams that share at least one change, with its counts."""
    per_team: dict[str, int] = {}
    shared: dict[tuple[str, str], list[str]] = {}
    for tc in changes:
        for team in tc.teams:
            per_team[team] = per_team.get(team, 0) + 1
        for a, b in combinations(sorted(tc.teams), 2):
            shared.setdefault((a, b), []).append(tc.change.commit)
    return [
        Pair((a, b), len(commits), (per_team[a], per_team[b]), tuple(commits))
        for (a, b), commits in sorted(shared.items())
    ]


def coupled_pairs(changes: Sequence[TeamChange], thresholds: Thresholds) -> list[Pair]:
    """The pairs above every threshold, strongest coupling first."""
    found = [p for p in count_pairs(changes) if p.passes(thresholds)]
    return sorted(found, key=lambda p: (-p.coupling, -p.shared, p.teams))


def is_contract(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in CONTRACT_PATTERNS)


@dataclass(frozen=True, slots=True)
class ContractHit:
    changer: str  # the team that made the change
    owner: str  # the team that owns the contract file
    change: Change
    path: str


def author_teams(change: Change, org: m.Org) -> frozenset[str]:
    """The teams of the change's author, if the author is a known person: by email,
    by a GitHub no-reply address (`123+handle@users.noreply.github.com`), or by name."""
    email = change.author_email.casefold()
    handle = ""
    if email.endswith("@users.noreply.github.com"):
        handle = email.split("@", 1)[0].split("+")[-1]
    people = {
        p.id
        for p in org.people.values()
        if (p.email and p.email.casefold() == email)
        or (handle and p.github.casefold() == handle)
        or p.name.casefold() == change.author_name.casefold()
    }
    return frozenset(t.id for t in org.teams if people.intersection(t.members))


def contract_hits(changes: Sequence[TeamChange], org: m.Org) -> list[ContractHit]:
    """Contract files changed by a team that does not own them. The changing team is
    the author's team when the author is a known person, else the teams owning the
    change's other files."""
    hits: list[ContractHit] = []
    for tc in changes:
        authors = author_teams(tc.change, org)
        for owner, paths in tc.files.items():
            for path in (p for p in paths if is_contract(p)):
                changers = authors or (tc.teams - {owner})
                hits.extend(
                    ContractHit(changer, owner, tc.change, path)
                    for changer in sorted(changers - {owner})
                )
    return hits


def _name(org: m.Org, team_id: str) -> str:
    team = org.team(team_id)
    return team.name if team else team_id


def _commit_evidence(change: Change, path: str = "") -> Evidence:
    return Evidence(text=change.summary, path=path, date=change.date, commit=change.commit)


def code_suggestions(
    repo: m.Repository,
    changes: Sequence[Change],
    ownership: Ownership,
    thresholds: Thresholds = Thresholds(),
) -> list[Suggestion]:
    """Co-change pairs above the thresholds and contract changes, marked known or
    dismissed against the board."""
    org = repo.org
    if org is None:
        return []
    attributed = attribute(changes, ownership, max_files=thresholds.max_files)
    by_commit = {tc.change.commit: tc.change for tc in attributed.changes}
    found: list[Suggestion] = []
    for pair in coupled_pairs(attributed.changes, thresholds):
        a, b = pair.teams
        evidence = tuple(_commit_evidence(by_commit[c]) for c in pair.commits)
        found.append(
            Suggestion(
                Kind.COCHANGE,
                pair.teams,
                (
                    f"{_name(org, a)} and {_name(org, b)} changed together in {pair.shared} "
                    f"changes (coupling {pair.coupling}%: {_name(org, a)} {pair.changes[0]} "
                    f"changes, {_name(org, b)} {pair.changes[1]})"
                ),
                evidence,
                support=pair.shared,
                coupling=pair.coupling,
                changes=pair.changes,
            )
        )
    grouped: dict[tuple[str, str], list[ContractHit]] = {}
    for hit in contract_hits(attributed.changes, org):
        grouped.setdefault((hit.changer, hit.owner), []).append(hit)
    for (changer, owner), hits in sorted(grouped.items()):
        paths = sorted({h.path for h in hits})
        n = len({h.change.commit for h in hits})
        found.append(
            Suggestion(
                Kind.CONTRACT,
                (changer, owner),
                (
                    f"{_name(org, changer)} changed {possessive(_name(org, owner))} contract "
                    f"{'file' if len(paths) == 1 else 'files'} {', '.join(paths)} in {n} "
                    f"{'change' if n == 1 else 'changes'}"
                ),
                tuple(_commit_evidence(h.change, h.path) for h in hits),
            )
        )
    return mark(found, repo)
