"""Who owns a file: the teams' `owns` globs, or a product repository's CODEOWNERS.

Both use CODEOWNERS' pattern rules (gitignore-style, as GitHub documents them) and
its precedence: the last matching pattern wins.

- `*.js` (no slash) matches at any depth; `/docs/` or `apps/api/` (a slash before
  the end) is anchored at the root;
- `*` and `?` stay within one path segment, `**` crosses segments;
- a pattern names a file or a folder; a folder covers everything under it, but
  `docs/*` covers only the files directly in `docs/`;
- `!negation` and `[ranges]` are not supported by CODEOWNERS: such lines are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from sosgen import model as m

CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """The regular expression for one CODEOWNERS-style pattern over POSIX paths."""
    folder = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    out = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    last = body.rsplit("/", 1)[-1]
    if folder:
        tail = "/.*"
    elif "*" in last.replace("**", "") or "?" in last:
        tail = ""  # `docs/*`, `*.js`: the files matched, not what is under them
    else:
        tail = "(?:/.*)?"
    head = "" if anchored else "(?:.*/)?"
    return re.compile(f"{head}{''.join(out)}{tail}\\Z", re.DOTALL)


def matches(pattern: str, path: str) -> bool:
    return glob_regex(pattern).match(path) is not None


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: str
    teams: frozenset[str]  # empty: the pattern explicitly has no owner
    line: int = 0


@dataclass(frozen=True, slots=True)
class Ownership:
    """Ordered rules; the last one matching a path decides its teams."""

    rules: tuple[Rule, ...]
    source: str  # "owns" or the CODEOWNERS path

    def teams_of(self, path: str) -> frozenset[str]:
        for rule in reversed(self.rules):
            if matches(rule.pattern, path):
                return rule.teams
        return frozenset()


def from_owns(teams: Iterable[m.Team]) -> Ownership:
    """The teams' `owns` globs, in teams.yaml order (a later team's glob wins)."""
    rules = tuple(Rule(glob, frozenset({t.id})) for t in teams for glob in t.owns)
    return Ownership(rules, "owns")


def owner_map(org: m.Org) -> dict[str, frozenset[str]]:
    """CODEOWNERS owners (`@org/team`, `@user`, `user@example.com`) -> team ids, folded:
    a team's `github_team`, `@<any-org>/<team id>`, or a member's GitHub handle or email."""
    owners: dict[str, set[str]] = {}
    for team in org.teams:
        if team.github_team:
            owners.setdefault(team.github_team.casefold(), set()).add(team.id)
        for person_id in team.members:
            person = org.people.get(person_id)
            if person is None:
                continue
            if person.github:
                owners.setdefault(f"@{person.github}".casefold(), set()).add(team.id)
            if person.email:
                owners.setdefault(person.email.casefold(), set()).add(team.id)
    return {k: frozenset(v) for k, v in owners.items()}


def _owner_teams(owner: str, known: Mapping[str, frozenset[str]], ids: set[str]) -> set[str]:
    folded = owner.casefold()
    if folded in known:
        return set(known[folded])
    if folded.startswith("@") and "/" in folded and folded.rsplit("/", 1)[1] in ids:
        return {folded.rsplit("/", 1)[1]}
    return set()


def parse_codeowners(text: str, org: m.Org, *, source: str = "CODEOWNERS") -> Ownership:
    """The rules of a CODEOWNERS file, owners mapped to team ids. Owners that are no
    team, member or `github_team` are left out; a line whose owners are all unknown
    still counts (it takes the files away from earlier rules)."""
    known = owner_map(org)
    ids = {t.id for t in org.teams}
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        pattern, *owners = line.split()
        if pattern.startswith("!") or "[" in pattern or pattern.startswith("\\"):
            continue
        teams: set[str] = set()
        for owner in owners:
            teams |= _owner_teams(owner, known, ids)
        rules.append(Rule(pattern, frozenset(teams), number))
    return Ownership(tuple(rules), source)
