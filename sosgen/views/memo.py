"""Parts of the views of one meeting that a long-running process (`sosgen serve`) keeps
between rebuilds. Each part is kept with every input it was made from, and reused
only while they are all equal, as is the organisation (the context of every part,
compared once a plan): unchanged files keep their very objects
(`sosgen.live.MemoryDocuments`), so comparing them is cheap, and anything else is
compared in full. A build without a memo makes every part, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sosgen.identity import LastRound

T = TypeVar("T")


class ViewMemo(LastRound[tuple[str, dt.date], Any]):
    """The parts made in the last plan, by kind and meeting day; `begin` before each
    plan forgets those the previous plan did not ask for again."""

    def part(self, kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
        """`make()`, or what it gave last time for equal `inputs`, in an equal context
        (the organisation, given to `begin`: compared once a plan, not for every part
        of every meeting)."""
        value: T = self.get((kind, day), inputs, make)
        return value


class Part(Protocol):
    """`ViewMemo.part`, or `no_memo`."""

    def __call__(
        self, kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]
    ) -> T: ...


def no_memo(kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
    return make()
