"""The meeting cadence: which days meetings fall on, the next one, the skipped ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sosgen import model as m

ONE_DAY = dt.timedelta(days=1)


def meeting_days(cadence: m.Cadence, start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every cadence day from `start` to `end`, both included."""
    day = start
    while day <= end:
        if day.weekday() in cadence.days:
            yield day
        day += ONE_DAY


def next_meeting_day(cadence: m.Cadence, after: dt.date) -> dt.date:
    """The first cadence day strictly after `after`."""
    day = after + ONE_DAY
    while day.weekday() not in cadence.days:
        day += ONE_DAY
    return day
