"""Values worked out from one model object (an update), kept for the very object.

Model objects are immutable, and a long-running process (`sosgen serve`) is handed
the very same objects again for every file that did not change
(`sosgen.live.MemoryDocuments`): what was worked out from such an object, in an equal
`context`, is still right. Each round (`begin`, once per pass over a repository)
keeps only the entries the previous round used, so at most one repository's worth
is held, and the objects held are those the process holds anyway. Values are kept
only inside `keeping()` (the preview's builds): a one-off build makes every value and
holds nothing more. `Kept` holds one value worked out from a whole repository with
the very inputs it read, on the same terms.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

K = TypeVar("K")
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


class LastRound(Generic[K, V]):
    """Values by key, each kept with the inputs it was made from: `get` hands back the
    value of the previous round for equal inputs, else makes it anew. `begin` starts
    a round and forgets what the previous round did not ask for again."""

    def __init__(self) -> None:
        self._last: dict[K, tuple[Any, V]] = {}
        self._now: dict[K, tuple[Any, V]] = {}
        self._context: Any = None
        self.reused = self.made = 0

    def begin(self, context: Any = None) -> None:
        """Start a round. `context`: what every value of the round is worked out in
        (teams.yaml, say), compared once, here, rather than as an input of each of
        thousands of values: the values of a round in another context are forgotten."""
        same = context is self._context or context == self._context
        self._last, self._now = (self._now if same else {}), {}
        self._context = context
        self.reused = self.made = 0

    def get(self, key: K, inputs: Any, make: Callable[..., V], *args: Any) -> V:
        """`make(*args)`, or what it gave in the previous round for equal `inputs`."""
        found = self._last.get(key)
        if found is not None and found[0] == inputs:
            self.reused += 1
            value = found[1]
        else:
            self.made += 1
            value = make(*args)
        self._now[key] = (inputs, value)
        return value


class ByObject(Generic[O, V]):
    """A `LastRound` keyed by the object itself, while `keeping()`."""

    def __init__(self) -> None:
        self._round: LastRound[int, V] = LastRound()

    def begin(self, context: object = None) -> None:
        """Start a round in `context` (`LastRound.begin`)."""
        if _KEEPING:
            self._round.begin(context)
        else:
            self._round = LastRound()  # nothing of an earlier round is kept

    def get(self, obj: O, context: object, make: Callable[[O], V]) -> V:
        """`make(obj)`, or what it gave for this very object in an equal `context` (of
        this object; the round's is given to `begin`)."""
        if not _KEEPING:
            return make(obj)
        # The inputs hold `obj`: while they are kept, no other object can have its id,
        # and comparing them compares `obj` with itself, at once.
        return self._round.get(id(obj), (obj, context), make, obj)


class Kept(Generic[V]):
    """One value kept with the inputs it was made from, while `keeping()`: for a value
    worked out from a whole repository, which a rebuild can hand back when what it
    reads did not change."""

    def __init__(self) -> None:
        self._kept: tuple[Any, V] | None = None
        self.reused = self.made = 0

    def get(self, inputs: Any, make: Callable[..., V], *args: Any) -> V:
        """`make(*args)`, or what it gave last time for equal `inputs`."""
        if not _KEEPING:
            return make(*args)
        if self._kept is not None and self._kept[0] == inputs:
            self.reused += 1
            return self._kept[1]
        self.made += 1
        self._kept = None  # the old inputs are not held while the new value is made
        value = make(*args)
        self._kept = (inputs, value)
        return value
