"""Ambassador rotation: who is expected to speak for a team at a meeting, and for how long.

`current_stint` answers for one day; a `Rotation` indexes a team's entries once to
answer for many days (every meeting's minutes and briefing ask), in O(log n) each.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from itertools import accumulate

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


class Rotation:
    """One team's rotation indexed by date: `stint(day)` is `current_stint(team, day)`
    and `end(stint)` is `stint_end(team, stint)`, whatever the order of the entries."""

    __slots__ = ("_latest", "_starts", "team")

    def __init__(self, team: m.Team) -> None:
        self.team = team
        entries = team.ambassadors
        order = sorted(range(len(entries)), key=lambda i: entries[i].start)
        self._starts = [entries[i].start for i in order]
        # Of the first k entries by date, the one written last in the file: the
        # entry `current_stint` keeps when those k are the ones begun by a day.
        self._latest = list(accumulate(order, max))

    def stint(self, day: dt.date) -> m.Stint | None:
        begun = bisect.bisect_right(self._starts, day)
        return self.team.ambassadors[self._latest[begun - 1]] if begun else None

    def started(self, day: dt.date) -> bool:
        """Whether any entry is in force on `day`: `stint(day) is not None`."""
        return bool(self._starts) and self._starts[0] <= day

    def ambassador(self, day: dt.date) -> str | None:
        stint = self.stint(day)
        return stint.person if stint else None

    def end(self, stint: m.Stint) -> dt.date | None:
        later = bisect.bisect_right(self._starts, stint.start)
        return self._starts[later] if later < len(self._starts) else None


class Rotations:
    """Every team's `Rotation`, made once; a team not among them is indexed on request."""

    __slots__ = ("_by_id",)

    def __init__(self, teams: Iterable[m.Team]) -> None:
        self._by_id = {team.id: Rotation(team) for team in teams}

    def __call__(self, team: m.Team) -> Rotation:
        found = self._by_id.get(team.id)
        return found if found is not None and found.team is team else Rotation(team)
