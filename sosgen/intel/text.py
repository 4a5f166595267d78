"""Signals read from the updates' text: pure functions of the repository model.

- undeclared mentions: an item names another team (id, name, alias, or the name of a
  code path the team owns) that its `for`/`needs` does not declare and that no open
  dependency between the two teams covers;
- restated blockers: the same blocker, word for word, in a team's third update in a row;
- silent providers: a team waits on another through an open dependency, and the
  provider never puts it in its own `next`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from sosgen import model as m
from sosgen.identity import ByObject
from sosgen.intel.suggestion import (
    Evidence,
    Kind,
    Suggestion,
    mark,
    possessive,
)
from sosgen.mentions import Mention, MentionFinder

RESTATED_AFTER = 3  # the third update in a row with the same blocker is a suggestion
SILENT_AFTER = 2  # provider updates since a dependency was raised before silence counts

# Path segments too generic to name a team's code in free text.
GENERIC_SEGMENTS = frozenset(
    [
        "api",
        "apis",
        "app",
        "apps",
        "cmd",
        "common",
        "core",
        "doc",
        "docs",
        "internal",
        "lib",
        "libs",
        "main",
        "pkg",
        "server",
        "servers",
        "service",
        "services",
        "shared",
        "src",
        "test",
        "tests",
        "tools",
        "util",
        "utils",
        "web",
    ]
)
_GLOB_CHARS = re.compile(r"[*?\[\]]")
QUESTION_WORDS = {
    "completed": "completed item",
    "next": "next item",
    "blockers": "blocker",
    "heads_up": "heads-up",
}


@dataclass(frozen=True, slots=True)
class _Terms:
    finder: MentionFinder
    owned: dict[str, str]  # folded owned-path name -> the glob it comes from

    def mentions(self, update: m.Update) -> tuple[tuple[m.Item, list[Mention]], ...]:
        """The update's items that name a team, with the words that do."""
        items = update.items()
        if not self.finder.may_name("\n".join(item.text for item in items)):
            return ()  # most updates name no team in their text
        found = ((item, self.finder.find(item.text)) for item in items)
        return tuple((item, mentions) for item, mentions in found if mentions)


def owned_names(team: m.Team) -> dict[str, str]:
    """Names of the code a team owns, from its `owns` globs: the last plain path
    segment (`libs/money/**` -> `money`; `token-service` also as `token service`),
    skipping generic and very short ones."""
    names: dict[str, str] = {}
    for glob in team.owns:
        segments = [s for s in glob.strip("/").split("/") if s and not _GLOB_CHARS.search(s)]
        if not segments:
            continue
        name = segments[-1].lstrip(".").casefold()
        if len(name) >= 3 and name not in GENERIC_SEGMENTS:
            names.setdefault(name, glob)
            names.setdefault(re.sub(r"[-_]+", " ", name), glob)  # token-service: token service
    return names


def _terms(teams: tuple[m.Team, ...]) -> _Terms:
    taken = {_fold(w) for t in teams for w in (t.id, t.name, *t.aliases)}
    owned: dict[str, str] = {}
    extended = []
    for team in teams:
        extra = {n: g for n, g in owned_names(team).items() if n not in taken and n not in owned}
        owned.update(extra)
        extended.append(replace(team, aliases=(*team.aliases, *extra)))
    return _Terms(MentionFinder(extended), owned)


def _fold(word: str) -> str:
    return " ".join(word.casefold().split())


def _team_name(org: m.Org, team_id: str) -> str:
    team = org.team(team_id)
    return team.name if team else team_id


def _said(repo: m.Repository) -> Iterator[tuple[m.Meeting, m.Update]]:
    for meeting in repo.meetings:
        for team in sorted(meeting.updates):
            yield meeting, meeting.updates[team]


_MENTIONS: ByObject[m.Update, tuple[tuple[m.Item, list[Mention]], ...]] = ByObject()


def undeclared_mentions(repo: m.Repository) -> list[Suggestion]:
    """One suggestion per pair of teams, with every mention as evidence."""
    org = repo.org
    if org is None:
        return []
    terms = _terms(org.teams)
    deps = {d.id: d for d in repo.dependencies}
    found: dict[frozenset[str], list[tuple[str, str, str, str, Evidence]]] = {}
    covering: dict[dt.date, frozenset[frozenset[str]]] = {}
    # The words that name teams are all in the teams (teams.yaml): an unchanged
    # update's mentions are the ones found last time while the teams are equal.
    _MENTIONS.begin(org.teams)
    for meeting, update in _said(repo):
        for item, mentions in _MENTIONS.get(update, (), terms.mentions):
            covered = {update.team, *item.teams}
            dep = deps.get(item.dependency)
            if dep is not None:
                covered |= {dep.team, dep.depends_on}
            for mention in mentions:
                other = mention.team
                if other in covered:
                    continue
                if meeting.date not in covering:
                    covering[meeting.date] = open_pairs(repo, meeting.date)
                if frozenset((update.team, other)) in covering[meeting.date]:
                    continue
                pos = item.at("text")
                evidence = Evidence(
                    text=mention.term,
                    path=pos.path,
                    line=pos.line,
                    column=pos.column,
                    date=meeting.date,
                    context=item.text,
                    team=other,
                )
                pair = frozenset((update.team, other))
                glob = terms.owned.get(_fold(mention.term), "")
                found.setdefault(pair, []).append(
                    (update.team, other, item.question, glob, evidence)
                )
    out = []
    for hits in found.values():
        team, other, question, glob, first = hits[0]
        what = f'"{first.text}"' if not glob else f'"{first.text}", its code under {glob}'
        n = len(hits) - 1
        more = f" (and {n} more {'mention' if n == 1 else 'mentions'})" if n else ""
        message = (
            f"{possessive(_team_name(org, team))} {QUESTION_WORDS[question]} names "
            f"{_team_name(org, other)} ({what}){more}, but does not list it in `for`/`needs`"
        )
        out.append(Suggestion(Kind.MENTION, (team, other), message, tuple(h[4] for h in hits)))
    return mark(out, repo)


