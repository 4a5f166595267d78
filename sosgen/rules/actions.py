"""Rules on action items and parking-lot topics, derived from the whole history of meetings.

The replay in `sosgen.actions` finds every problem once; each rule here reports the
findings carrying its id. `not-reviewed` only concerns meetings before today: the
meeting `sosgen new-meeting` just opened has every status empty until it is held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sosgen.diagnostics import Pos, Severity
from sosgen.rules import RECORD, Context, Rule

if TYPE_CHECKING:  # imported when a rule runs: `check` of an update runs none of these
    from sosgen.actions import Finding

Found = Iterator[tuple[Pos, str]]


def _action_findings(ctx: Context) -> list[Finding]:
    from sosgen.actions import replay_actions

    return replay_actions(ctx.repo, escalate_after=ctx.checks.escalate_after_meetings)[1]


def _reporting(rule: str) -> Callable[[Context], Found]:
    def check(ctx: Context) -> Found:
        for finding in _action_findings(ctx):
            if finding.rule == rule:
                yield finding.pos, finding.message

    check.__name__ = rule.replace("-", "_")
    return check


def not_reviewed(ctx: Context) -> Found:
    for finding in _action_findings(ctx):
        if finding.rule == "not-reviewed" and finding.meeting < ctx.today:
            yield finding.pos, finding.message


def unknown_topic(ctx: Context) -> Found:
    from sosgen.actions import replay_parking

    for finding in replay_parking(ctx.repo)[1]:
        yield finding.pos, finding.message


E, W = Severity.ERROR, Severity.WARNING
RULES = (
    Rule(
        "unknown-action",
        E,
        "a review of an action id that no meeting raised",
        _reporting("unknown-action"),
        (RECORD,),
    ),
    Rule(
        "review-order",
        E,
        "a review in the meeting that raises the item, or before it",
        _reporting("review-order"),
        (RECORD,),
    ),
    Rule(
        "duplicate-review",
        E,
        "the same action reviewed twice in one meeting",
        _reporting("duplicate-review"),
        (RECORD,),
    ),
    Rule(
        "review-closed",
        E,
        "a review of a done or dropped action that does not reopen it",
        _reporting("review-closed"),
        (RECORD,),
    ),
    Rule(
        "unknown-topic",
        E,
        "a parking-lot entry without `topic:` whose id no earlier meeting defines",
        unknown_topic,
        (RECORD,),
    ),
    Rule(
        "reopened-without-note",
        W,
        "a closed action reopened (`status: open`) without a note saying why",
        _reporting("reopened-without-note"),
        (RECORD,),
    ),
    Rule(
        "not-reviewed",
        W,
        "a held meeting left an open action's review status empty (uses today)",
        not_reviewed,
        (RECORD,),
    ),
    Rule(
        "not-carried",
        W,
        "an open action missing from a later meeting's `review:`",
        _reporting("not-carried"),
        (RECORD,),
    ),
    Rule(
        "escalated",
        W,
        "an action still open after more than `escalate_after_meetings` reviews",
        _reporting("escalated"),
        (RECORD,),
    ),
)
