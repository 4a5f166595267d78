"""Two processes rendering one list of pages: this one and a forked worker take the
next item from a shared counter as each finishes one, so both finish together
whatever each costs and however the cores are shared. An item is a planned page, or
a meeting whose pages the taker plans and renders itself (`sosgen.site`). The worker
stages its files beside their places (`write.stage`) and hands back their names, with
the key of each meeting page (`sosgen.page_keys`); the pages it renders come out byte
for byte as they would here."""

from __future__ import annotations

import contextlib
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

from sosgen.page_keys import PageKeys
from sosgen.views.pages import Page
from sosgen.write import SiteWriter, stage

T = TypeVar("T")


class Turns(Generic[T]):
    """The pages (or meetings) to render, handed out one at a time to whichever process
    asks first: the two processes finish together whatever each costs and however the
    cores are shared (the graph drawing thread takes its share of this process's).
    Shared memory when there is a worker, a plain counter otherwise."""

    def __init__(self, pages: Sequence[T]) -> None:
        self.pages = pages
        self._next: Any = None
        self._local = 0

    def share(self) -> bool:
        """Make the counter shared by the processes forked from now on."""
        try:
            self._next = multiprocessing.get_context("fork").Value("q", self._local)
        except (OSError, ValueError):  # no shared memory or semaphores here
            return False
        return True

    def take(self) -> T | None:
        shared = self._next
        if shared is None:
            i = self._local
            self._local = i + 1
        else:
            with shared.get_lock():
                i = shared.value
                shared.value = i + 1
        return self.pages[i] if i < len(self.pages) else None

    def stop(self) -> None:
        """Hand out nothing more."""
        if self._next is None:
            self._local = len(self.pages)
        else:
            with self._next.get_lock():
                self._next.value = len(self.pages)


def big_first(pages: Sequence[Page]) -> list[Page]:
    """The pages of the templates with fewest pages first: those are the overviews (the
    action items, the team pages), the largest pages; the many small ones then even
    out the end."""
    count = Counter(p.template for p in pages)
    return sorted(pages, key=lambda p: count[p.template])


# (path, text, key) of each page: text None if its file is left as it is, key None
# if the page has none (`sosgen.page_keys`)
Rendered = Iterable[tuple[str, str | None, str | None]]
# (path, staged file or None if the bytes were there, key, whether it was rendered)
Done = list[tuple[str, str | None, str | None, bool]]
_FORKED: tuple[Callable[[Any], Rendered], Turns[Any], Path] | None = None


def fork(turns: Turns[T], render: Callable[[T], Rendered], target: Path) -> Future[Done] | None:
    """A forked worker that renders (`render`: the path and text of each page) what it
    takes from `turns` and stages the files beside their places in `target`; None
    where fork is missing."""
    global _FORKED
    if "fork" not in multiprocessing.get_all_start_methods() or not turns.share():
        return None
    _FORKED = (render, turns, target)
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        future = pool.submit(_render_forked)
        pool.shutdown(wait=False)
    finally:
        _FORKED = None
    return future


@contextlib.contextmanager
def shared(
    turns: Turns[T],
    render: Callable[[T], Rendered],
    writer: SiteWriter,
    keys: PageKeys | None = None,
) -> Iterator[None]:
    """A forked worker (`fork`) takes from `turns` while the block runs in this
    process; once the block is done, `writer` adopts the files the worker staged (or
    left as they were), and `keys` gets the keys of its pages. If the block fails,
    the worker is told to stop and its files are removed."""
    worker = fork(turns, render, writer.target)
    try:
        yield
    except BaseException:
        if worker is not None:
            turns.stop()
            for _, staged, _, _ in worker.result():
                if staged is not None:
                    Path(staged).unlink(missing_ok=True)
        raise
    if worker is not None:
        for path, staged, key, rendered in worker.result():
            writer.adopt(path, staged)
            if key is not None and keys is not None:
                keys.made[path] = key
                keys.kept_count += not rendered


def _render_forked() -> Done:
    assert _FORKED is not None, "only runs in a worker forked by fork"
    render, turns, target = _FORKED
    safe: set[Path] = set()
    done: Done = []
    try:
        while (item := turns.take()) is not None:
            for path, text, key in render(item):
                staged = None if text is None else stage(target, path, text.encode(), safe)
                done.append((path, staged, key, text is not None))
    except BaseException:
        turns.stop()
        for _, staged, _, _ in done:
            if staged is not None:
                Path(staged).unlink(missing_ok=True)
        raise
    return done
