"""Parts of the views of one meeting that a long-running process (`sosgen serve`) keeps
between rebuilds. Each part is kept with every input it was made from, and reused
only while they are all equal: unchanged files keep their very objects
(`sosgen.live.MemoryDocuments`), so comparing them is cheap, and anything else is
compared in full. A build without a memo makes every part, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


@dataclass
class ViewMemo:
    """The parts made in the last plan, by kind and meeting day; `begin` before each
    plan forgets those the previous plan did not ask for again."""

    _now: dict[tuple[str, dt.date], tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    _last: dict[tuple[str, dt.date], tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    reused: int = 0
    made: int = 0

    def begin(self) -> None:
        self._last, self._now = self._now, {}
        self.reused = self.made = 0

    def part(self, kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
        """`make()`, or what it gave last time for equal `inputs`."""
        found = self._last.get((kind, day))
        if found is not None and found[0] == inputs:
            self.reused += 1
            value: T = found[1]
        else:
            self.made += 1
            value = make()
        self._now[kind, day] = (inputs, value)
        return value


class Part(Protocol):
    """`ViewMemo.part`, or `no_memo`."""

    def __call__(
        self, kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]
    ) -> T: ...


def no_memo(kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
    return make()
