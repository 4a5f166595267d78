"""Values worked out from one model object (an update), kept for the very object.

Model objects are immutable, and a long-running process (`sosgen serve`) is handed
the very same objects again for every file that did not change
(`sosgen.live.MemoryDocuments`): what was worked out from such an object, in an equal
`context`, is still right. Each round (`begin`, once per pass over a repository)
keeps only the entries the previous round used, so at most one repository's worth
is held, and the objects held are those the process holds anyway. Values are kept
only inside `keeping()` (the preview's builds): a one-off build makes every value and
holds nothing more.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

O = TypeVar("O")  # noqa: E741
V = TypeVar("V")


_KEEPING = False


@contextlib.contextmanager
def keeping() -> Iterator[None]:
    """Keep values while inside (one thread builds at a time)."""
    global _KEEPING
    before, _KEEPING = _KEEPING, True
    try:
        yield
    finally:
        _KEEPING = before


class ByObject(Generic[O, V]):
    def __init__(self) -> None:
        self._last: dict[int, tuple[Any, object, Any]] = {}
        self._now: dict[int, tuple[Any, object, Any]] = {}

    def begin(self) -> None:
        self._last, self._now = (self._now, {}) if _KEEPING else ({}, {})

    def get(self, obj: O, context: object, make: Callable[[O], V]) -> V:
        """`make(obj)`, or what it gave for this very object in an equal context."""
        if not _KEEPING:
            return make(obj)
        found = self._last.get(id(obj))
        # The entry holds `obj`: while it is kept, no other object can have its id.
        if found is not None and found[0] is obj and found[1] == context:
            value: V = found[2]
        else:
            value = make(obj)
        self._now[id(obj)] = (obj, context, value)
        return value
