"""HTML fragments built in Python because the pages repeat them thousands of times:
an update's four answers, a team's section of the minutes, and the rows of a team
page's table of every update. Measured: the same
markup through Jinja macros was most of the time of a 450-meeting build (a macro
call costs about 0.1 ms, and the minutes make 20 sections a page). `macros.html`
calls the first as `link.answers(update)`, and a data repository can still override
its `update_body` macro with plain Jinja; `minutes_body.html` calls the second as
`link.sections(sections, prefix, heading)` (all of a page's; `link.section` makes
one) and lists the teams with `link.toc(sections, prefix)`: override
`minutes_body.html` to change them; `team.html` calls the third as
`link.update_rows(view.updates, team)` (20 teams with 450 meetings: 9,000 rows).
A briefing's table of the ambassadors now, 20 rows a page in 450 pages, is
`link.rotation_rows(view.rotation)` (`briefing.html`): as a Jinja loop it was a
third of the time of a briefing.
"""

from __future__ import annotations

import datetime as dt
import functools
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
# (question, the markup that opens its answer, the word before the teams of an item)
_ANSWER_HEADS = tuple(
    (key, f"<dt>{label}</dt>\n<dd>\n", " needs " if key == "blockers" else " for ")
    for key, label in QUESTIONS
)


class Linker(Protocol):
    """What a fragment needs from `sosgen.links.Links`."""

    root: str

    def team(self, team: str) -> Markup: ...

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
    return Markup(_section(s, prefix, heading, link))


def sections(all_: Iterable[Section], prefix: str, heading: str, link: Linker) -> Markup:
    """Every team's `section`, each followed by a newline."""
    return Markup("".join([f"{_section(s, prefix, heading, link)}\n" for s in all_]))


def toc(all_: Iterable[Section], prefix: str) -> Markup:
    """The `<li>` of each team's section, linking to it, marking the missing ones."""
    out = []
    for s in all_:
        team = s.team
        anchor, name = _team_anchor(prefix, team.id, team.name)
        out.append(f'<li><a href="#{anchor}">{name}</a>{" (missing)" if s.missing else ""}</li>')
    return Markup("".join(out))


@functools.lru_cache(maxsize=1024)
def _team_anchor(prefix: str, team: str, name: str) -> tuple[str, str]:
    """A team section's id and the team's name, escaped: the same few for every page."""
    return str(escape(f"{prefix}team-{team}")), str(escape(name))


@functools.lru_cache(maxsize=1024)
def _section_head(
    prefix: str, heading: str, root: str, team: str, name: str, missing: bool
) -> tuple[str, str]:
    """A section's opening markup to its heading, and the URL of the team's page."""
    anchor, html_name = _team_anchor(prefix, team, name)
    level = escape(heading)
    head = (
        f'<section class="team-update{" missing" if missing else ""}" id="{anchor}" '
        f'aria-labelledby="{anchor}-h">\n'
        f'<{level} id="{anchor}-h"><a class="permalink" href="#{anchor}">{html_name}</a>'
        f"</{level}>\n"
    )
    return head, str(escape(f"{root}teams/{team}.html"))


def _section(s: Section, prefix: str, heading: str, link: Linker) -> str:
    team = s.team
    head, team_page = _section_head(prefix, heading, link.root, team.id, team.name, s.missing)
    update = s.update
    scheduled = s.scheduled
    if update is not None:
        ambassador = update.ambassador
        named = (
            f" (the rotation names {link.person(scheduled)})"
            if scheduled and scheduled != ambassador
            else ""
        )
        return (
            f'{head}<p class="meta">Ambassador {link.person(ambassador)}{named} · '
            f'<a href="{team_page}">team page</a></p>\n{_answers(update, link)}\n</section>'
        )
    _, name = _team_anchor(prefix, team.id, team.name)
    expected = f" (ambassador {link.person(scheduled)})" if scheduled else ""
    return (
        f'{head}<p class="warn">No update: {name} sent nothing for this meeting{expected}.</p>\n'
        "</section>"
    )


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


class Ambassador(Protocol):
    """What `rotation_rows` reads of `sosgen.views.briefing.Rotation`."""

    @property
    def team(self) -> str: ...

    @property
    def person(self) -> str: ...

    @property
    def sprints(self) -> float: ...

    @property
    def over_limit(self) -> bool: ...


def rotation_rows(rows: Iterable[Ambassador], link: Linker) -> Markup:
    """A `<tr>` a team, each followed by a newline: the team, its ambassador now, and
    the sprints served, rounded as Jinja's `round(1)`, flagged past the limit."""
    out = []
    for r in rows:
        past = ' <span class="badge level-amber">Past the limit</span>' if r.over_limit else ""
        out.append(
            f'<tr><th scope="row">{link.team(r.team)}</th><td>{link.person(r.person)}</td>'
            f"<td>{round(r.sprints, 1)}{past}</td></tr>\n"
        )
    return Markup("".join(out))


def answers(update: m.Update, link: Linker) -> Markup:
    """`<dl class="answers">`: each question, its items (Markdown), whom they concern."""
    return Markup(_answers(update, link))


def _answers(update: m.Update, link: Linker) -> str:
    out = ['<dl class="answers">\n']
    for key, head, word in _ANSWER_HEADS:
        items = update.answer(key)
        if not items:
            out.append(f'{head}<span class="none">None</span>\n</dd>\n')
            continue
        out.append(f"{head}<ul>\n")
        for item in items:
            text = inline(item.text)
            if item.teams or item.dependency:
                meta = f"{word}{link.teams(item.teams)}" if item.teams else ""
                if item.dependency:
                    meta = f"{meta} · {link.dep(item.dependency)}"
                out.append(f'<li>{text}\n<span class="meta">{meta}</span>\n</li>\n')
            else:
                out.append(f"<li>{text}\n</li>\n")
        out.append("</ul>\n</dd>\n")
    out.append("</dl>")
    return "".join(out)
