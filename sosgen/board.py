"""The board's colour rules (the Easy Agile convention), each verdict with its reasons.

- red: the provider's `committed` date is after `needed_by` (a conflict), the
  dependency is past its `needed_by` and not delivered (late), or it is `blocked`;
- amber: committed on the `needed_by` date itself (no slack), or not committed and
  needed within `checks.near_days` days;
- green: committed before it is needed, or not committed with time to spare;
- grey: delivered or dropped (off the picture).

Pure functions of a dependency and a day; the day is a parameter, never the clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sosgen import model as m


class Level(enum.Enum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    DONE = "done"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABEL[self]

    @property
    def colour(self) -> str:
        return _COLOUR[self]


_RANK = {Level.RED: 0, Level.AMBER: 1, Level.GREEN: 2, Level.DONE: 3}
_LABEL = {Level.RED: "At risk", Level.AMBER: "Watch", Level.GREEN: "On track", Level.DONE: "Closed"}
# Six-digit colours (Graphviz 2.43 draws #rgb black), dark enough to read on white.
_COLOUR = {
    Level.RED: "#c53030",
    Level.AMBER: "#b7791f",
    Level.GREEN: "#2f855a",
    Level.DONE: "#718096",
}


@dataclass(frozen=True, slots=True)
class Assessment:
    level: Level
    reasons: tuple[str, ...]

    @property
    def late(self) -> bool:
        return any(reason.startswith("late") for reason in self.reasons)


def _days(n: int) -> str:
    return "1 day" if abs(n) == 1 else f"{abs(n)} days"


def assess(dep: m.Dependency, *, today: dt.date, near_days: int) -> Assessment:
    """The colour of `dep` on `today` and every reason for it, worst first."""
    if dep.status == "delivered":
        when = f" on {dep.delivered}" if dep.delivered else ""
        return Assessment(Level.DONE, (f"delivered{when}",))
    if dep.status == "dropped":
        return Assessment(Level.DONE, ("dropped",))
    found: list[tuple[Level, str]] = []
    left = (dep.needed_by - today).days
    if left < 0:
        found.append((Level.RED, f"late: needed by {dep.needed_by}, {_days(left)} ago"))
    if dep.status == "blocked":
        found.append((Level.RED, "blocked: the provider cannot go on without help"))
    if dep.committed is not None:
        slack = (dep.needed_by - dep.committed).days
        if slack < 0:
            found.append(
                (
                    Level.RED,
                    f"conflict: committed for {dep.committed}, "
                    f"{_days(slack)} after it is needed ({dep.needed_by})",
                )
            )
        elif slack == 0:
            found.append(
                (Level.AMBER, f"no slack: committed for the needed-by date {dep.committed}")
            )
        else:
            found.append((Level.GREEN, f"committed for {dep.committed}, {_days(slack)} early"))
    elif left >= 0 and left <= near_days:
        when = "today" if left == 0 else f"in {_days(left)}"
        found.append((Level.AMBER, f"not committed and needed {when} ({dep.needed_by})"))
    elif left >= 0:
        found.append((Level.GREEN, f"not committed yet; needed in {_days(left)}"))
    found.sort(key=lambda pair: pair[0].rank)
    return Assessment(found[0][0], tuple(reason for _, reason in found))


def as_of(dep: m.Dependency, day: dt.date) -> m.Dependency | None:
    """`dep` as it stood on `day`, as far as its dates tell: absent before it was raised,
    still open before its delivery date."""
    if dep.raised > day:
        return None
    if dep.status == "delivered" and (dep.delivered is None or dep.delivered > day):
        return _undelivered(dep)
    return dep


def open_span(dep: m.Dependency) -> tuple[dt.date, dt.date | None, m.Dependency] | None:
    """The days on which `as_of(dep, day)` is open, and what it is then: from the day
    `dep` was raised until the day it was delivered (None: no end), or None for one
    never open (dropped, or delivered by the day it was raised)."""
    if dep.status == "delivered":
        if dep.delivered is not None and dep.delivered <= dep.raised:
            return None
        return dep.raised, dep.delivered, _undelivered(dep)
    return (dep.raised, None, dep) if dep.is_open else None


def _undelivered(dep: m.Dependency) -> m.Dependency:
    status = "committed" if dep.committed is not None else "open"
    return replace(dep, status=status, delivered=None)


class Timeline:
    """Dependencies as they stood on any day, `as_of` each, with every view made once:
    the replay and the per-meeting briefings ask for all of them at every meeting."""

    __slots__ = ("_entries",)

    def __init__(self, deps: Iterable[m.Dependency]) -> None:
        # (raised, the day it stops being open or None, the view until then, after)
        self._entries: list[tuple[dt.date, dt.date | None, m.Dependency, m.Dependency]] = [
            (d.raised, d.delivered, _undelivered(d), d)
            if d.status == "delivered"
            else (d.raised, None, d, d)
            for d in deps
        ]

    def views(self, day: dt.date) -> list[m.Dependency | None]:
        """`[as_of(d, day) for d in deps]`."""
        return [
            None if raised > day else late if until is not None and until <= day else early
            for raised, until, early, late in self._entries
        ]

    def known(self, day: dt.date) -> tuple[m.Dependency, ...]:
        """The dependencies raised by `day`, as they stood: `as_of` without the absent."""
        return tuple(
            late if until is not None and until <= day else early
            for raised, until, early, late in self._entries
            if raised <= day
        )
