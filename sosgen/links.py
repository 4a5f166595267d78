"""Links between the pages, as ready HTML: the pieces every page repeats thousands of
times (a team's name linking to its page, a person's name), made once per build.

Every URL is relative (`root` leads back to the site's top folder), so the site works
from any folder of any host, and from the disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape

from sosgen import fragments
from sosgen import model as m


def meeting_path(day: dt.date) -> str:
    return f"meetings/{day.isoformat()}.html"


def team_path(team: str) -> str:
    return f"teams/{team}.html"


class Links:
    """`link.team("payments")` -> `<a href="../teams/payments.html">Payments</a>`."""

    def __init__(self, root: str, org: m.Org) -> None:
        self.root = root
        self._team_names: Mapping[str, str] = {t.id: t.name for t in org.teams}
        self._people: Mapping[str, str] = {p.id: p.name for p in org.people.values()}
        self._teams: dict[str, Markup] = {}
        self._persons: dict[str, Markup] = {}
        self._team_lists: dict[tuple[str, ...], Markup] = {}
        self._deps: dict[str, Markup] = {}
        self._actions: dict[str, Markup] = {}
        self._meetings: dict[tuple[dt.date, str], Markup] = {}

    def url(self, path: str) -> str:
        return self.root + path

    def team(self, team: str) -> Markup:
        found = self._teams.get(team)
        if found is None:
            name = self._team_names.get(team)
            if name is None:
                found = escape(team)
            else:
                found = Markup('<a href="{}">{}</a>').format(self.url(team_path(team)), name)
            self._teams[team] = found
        return found

    def teams(self, teams: Iterable[str]) -> Markup:
        key = tuple(teams)
        found = self._team_lists.get(key)
        if found is None:
            found = self._team_lists[key] = Markup(", ").join(self.team(t) for t in key)
        return found

    def person(self, person: str) -> Markup:
        found = self._persons.get(person)
        if found is None:
            name = self._people.get(person, person)
            found = self._persons[person] = Markup('<span class="person">{}</span>').format(name)
        return found

    def people(self, people: Iterable[str]) -> Markup:
        return Markup(", ").join(self.person(p) for p in people)

    def dep(self, dep: str) -> Markup:
        found = self._deps.get(dep)
        if found is None:
            found = Markup('<a href="{}board.html#{}">{}</a>').format(self.root, dep, dep)
            self._deps[dep] = found
        return found

    def action(self, action: str) -> Markup:
        found = self._actions.get(action)
        if found is None:
            found = Markup('<a href="{}actions.html#{}">{}</a>').format(self.root, action, action)
            self._actions[action] = found
        return found

    def answers(self, update: m.Update) -> Markup:
        """An update's four answers (see `sosgen.fragments`)."""
        return fragments.answers(update, self)

    def section(self, s: fragments.Section, prefix: str, heading: str = "h3") -> Markup:
        """A team's section of the minutes (see `sosgen.fragments`)."""
        return fragments.section(s, prefix, heading, self)

    def sections(
        self, sections: Iterable[fragments.Section], prefix: str, heading: str = "h3"
    ) -> Markup:
        """Every team's section of the minutes, one a line (see `sosgen.fragments`)."""
        return fragments.sections(sections, prefix, heading, self)

    def toc(self, sections: Iterable[fragments.Section], prefix: str) -> Markup:
        """The minutes' list of teams, linking to their sections (see `sosgen.fragments`)."""
        return fragments.toc(sections, prefix)

    def update_rows(self, rows: Iterable[fragments.Row], team: str) -> Markup:
        """The rows of a team page's table of every update (see `sosgen.fragments`)."""
        return fragments.update_rows(rows, team, self)

    def rotation_rows(self, rows: Iterable[fragments.Ambassador]) -> Markup:
        """The rows of a briefing's table of the ambassadors now (see `sosgen.fragments`)."""
        return fragments.rotation_rows(rows, self)

    def meeting(self, day: dt.date, text: str = "") -> Markup:
        found = self._meetings.get((day, text))
        if found is None:
            label = text or f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"
            found = Markup('<a href="{}">{}</a>').format(self.url(meeting_path(day)), label)
            self._meetings[day, text] = found
        return found
