"""All action items: escalated first, then open by due date, then closed (latest first),
each with its owner, due date, age in meetings and the notes of every review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sosgen.actions import ActionState
from sosgen.views.history import review_order
from sosgen.views.plan import SiteData


@dataclass(frozen=True, slots=True)
class ActionGroup:
    key: str
    title: str
    items: tuple[ActionState, ...]


@dataclass(frozen=True, slots=True)
class ActionsView:
    groups: tuple[ActionGroup, ...]
    today: dt.date
    escalate_after: int

    @property
    def total(self) -> int:
        return sum(len(g.items) for g in self.groups)


def actions_view(data: SiteData) -> ActionsView:
    states = list(data.actions.values())
    escalated = sorted((s for s in states if s.is_open and s.escalated), key=review_order)
    still_open = sorted((s for s in states if s.is_open and not s.escalated), key=review_order)
    closed = sorted(
        (s for s in states if not s.is_open),
        key=lambda s: (-(s.closed or dt.date.min).toordinal(), s.id),
    )
    groups = (
        ActionGroup("escalated", "Escalated", tuple(escalated)),
        ActionGroup("open", "Open", tuple(still_open)),
        ActionGroup("closed", "Done and dropped", tuple(closed)),
    )
    return ActionsView(groups, data.today, data.org.checks.escalate_after_meetings)
