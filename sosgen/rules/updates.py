"""Rules on ambassadors' updates: coordination, not status; the right ambassador; named teams."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sosgen import model as m
from sosgen.diagnostics import Pos, Severity
from sosgen.rotation import current_stint, scheduled_ambassador, sprints_served
from sosgen.rules import TEAMS, UPDATE, Context, Rule

if TYPE_CHECKING:
    from sosgen.mentions import MentionFinder

Found = Iterator[tuple[Pos, str]]


def status_not_coordination(ctx: Context) -> Found:
    for update in ctx.updates():
        for item in update.items():
            others = [t for t in item.teams if t != update.team]
            if not others:
                n = m.QUESTION_NUMBER[item.question]
                yield (
                    item.pos,
                    (
                        f"item names no other team (question {n}): this is status, not "
                        "coordination; add `for: [team]` or leave it for your own stand-up"
                    ),
                )


def ambassador_not_scheduled(ctx: Context) -> Found:
    for update in ctx.updates():
        team = ctx.teams.get(update.team)
        if team is None or update.ambassador not in ctx.org.people:
            continue
        expected = scheduled_ambassador(team, update.meeting)
        if expected and update.ambassador != expected:
            yield (
                update.at("ambassador"),
                (
                    f"ambassador is '{update.ambassador}' but the rotation in teams.yaml has "
                    f"'{expected}' for {update.team} on {update.meeting}; update the rotation "
                    "if the ambassador changed"
                ),
            )


def ambassador_too_long(ctx: Context) -> Found:
    if not ctx.repo.meetings:
        return
    last = ctx.repo.meetings[-1].date
    limit = ctx.checks.ambassador_max_sprints
    for team in ctx.org.teams:
        stint = current_stint(team, last)
        if stint is None:
            continue
        served = sprints_served(stint, last, ctx.org.cadence)
        if served > limit:
            yield (
                stint.at("person"),
                (
                    f"'{stint.person}' has been ambassador of {team.id} since {stint.start} "
                    f"({served:.1f} sprints, more than {limit}); rotate the role so the team "
                    "does not depend on one person"
                ),
            )


def blocker_names_team(ctx: Context) -> Found:
    finder = None  # made at the first blocker (most updates have none): a costly expression
    for update in ctx.updates():
        for item in update.blockers:
            if finder is None:
                finder = _mention_finder(ctx.org)
            for mention in finder.find(item.text):
                if mention.team != update.team and mention.team not in item.teams:
                    yield (
                        item.at("text"),
                        (
                            f'blocker text names team {mention.team} ("{mention.term}") but '
                            f"`needs` is {', '.join(item.teams) or 'empty'}; "
                            f"if {mention.team} must help, raise a separate blocker with `needs: "
                            f"{mention.team}`"
                        ),
                    )


def _mention_finder(org: m.Org) -> MentionFinder:
    from sosgen.mentions import MentionFinder

    return MentionFinder(org.teams)


def update_location(ctx: Context) -> Found:
    for update in ctx.updates():
        if update.declared_team and update.declared_team != update.team:
            where = f"meetings/{update.meeting}/{update.team}.yaml"
            yield (
                update.at("team"),
                (
                    f"`team: {update.declared_team}` but this file is {where}; the file name is "
                    "the team: move the file or fix the value"
                ),
            )
        if update.declared_meeting and update.declared_meeting != update.meeting:
            yield (
                update.at("meeting"),
                (
                    f"`meeting: {update.declared_meeting}` but this file is in meetings/"
                    f"{update.meeting}/; is it a copy of an earlier update? Update the answers "
                    "and the date"
                ),
            )


E, W = Severity.ERROR, Severity.WARNING
RULES = (
    Rule(
        "update-location",
        E,
        "an update's `team`/`meeting` differ from its file name and folder",
        update_location,
        (UPDATE,),
    ),
    Rule(
        "status-not-coordination",
        W,
        "an item names no other team: status, not coordination",
        status_not_coordination,
        (UPDATE,),
    ),
    Rule(
        "ambassador-not-scheduled",
        W,
        "the update's ambassador is not the rotation's for that date",
        ambassador_not_scheduled,
        (UPDATE,),
    ),
    Rule(
        "ambassador-too-long",
        W,
        "the same ambassador for more than `ambassador_max_sprints` sprints",
        ambassador_too_long,
        (TEAMS,),
    ),
    Rule(
        "blocker-names-team",
        W,
        "a blocker's text names a team that `needs` does not",
        blocker_names_team,
        (UPDATE,),
    ),
)
