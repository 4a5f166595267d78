"""The content of a sosgen repository as a Hugo or a MkDocs site, for side-by-side benchmarks.

    write_sites(repo, hugo=DIR)     # hugo.toml, content/, layouts/_default/*.html
    write_sites(repo, mkdocs=DIR)   # mkdocs.yml (default theme and its search), docs/

Both get the same Markdown pages: an index, one page per meeting with every team's
section, one page per team and the dependency table. They parse no YAML and draw no
graph at build time. Only files whose bytes change are written, so after
`synth.add_meeting` a second call touches the new meeting's page, the index and the
pages of the teams that spoke (what `hugo server` or `mkdocs build --dirty` sees).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth import DATE_DIR, read

Doc = dict[str, Any]
Link = Callable[[str, str], str]  # (from page, to page) -> href; pages are like "teams/web"

QUESTIONS = (
    ("completed", "Completed"),
    ("next", "Next"),
    ("blockers", "Blockers"),
    ("heads_up", "Heads-up"),
)


@dataclass(frozen=True)
class Repo:
    org: Doc
    dependencies: list[Doc]
    meetings: list[tuple[dt.date, Doc, dict[str, Doc]]]  # date, record, team -> update

    def team_name(self, ident: str) -> str:
        return next((t["name"] for t in self.org["teams"] if t["id"] == ident), ident)

    def person(self, ident: str) -> str:
        person = self.org["people"].get(ident)
        return str(person["name"]) if person else ident


def load(root: Path) -> Repo:
    org = read(root / "teams.yaml")
    deps = (read(root / "dependencies.yaml") or {}).get("dependencies") or []
    meetings = []
    for folder in sorted((root / "meetings").iterdir()):
        if not (folder.is_dir() and DATE_DIR.match(folder.name)):
            continue
        record_path = folder / "_meeting.yaml"
        record = read(record_path) if record_path.is_file() else {}
        updates = {
            t["id"]: read(folder / f"{t['id']}.yaml")
            for t in org["teams"]
            if (folder / f"{t['id']}.yaml").is_file()
        }
        meetings.append((dt.date.fromisoformat(folder.name), record or {}, updates))
    return Repo(org, deps, meetings)


# Markdown pages: (page, title) -> body, the body without the title heading.


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _teams(repo: Repo, ids: list[str], page: str, link: Link) -> str:
    return ", ".join(f"[{repo.team_name(t)}]({link(page, f'teams/{t}')})" for t in ids)


def _item(repo: Repo, item: Doc, page: str, link: Link) -> str:
    teams = item.get("for") or ([item["needs"]] if "needs" in item else [])
    label = "needs" if "needs" in item else "for"
    extra = f"{label} {_teams(repo, teams, page, link)}"
    if item.get("dependency"):
        extra += f"; [{item['dependency']}]({link(page, 'dependencies')})"
    return f"- {item['text']} ({extra})"


def update_section(repo: Repo, team: str, update: Doc, page: str, link: Link) -> list[str]:
    lines = [f"Ambassador: {repo.person(update['ambassador'])}", ""]
    for key, label in QUESTIONS:
        answer = update.get(key)
        if isinstance(answer, list):
            lines += [f"**{label}**", ""]
            lines += [_item(repo, item, page, link) for item in answer]
            lines.append("")
        else:
            lines += [f"**{label}**: none", ""]
    return lines


def meeting_page(repo: Repo, day: dt.date, record: Doc, updates: dict[str, Doc], link: Link) -> str:
    page = f"meetings/{day}"
    lines = [f"Facilitator: {repo.person(record.get('facilitator', ''))}.", ""]
    lines += [f"Updates from {len(updates)} of {len(repo.org['teams'])} teams.", ""]
    if record.get("review"):
        lines += ["## Action items reviewed", "", "| id | status | note |", "|---|---|---|"]
        for entry in record["review"]:
            flag = " (escalated)" if entry.get("escalated") else ""
            status = f"{entry.get('status') or ''}{flag}"
            lines.append(f"| {entry['id']} | {status} | {_cell(entry.get('note', ''))} |")
        lines.append("")
    if record.get("actions"):
        lines += ["## Actions raised", ""]
        for action in record["actions"]:
            owner = repo.person(action["owner"])
            lines.append(f"- **{action['id']}** {action['text']} ({owner}, due {action['due']})")
        lines.append("")
    topics = [e for e in record.get("parking_lot") or () if e.get("topic")]
    if topics:
        lines += ["## Parking lot", ""]
        for entry in topics:
            teams = _teams(repo, entry.get("teams", []), page, link)
            lines.append(f"- **{entry['id']}** {entry['topic']} ({teams})")
        lines.append("")
    if record.get("decisions"):
        lines += ["## Decisions", ""]
        lines += [f"- {d['text']}" for d in record["decisions"]]
        lines.append("")
    for team, update in updates.items():
        lines += [f"## [{repo.team_name(team)}]({link(page, f'teams/{team}')})", ""]
        lines += update_section(repo, team, update, page, link)
    return "\n".join(lines)


def team_page(repo: Repo, team: Doc, link: Link) -> str:
    page = f"teams/{team['id']}"
    members = ", ".join(repo.person(p) for p in team["members"])
    lines = [f"Cluster: {team.get('cluster', '-')}. Members: {members}.", ""]
    lines += ["## Ambassadors", "", "| from | ambassador |", "|---|---|"]
    lines += [f"| {a['from']} | {repo.person(a['person'])} |" for a in team["ambassadors"]]
    lines.append("")
    mine = [d for d in repo.dependencies if team["id"] in (d["team"], d["depends_on"])]
    if mine:
        lines += ["## Dependencies", "", "| id | waits | delivers | what | status |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {d['id']} | {d['team']} | {d['depends_on']} | {_cell(d['what'])} | {d['status']} |"
            for d in mine
        ]
        lines.append("")
    spoke = [(day, u[team["id"]]) for day, _, u in repo.meetings if team["id"] in u]
    if spoke:
        day, update = spoke[-1]
        lines += [f"## Latest update ({day})", ""]
        lines += update_section(repo, team["id"], update, page, link)
        lines += ["## All updates", ""]
        lines += [f"- [{d}]({link(page, f'meetings/{d}')})" for d, _ in reversed(spoke)]
    return "\n".join(lines)


def dependencies_page(repo: Repo) -> str:
    head = "| id | team | depends on | what | needed by | committed | owner | status | delivered |"
    lines = [head, "|---" * 9 + "|"]
    for d in repo.dependencies:
        cells = (
            d["id"],
            repo.team_name(d["team"]),
            repo.team_name(d["depends_on"]),
            _cell(d["what"]),
            d["needed_by"],
            d.get("committed") or "",
            repo.person(d["owner"]),
            d["status"],
            d.get("delivered") or "",
        )
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def index_page(repo: Repo, link: Link) -> str:
    lines = [f"The scrum of scrums of {repo.org['organization']}.", ""]
    lines += [f"[The dependency board]({link('index', 'dependencies')})", "", "## Teams", ""]
    for team in repo.org["teams"]:
        lines.append(f"- [{team['name']}]({link('index', 'teams/' + team['id'])})")
    lines += ["", "## Meetings", ""]
    for day, record, updates in reversed(repo.meetings):
        actions = len(record.get("actions") or ())
        lines.append(
            f"- [{day}]({link('index', f'meetings/{day}')}): {len(updates)} updates, "
            f"{actions} new actions"
        )
    return "\n".join(lines)


def pages(repo: Repo, link: Link) -> Iterator[tuple[str, str, str, dt.date | None]]:
    """(page, title, Markdown body, date) of every page."""
    yield "index", repo.org["organization"], index_page(repo, link), None
    yield "dependencies", "Dependencies", dependencies_page(repo), None
    for team in repo.org["teams"]:
        yield f"teams/{team['id']}", team["name"], team_page(repo, team, link), None
    for day, record, updates in repo.meetings:
        body = meeting_page(repo, day, record, updates, link)
        yield f"meetings/{day}", f"Meeting of {day}", body, day


# The two sites.

HUGO_TOML = """\
baseURL = "https://example.org/"
title = "{title}"
buildFuture = true
disableKinds = ["taxonomy", "term"]

