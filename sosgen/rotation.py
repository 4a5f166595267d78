"""Ambassador rotation: who is expected to speak for a team at a meeting, and for how long."""

from __future__ import annotations

import datetime as dt

from sosgen import model as m


def current_stint(team: m.Team, day: dt.date) -> m.Stint | None:
    """The rotation entry in force on `day`: the latest whose `from` is on or before it."""
    stint = None
    for entry in team.ambassadors:
        if entry.start <= day:
            stint = entry
    return stint


def scheduled_ambassador(team: m.Team, day: dt.date) -> str | None:
    stint = current_stint(team, day)
    return stint.person if stint else None


def stint_end(team: m.Team, stint: m.Stint) -> dt.date | None:
    """The day the next rotation entry takes over, or None for the current one."""
    later = [s.start for s in team.ambassadors if s.start > stint.start]
    return min(later) if later else None


def sprints_served(stint: m.Stint, day: dt.date, cadence: m.Cadence) -> float:
    return max((day - stint.start).days, 0) / (7 * cadence.sprint_weeks)
