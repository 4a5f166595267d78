"""One meeting of `synth.py`: the ambassadors' updates and the facilitator's record, and
the `History` each meeting hands to the next (open actions, open parking-lot topics, the
blockers and heads-ups to follow up). Mirrors what `sosgen new-meeting` carries over."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from synth_org import ESCALATE_AFTER, Dependency, Org, Team
from synth_text import Phrases, short_date

Doc = dict[str, Any]

ATTENDANCE = 0.85  # chance that a team sends an update to a meeting
MAX_OPEN_REVIEWS = 6  # an action still open after this many reviews is closed at the next


@dataclass
class OpenAction:
    id: str
    raised: dt.date
    open_reviews: int = 0  # meetings whose review left it open


@dataclass
class OpenTopic:
    id: str
    carried: int = 0


@dataclass(frozen=True)
class FollowUp:
    team: str
    question: str  # blockers | heads_up
    text: str
    dependency: str | None


@dataclass
class History:
    """What the next meeting inherits from the ones before it."""

    previous: dt.date | None = None
    actions: list[OpenAction] = field(default_factory=list)
    topics: list[OpenTopic] = field(default_factory=list)
    follow_up: list[FollowUp] = field(default_factory=list)


@dataclass
class _Meeting:
    org: Org
    deps: list[Dependency]
    day: dt.date
    rng: random.Random
    say: Phrases

    def names(self, team_id: str) -> str:
        return self.org.by_id[team_id].name

    def pick_teams(self, team: Team, most: int = 3) -> list[str]:
        """Other teams an item concerns, mostly of the same cluster, in teams.yaml order."""
        cluster, rest = self.org.others(team)
        pool = cluster if cluster and self.rng.random() < 0.7 else rest
        size = min(len(pool), self.rng.choice((1, 2, 2, most, most)))
        chosen = {t.id for t in self.rng.sample(pool, size)}
        return [t.id for t in self.org.teams if t.id in chosen]

    def items(self, team: Team, build: str, counts: Sequence[int]) -> list[Doc]:
        text = self.say.completed if build == "completed" else self.say.next
        return [
            {"text": text(self.day), "for": self.pick_teams(team)}
            for _ in range(self.rng.choice(counts))
        ]

    def update(self, team: Team, active: list[Dependency], previous: dt.date | None) -> Doc:
        rng, day = self.rng, self.day
        provides = [d for d in active if d.depends_on == team.id]
        waits = [d for d in active if d.team == team.id]
        completed: list[Doc] = []
        for dep in provides:
            if dep.delivered and (previous is None or previous < dep.delivered <= day):
                text = f"Delivered {dep.what} to {self.names(dep.team)}"
                completed.append({"text": text, "for": [dep.team], "dependency": dep.id})
        completed += self.items(team, "completed", (0, 2, 3, 3, 3, 4))
        upcoming = self.items(team, "next", (0, 2, 3, 3, 4, 4))
        for dep in provides:
            if dep.delivered is None and rng.random() < 0.3:
                due = short_date(dep.needed_by)
                text = f"Working on {dep.what}; on track for **{due}**"
                upcoming.insert(0, {"text": text, "for": [dep.team], "dependency": dep.id})
        blockers: list[Doc] = []
        for dep in waits:
            if dep.status == "blocked" and rng.random() < 0.3:
                text = self.say.blocker(day, self.names(dep.depends_on))
                blockers.append({"text": text, "needs": dep.depends_on, "dependency": dep.id})
        if not blockers and rng.random() < 0.04:
            needs = self.pick_teams(team, 1)[0]
            blockers.append({"text": self.say.blocker(day, self.names(needs)), "needs": needs})
        heads_up: list[Doc] = []
        if rng.random() < 0.1:
            heads_up = [
                {"text": self.say.heads_up(day), "for": self.pick_teams(team)}
                for _ in range(rng.choice((1, 1, 1, 2)))
            ]
        return {
            "ambassador": team.ambassador(day),
            "completed": completed or "none",
            "next": upcoming or "none",
            "blockers": blockers or "none",
            "heads_up": heads_up or "none",
        }

    def review(self, history: History) -> list[Doc]:
        rng = self.rng
        entries: list[Doc] = []
        still: list[OpenAction] = []
        for action in history.actions:
            closes = action.open_reviews >= MAX_OPEN_REVIEWS or rng.random() < 0.5
            entry: Doc = {"id": action.id}
            entry["status"] = ("done" if rng.random() < 0.88 else "dropped") if closes else "open"
            if rng.random() < 0.3:
                entry["note"] = self.say.note(closes)
            if action.open_reviews > ESCALATE_AFTER:
                entry["escalated"] = True
            entries.append(entry)
            if not closes:
                action.open_reviews += 1
                still.append(action)
        history.actions = still
        return entries

    def actions(self, history: History, present: list[Team], active: list[Dependency]) -> list[Doc]:
        rng = self.rng
        raised: list[Doc] = []
        for n in range(1, rng.choices((0, 1, 2, 3), (2, 4, 3, 1))[0] + 1):
            team = rng.choice(present or list(self.org.teams))
            owner = team.ambassador(self.day) if rng.random() < 0.7 else rng.choice(team.members)
            action: Doc = {"id": f"A-{self.day}-{n}", "text": self.say.action(self.day)}
            action["owner"] = owner
            action["due"] = self.day + dt.timedelta(days=rng.randint(2, 9))
            related = [d for d in active if team.id in (d.team, d.depends_on)]
            if related and rng.random() < 0.4:
                action["dependency"] = rng.choice(related).id
            if rng.random() < 0.7:
                action["team"] = team.id
            raised.append(action)
            history.actions.append(OpenAction(action["id"], self.day))
        return raised

    def parking_lot(self, history: History) -> list[Doc]:
        rng = self.rng
        entries: list[Doc] = []
        still: list[OpenTopic] = []
        for topic in history.topics:
            closes = topic.carried >= 5 or rng.random() < 0.4
            entries.append({"id": topic.id, "status": "done" if closes else "open"})
            if not closes:
                topic.carried += 1
                still.append(topic)
        if rng.random() < 0.2:
            owner_team = rng.choice(self.org.teams)
            teams = [owner_team.id, *self.pick_teams(owner_team, 2)]
            entries.append(
                {
                    "id": f"P-{self.day}-1",
                    "topic": self.say.topic(self.day),
                    "teams": [t.id for t in self.org.teams if t.id in teams],
                    "owner": rng.choice(owner_team.members),
                    "status": "open",
                }
            )
            still.append(OpenTopic(f"P-{self.day}-1"))
        history.topics = still
        return entries

    def decisions(self, present: list[Team]) -> list[Doc]:
        if not present or self.rng.random() >= 0.25:
            return []
        team = self.rng.choice(present)
        teams = [team.id, *self.pick_teams(team)]
        return [
            {
                "text": self.say.decision(self.day),
                "teams": [t.id for t in self.org.teams if t.id in teams],
            }
        ]

    def record(self, history: History, updates: dict[str, Doc], active: list[Dependency]) -> Doc:
        org, day = self.org, self.day
        present = [org.by_id[t] for t in updates]
        deps = {d.id: d for d in self.deps}
        follow_up = [
            {"team": f.team, "question": f.question, "text": f.text}
            for f in history.follow_up
            if f.dependency is None or f.dependency not in deps or deps[f.dependency].active(day)
        ]
        doc: Doc = {
            "facilitator": org.facilitator,
            "attendees": [t.ambassador(day) for t in present] + [org.facilitator],
            "expected": {t.id: t.ambassador(day) for t in org.teams},
        }
        sections = {
            "review": self.review(history),
            "actions": self.actions(history, present, active),
            "parking_lot": self.parking_lot(history),
            "decisions": self.decisions(present),
            "follow_up": follow_up,
        }
        doc.update((k, v) for k, v in sections.items() if v)
        history.follow_up = [
            FollowUp(team, question, item["text"], item.get("dependency"))
            for team, update in updates.items()
            for question in ("blockers", "heads_up")
            if isinstance(update[question], list)
            for item in update[question]
        ]
        history.previous = day
        return doc


def meeting(
    org: Org,
    deps: list[Dependency],
    history: History,
    day: dt.date,
    rng: random.Random,
    say: Phrases,
) -> tuple[Doc, dict[str, Doc]]:
    """The record and the updates (team id -> document) of the meeting of `day`;
    advances `history`."""
    m = _Meeting(org, deps, day, rng, say)
    active = [d for d in deps if d.active(day)]
    updates = {
        team.id: m.update(team, active, history.previous)
        for team in org.teams
        if rng.random() < ATTENDANCE
    }
    return m.record(history, updates, active), updates
