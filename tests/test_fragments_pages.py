"""The pieces of the minutes and briefings built in Python (`sosgen.fragments`) are byte
for byte what the Jinja loops they replace made, and the packaged `macros.html` is run
once for the pages that share a `link`, an overriding one for every page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from conftest import Repo

from sosgen.links import Links
from sosgen.model import Repository
from sosgen.render import Renderer, environment
from sosgen.repo import load_repository
from sosgen.views.briefing import Rotation
from sosgen.views.minutes import TeamSection

TOC = """\
<ul>{% for s in sections %}<li><a href="#{{ prefix }}team-{{ s.team.id }}">{{ s.team.name }}\
</a>{% if s.missing %} (missing){% endif %}</li>{% endfor %}</ul>
"""

SECTIONS = """\
{% for s in sections %}
{{ link.section(s, prefix, heading) }}
{% endfor %}
"""

ROTATION = """\
{% for r in rows %}
<tr><th scope="row">{{ link.team(r.team) }}</th><td>{{ link.person(r.person) }}</td>\
<td>{{ r.sprints | round(1) }}{% if r.over_limit %} <span class="badge level-amber">\
Past the limit</span>{% endif %}</td></tr>
{% endfor %}
"""


@pytest.fixture
def loaded(repo: Repo) -> Repository:
    found, _, _ = load_repository(repo.root)
    assert found.org is not None
    return found


def _env() -> jinja2.Environment:
    env = environment(None)
    env.autoescape = True  # as for the pages (a string template has no name to tell)
    return env


def test_team_list_and_sections_are_what_the_jinja_loops_made(loaded: Repository) -> None:
    org = loaded.org
    payments, checkout, identity = org.teams
    update = loaded.meetings[0].updates["payments"]
    odd = replace(identity, id='a&b"<c>', name="R&D <'x'>")
    sections = (
        TeamSection(payments, update, True, "alice"),
        TeamSection(payments, update, True, "bob"),  # the rotation names someone else
        TeamSection(checkout, None, True, "bob"),  # missing
        TeamSection(odd, None, True, None),  # missing, no one scheduled
        TeamSection(checkout, None, False, "bob"),  # not expected
    )
    env = _env()
    for root in ("", "../"):
        link = Links(root, org)
        for prefix, heading in (("", "h2"), ("latest-", "h3"), ('"<&', "h3")):
            context = {"sections": sections, "prefix": prefix, "heading": heading, "link": link}
            assert f"<ul>{link.toc(sections, prefix)}</ul>\n" == env.from_string(TOC).render(
                context
            )
            assert link.sections(sections, prefix, heading) == env.from_string(SECTIONS).render(
                context
            )
            assert link.sections((), prefix, heading) == ""


def test_the_ambassadors_table_is_what_the_jinja_loop_made(loaded: Repository) -> None:
    rows = (
        Rotation("payments", "alice", 1.25, False),
        Rotation("checkout", "bob", 2.35, True),
        Rotation("identity", "erin", 0.0, False),
        Rotation("gone", "<nobody>", 1 / 3, False),  # not a team or person of the org
        Rotation("payments", "alice", 3, True),
    )
    link = Links("../", loaded.org)
    expected = _env().from_string(ROTATION).render(rows=rows, link=link)
    assert link.rotation_rows(rows) == expected
    assert link.rotation_rows(()) == ""


def test_pages_with_the_same_link_share_the_packaged_macros(loaded: Repository) -> None:
    env = environment(None)
    macros = env.get_template("macros.html")
    one, two = Links("", loaded.org), Links("../", loaded.org)
    first = macros.make_module({"link": one, "view": 1}, True, {})
    assert macros.make_module({"link": one, "view": 2}, True, {}) is first
    other = macros.make_module({"link": two, "view": 1}, True, {})
    assert other is not first
    assert str(other.action_row).startswith("<Macro")  # a module like any other
    page = env.from_string('{% import "macros.html" as ui with context %}{{ ui.legend() }}')
    assert "At risk" in page.render(link=one)


def test_an_overriding_macros_html_is_run_for_every_page(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/macros.html").write_text(
        "{% macro who() %}{{ view }}{% endmacro %}", "utf-8"
    )
    (tmp_path / "templates/page.html").write_text(
        '{% import "macros.html" as ui with context %}{{ ui.who() }}', "utf-8"
    )
    renderer = Renderer(tmp_path)
    assert renderer.render("page.html", {"view": "one"}) == "one"
    assert renderer.render("page.html", {"view": "two"}) == "two"
