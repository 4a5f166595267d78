"""HTML fragments built in Python because the pages repeat them thousands of times:
an update's four answers, a team's section of the minutes, and the rows of a team
page's table of every update. Measured: the same
markup through Jinja macros was most of the time of a 450-meeting build (a macro
call costs about 0.1 ms, and the minutes make 20 sections a page). `macros.html`
calls the first as `link.answers(update)`, and a data repository can still override
its `update_body` macro with plain Jinja; `minutes_body.html` calls the second as
`link.section(s, prefix, heading)`: override `minutes_body.html` to change it;
`team.html` calls the third as `link.update_rows(view.updates, team)` (20 teams with
450 meetings: 9,000 rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from markupsafe import Markup, escape

from sosgen import model as m
from sosgen.markdown import inline

QUESTIONS = (
    ("completed", "1. Completed, affecting other teams"),
    ("next", "2. Next, affecting other teams"),
    ("blockers", "3. Blockers: help needed from another team"),
    ("heads_up", "4. Heads-up: about to block another team"),
)


class Linker(Protocol):
    """What a fragment needs from `sosgen.links.Links`."""

    root: str

    def teams(self, teams: tuple[str, ...]) -> Markup: ...

    def dep(self, dep: str) -> Markup: ...

    def person(self, person: str) -> Markup: ...


class Section(Protocol):
    """What `section` reads of `sosgen.views.minutes.TeamSection`."""

    @property
    def team(self) -> m.Team: ...

    @property
    def update(self) -> m.Update | None: ...

    @property
    def scheduled(self) -> str | None: ...

    @property
    def missing(self) -> bool: ...


def section(s: Section, prefix: str, heading: str, link: Linker) -> Markup:
    """A team's `<section>` of the minutes: its name (a permalink), the ambassador, and
    its answers or the missing update."""
    anchor = escape(f"{prefix}team-{s.team.id}")
    name = escape(s.team.name)
    level = escape(heading)
    out = [
        f'<section class="team-update{" missing" if s.missing else ""}" id="{anchor}" '
        f'aria-labelledby="{anchor}-h">\n'
        f'<{level} id="{anchor}-h"><a class="permalink" href="#{anchor}">{name}</a></{level}>\n'
    ]
    update = s.update
    if update is not None:
        out.append(f'<p class="meta">Ambassador {link.person(update.ambassador)}')
        if s.scheduled and s.scheduled != update.ambassador:
            out.append(f" (the rotation names {link.person(s.scheduled)})")
        team_page = escape(f"{link.root}teams/{s.team.id}.html")
        out.append(f' · <a href="{team_page}">team page</a></p>\n{answers(update, link)}\n')
    else:
        out.append(f'<p class="warn">No update: {name} sent nothing for this meeting')
        if s.scheduled:
            out.append(f" (ambassador {link.person(s.scheduled)})")
        out.append(".</p>\n")
    out.append("</section>")
    return Markup("".join(out))


class Row(Protocol):
    """What `update_rows` reads of `sosgen.views.teams.UpdateRow`."""

    @property
    def date(self) -> dt.date: ...

    @property
    def update(self) -> m.Update | None: ...

    @property
    def counts(self) -> tuple[int, int, int, int]: ...


def update_rows(rows: Iterable[Row], team: str, link: Linker) -> Markup:
    """A `<tr>` a meeting, newest first, one a line: the date linking to the team's
    section of the minutes, then the ambassador and the number of items of each
    answer, or `missing`."""
    anchor = escape(team)
    root = escape(link.root)
    out = []
    for row in rows:
        day = row.date.isoformat()
        update = row.update
        head = f'<th scope="row"><a href="{root}meetings/{day}.html#team-{anchor}">{day}</a></th>\n'
        if update:
            a, b, c, d = row.counts
            person = link.person(update.ambassador)
            out.append(
                f"<tr>\n{head}<td>{person}</td><td>{a}</td><td>{b}</td><td>{c}</td><td>{d}</td>"
                "</tr>"
            )
        else:
            out.append(
                f'<tr class="missing">\n{head}<td colspan="5" class="warn">missing</td>\n</tr>'
            )
    return Markup("\n".join(out))


def answers(update: m.Update, link: Linker) -> Markup:
    """`<dl class="answers">`: each question, its items (Markdown), whom they concern."""
    out = ['<dl class="answers">\n']
    for key, label in QUESTIONS:
        out.append(f"<dt>{label}</dt>\n<dd>\n")
        items = update.answer(key)
        if not items:
            out.append('<span class="none">None</span>\n</dd>\n')
            continue
        out.append("<ul>\n")
        word = " needs " if key == "blockers" else " for "
        for item in items:
            out.append(f"<li>{inline(item.text)}\n")
            if item.teams or item.dependency:
                out.append('<span class="meta">')
                if item.teams:
                    out.append(f"{word}{link.teams(item.teams)}")
                if item.dependency:
                    out.append(f" · {link.dep(item.dependency)}")
                out.append("</span>\n")
            out.append("</li>\n")
        out.append("</ul>\n</dd>\n")
    out.append("</dl>")
    return Markup("".join(out))
