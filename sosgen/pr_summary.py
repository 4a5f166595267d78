"""The short summary CI puts on a pull request: new blockers and heads-ups, escalated
action items, missing updates. Markdown, for GitHub's job summary or a GitLab comment.

A blocker or heads-up is *new* when the same team's previous update did not say it (same
text). Given the files a pull request changes, only the updates among them are read for
new items; otherwise the latest meeting's. Missing updates are those of the latest meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from sosgen import model as m
from sosgen.actions import ActionState, derive_actions
from sosgen.health import expected_teams

QUESTION_LABEL = {"blockers": "blocker", "heads_up": "heads-up"}


@dataclass(frozen=True, slots=True)
class NewItem:
    team: str
    meeting: dt.date
    question: str  # blockers | heads_up
    item: m.Item


@dataclass(frozen=True, slots=True)
class Summary:
    organization: str
    new_items: tuple[NewItem, ...]
    escalated: tuple[ActionState, ...]
    meeting: dt.date | None  # the latest meeting, whose missing updates are listed
    missing: tuple[str, ...]  # team ids


def summarize(repo: m.Repository, org: m.Org, *, changed: Collection[str] | None = None) -> Summary:
    latest = repo.meetings[-1] if repo.meetings else None
    states = derive_actions(repo, escalate_after=org.checks.escalate_after_meetings)
    escalated = tuple(s for s in states.values() if s.is_open and s.escalated)
    missing: tuple[str, ...] = ()
    if latest is not None:
        missing = tuple(t for t in expected_teams(org, latest) if t not in latest.update_files)
    return Summary(
        organization=org.organization,
        new_items=tuple(_new_items(repo, latest, changed)),
        escalated=escalated,
        meeting=latest.date if latest else None,
        missing=missing,
    )


def _new_items(
    repo: m.Repository, latest: m.Meeting | None, changed: Collection[str] | None
) -> Iterator[NewItem]:
    for index, meeting in enumerate(repo.meetings):
        for team, update in sorted(meeting.updates.items()):
            path = f"{meeting.path}/{team}.yaml"
            if (path not in changed) if changed is not None else meeting is not latest:
                continue
            before = _previous(repo.meetings[:index], team)
            for question in QUESTION_LABEL:
                said = {i.text for i in before.answer(question)} if before else set()
                for item in update.answer(question):
                    if item.text not in said:
                        yield NewItem(team, meeting.date, question, item)


def _previous(meetings: tuple[m.Meeting, ...], team: str) -> m.Update | None:
    for meeting in reversed(meetings):
        if team in meeting.updates:
            return meeting.updates[team]
    return None


def markdown(summary: Summary, org: m.Org) -> str:
    names = {t.id: t.name for t in org.teams}

    def team(ident: str) -> str:
        return _md(names.get(ident, ident))

    lines = [f"## sosgen: {_md(summary.organization)}", ""]
    lines.append(f"### New blockers and heads-ups ({len(summary.new_items)})")
    for new in summary.new_items:
        towards = ", ".join(team(t) for t in new.item.teams) or "no team named"
        label = QUESTION_LABEL[new.question]
        lines.append(
            f"- **{team(new.team)}** {label} for {towards}: {_md(_one_line(new.item.text))} "
            f"({new.meeting})"
        )
    if not summary.new_items:
        lines.append("None.")
    lines += ["", f"### Escalated action items ({len(summary.escalated)})"]
    for state in summary.escalated:
        a = state.action
        lines.append(
            f"- **{a.id}** ({_md(a.owner)}, due {a.due}): {_md(_one_line(a.text))}; "
            f"open after {state.open_reviews} reviews"
        )
    if not summary.escalated:
        lines.append("None.")
    when = f" for {summary.meeting}" if summary.meeting else ""
    lines += ["", f"### Missing updates{when} ({len(summary.missing)})"]
    lines.extend(f"- {team(t)}" for t in summary.missing)
    if not summary.missing:
        lines.append("None." if summary.meeting else "No meeting yet.")
    return "\n".join(lines) + "\n"


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _md(text: str) -> str:
    """Text fields are Markdown: keep emphasis and code, but no links, images, HTML or
    table cells from a pull request's data."""
    return "".join("\\" + char if char in "\\[]<>!|&" else char for char in text)
