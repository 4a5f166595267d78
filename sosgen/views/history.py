"""Action items over time: which meeting reviewed what, and when an item was escalated.

`ActionState` holds an item's final state; the minutes and the per-meeting briefings
need its state at each review. One pass over every item's reviews gives both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sosgen.actions import CLOSED, OPEN, ActionState, ReviewEntry


@dataclass(frozen=True, slots=True)
class ReviewLine:
    state: ActionState
    entry: ReviewEntry
    open_reviews: int  # reviews that left it open, through this one
    escalated: bool  # open after this review, and reviewed open more than the limit

    @property
    def closed_here(self) -> bool:
        return self.entry.status in CLOSED


def review_lines(
    actions: Mapping[str, ActionState], *, escalate_after: int
) -> dict[dt.date, tuple[ReviewLine, ...]]:
    """Every review, by the meeting that made it, in the order items were raised."""
    by_meeting: dict[dt.date, list[ReviewLine]] = defaultdict(list)
    for state in actions.values():
        count = 0
        for entry in state.reviews:
            if entry.status == OPEN:
                count += 1
            escalated = entry.status == OPEN and count > escalate_after
            by_meeting[entry.meeting].append(ReviewLine(state, entry, count, escalated))
    return {day: tuple(lines) for day, lines in by_meeting.items()}


def raised_by_meeting(actions: Mapping[str, ActionState]) -> dict[dt.date, tuple[ActionState, ...]]:
    by_meeting: dict[dt.date, list[ActionState]] = defaultdict(list)
    for state in actions.values():
        by_meeting[state.action.meeting].append(state)
    return {day: tuple(states) for day, states in by_meeting.items()}


def review_order(state: ActionState) -> tuple[int, int, dt.date, str]:
    """Escalated first, then open before closed, then by due date and id."""
    return (0 if state.escalated else 1, 0 if state.is_open else 1, state.action.due, state.id)
