"""Parts of the views of one meeting that a long-running process (`sosgen serve`) keeps
between rebuilds. Each part is kept with every input it was made from, and reused
only while they are all equal: unchanged files keep their very objects
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

    def __init__(self) -> None:
        super().__init__()
        self._shared: tuple[Any, Any] = (None, None)  # (as handed, as kept)

    def begin(self, shared: Any = None) -> None:
        """Start a plan. `shared`: an input of many parts (the organisation), compared
        with the last plan's once, here: equal, the parts are compared with the last
        plan's very object, at once, rather than value by value a thousand times
        (teams.yaml saved with only a comment changed)."""
        super().begin()
        kept = self._shared[1]
        self._shared = (shared, kept if kept is not None and kept == shared else shared)

    def part(self, kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
        """`make()`, or what it gave last time for equal `inputs`."""
        handed, kept = self._shared
        if handed is not kept and handed is not None:
            inputs = tuple(kept if x is handed else x for x in inputs)
        value: T = self.get((kind, day), inputs, make)
        return value


class Part(Protocol):
    """`ViewMemo.part`, or `no_memo`."""

    def __call__(
        self, kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]
    ) -> T: ...


def no_memo(kind: str, day: dt.date, inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
    return make()
