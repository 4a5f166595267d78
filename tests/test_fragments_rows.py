"""A team page's table of every update, built in Python (`fragments.update_rows`),
is byte for byte what the Jinja loop it replaces made."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from conftest import DAY

from sosgen.links import Links
from sosgen.render import environment
from sosgen.repo import load_repository
from sosgen.views.teams import UpdateRow

LOOP = """\
{% for row in view.updates %}
<tr{% if not row.update %} class="missing"{% endif %}>
<th scope="row"><a href="../meetings/{{ row.date | date('iso') }}.html#team-{{ t.id }}">\
{{ row.date | date("iso") }}</a></th>
{% if row.update %}
<td>{{ link.person(row.update.ambassador) }}</td>{% for n in row.counts %}<td>{{ n }}</td>\
{% endfor %}
{% else %}
<td colspan="5" class="warn">missing</td>
{% endif %}
</tr>
{% endfor %}
"""


def test_update_rows_are_what_the_jinja_loop_made(repo) -> None:
    loaded, _, _ = load_repository(repo.root)
    assert loaded.org is not None
    team = loaded.org.teams[0]
    updates = [mt.updates[team.id] for mt in loaded.meetings if team.id in mt.updates]
    assert updates and str(updates[0].meeting) == DAY
    odd = replace(team, id='a&b"<c>')  # ids are checked; escaped anyway
    rows = (
        UpdateRow(dt.date(2024, 5, 1), None),
        *(UpdateRow(u.meeting, u) for u in updates),
        UpdateRow(dt.date(2023, 1, 2), None),
    )
    link = Links("../", loaded.org)
    env = environment(None)
    env.autoescape = True  # as for team.html (a string template has no name to tell)
    loop = env.from_string(LOOP)
    for t in (team, odd):
        view = type("View", (), {"updates": rows})
        expected = loop.render(view=view, t=t, link=link)
        assert link.update_rows(rows, t.id) + "\n" == expected