def open_pairs(repo: m.Repository, day: dt.date) -> frozenset[frozenset[str]]:
    """Team pairs with a dependency open on `day`: raised by then, and not delivered
    before it (delivered that very day still counts: the item may be about it)."""
    return frozenset(
        frozenset((d.team, d.depends_on))
        for d in repo.dependencies
        if d.raised <= day and d.status != "dropped" and (d.delivered is None or d.delivered >= day)
    )


def _same(text: str) -> str:
    return " ".join(text.casefold().split())


def restated_blockers(repo: m.Repository, *, times: int = RESTATED_AFTER) -> list[Suggestion]:
    """A blocker with the same words and `needs` in `times` or more of a team's
    updates in a row (a meeting the team skipped does not break the run)."""
    org = repo.org
    if org is None:
        return []
    Key = tuple[str, str, tuple[str, ...]]  # team, folded text, needs
    runs: dict[Key, list[tuple[m.Meeting, m.Item]]] = {}
    finished: list[tuple[Key, list[tuple[m.Meeting, m.Item]]]] = []
    for meeting, update in _said(repo):
        now = {(update.team, _same(b.text), b.teams): b for b in update.blockers}
        for key in [k for k in runs if k[0] == update.team and k not in now]:
            finished.append((key, runs.pop(key)))
        for key, item in now.items():
            runs.setdefault(key, []).append((meeting, item))
    finished.extend(runs.items())
    out = []
    for (team, _, _), run in finished:
        if len(run) < times:
            continue
        item = run[0][1]
        dates = ", ".join(str(mt.date) for mt, _ in run)
        needs = ", ".join(_team_name(org, t) for t in item.teams) or "no team"
        dep = f" ({item.dependency})" if item.dependency else ""
        message = (
            f"{_team_name(org, team)} has restated the same blocker on {needs}{dep} in "
            f"{len(run)} updates in a row ({dates}): a decision is needed, not another "
            "restatement"
        )
        evidence = tuple(
            Evidence(
                text=it.text,
                path=it.at("text").path,
                line=it.at("text").line,
                column=it.at("text").column,
                date=mt.date,
            )
            for mt, it in run
        )
        out.append(Suggestion(Kind.RESTATED, (team, *item.teams), message, evidence))
    return out


def silent_providers(repo: m.Repository, *, after: int = SILENT_AFTER) -> list[Suggestion]:
    """An open dependency whose provider filed `after` or more updates since it was
    raised, none with a `next` (or `completed`) item citing it, by `dependency:` or
    its id in the text. A heads-up or blocker about it is not a plan to deliver it."""
    org = repo.org
    if org is None:
        return []
    out = []
    for dep in repo.dependencies:
        if not dep.is_open:
            continue
        updates = [
            mt.updates[dep.depends_on]
            for mt in repo.meetings
            if mt.date >= dep.raised and dep.depends_on in mt.updates
        ]
        if len(updates) < after or any(
            _cites(item, dep) for u in updates for item in (*u.next, *u.completed)
        ):
            continue
        provider, waiter = _team_name(org, dep.depends_on), _team_name(org, dep.team)
        message = (
            f"{waiter} waits on {provider} for {dep.id} ({dep.what}), but {provider} has not "
            f"put it in its `next` in {len(updates)} updates since it was raised on {dep.raised}"
        )
        evidence = tuple(
            Evidence(
                text="next: " + ("; ".join(i.text for i in u.next) if u.next else "none"),
                path=u.at("next").path,
                line=u.at("next").line,
                column=u.at("next").column,
                date=u.meeting,
            )
            for u in updates
        )
        out.append(Suggestion(Kind.SILENT, (dep.team, dep.depends_on), message, evidence))
    return out


def _cites(item: m.Item, dep: m.Dependency) -> bool:
    return (
        item.dependency == dep.id or re.search(rf"\b{re.escape(dep.id)}\b", item.text) is not None
    )