[services.rss]
limit = 20
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · {{ site.Title }}</title>
</head>
<body>
<nav>
<a href="{{ "/" | relURL }}">Home</a> ·
<a href="{{ "/dependencies/" | relURL }}">Dependencies</a> ·
<a href="{{ "/teams/" | relURL }}">Teams</a> ·
<a href="{{ "/meetings/" | relURL }}">Meetings</a>
</nav>
<main>
<h1>{{ .Title }}</h1>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}{{ .Content }}{{ end }}
"""

LIST = """\
{{ define "main" }}{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
"""

MKDOCS_YML = """\
site_name: "{title}"
theme:
  name: mkdocs
"""


def _hugo_link(_: str, to: str) -> str:
    return "/" if to == "index" else f"/{to}/"


def _mkdocs_link(page: str, to: str) -> str:
    return "../" * page.count("/") + f"{to}.md"  # pages are at most one folder deep


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hugo_files(repo: Repo) -> Iterator[tuple[str, str]]:
    title = f"{repo.org['organization']} scrum of scrums"
    yield "hugo.toml", HUGO_TOML.format(title=title.replace('"', "'"))
    yield "layouts/_default/baseof.html", BASEOF
    yield "layouts/_default/single.html", SINGLE
    yield "layouts/_default/list.html", LIST
    yield "content/meetings/_index.md", '---\ntitle: "Meetings"\n---\n'
    yield "content/teams/_index.md", '---\ntitle: "Teams"\n---\n'
    for page, title, body, day in pages(repo, _hugo_link):
        front = f"title: {_quoted(title)}\n" + (f"date: {day}\n" if day else "")
        path = "content/_index.md" if page == "index" else f"content/{page}.md"
        yield path, f"---\n{front}---\n\n{body}\n"


def mkdocs_files(repo: Repo) -> Iterator[tuple[str, str]]:
    title = f"{repo.org['organization']} scrum of scrums"
    yield "mkdocs.yml", MKDOCS_YML.format(title=title.replace('"', "'"))
    for page, title, body, _ in pages(repo, _mkdocs_link):
        yield f"docs/{page}.md", f"# {title}\n\n{body}\n"


def write_sites(root: Path, *, hugo: Path | None = None, mkdocs: Path | None = None) -> int:
    """Write the Hugo and/or MkDocs site of the repository `root`; returns the number of
    files written (files whose bytes are unchanged are left alone)."""
    repo = load(root)
    written = 0
    for out, files in ((hugo, hugo_files), (mkdocs, mkdocs_files)):
        if out is None:
            continue
        for relpath, text in files(repo):
            path = out / relpath
            data = text.encode("utf-8")
            if path.is_file() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written += 1
    return written
