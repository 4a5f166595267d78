"""The two analyses that replay the whole history (the suggestions read from the
updates' text, and the backtest of the risk score), worked out in a forked process
while this one checks the repository and plans the pages.

At 450 meetings they are a third of a preview's rebuild, and every meeting added
changes their input, so nothing of them can be kept between rebuilds; on a second
core they cost the rebuild nothing. The worker gets the loaded repository by fork
(nothing is read again) and sends back two small values; where fork is missing, or
the worker fails, they are worked out here, as without it: the same values either
way.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from sosgen import model as m
from sosgen.intel import BacktestResult, Suggestion, backtest, text_suggestions

Analyses = tuple[tuple[Suggestion, ...], BacktestResult]

_FORKED: tuple[m.Repository, dt.date] | None = None


def analyses(repo: m.Repository, today: dt.date) -> Analyses:
    return tuple(text_suggestions(repo)), backtest(repo, until=today)


@dataclass
class Ahead:
    """The analyses of `repo` on `today`, under way in a worker when `future` is set."""

    repo: m.Repository
    today: dt.date
    future: Future[Analyses] | None = None
    _done: Analyses | None = field(default=None, repr=False)

    def result(self) -> Analyses:
        if self._done is None:
            done = None
            if self.future is not None:
                try:
                    done = self.future.result()
                except Exception:  # a broken worker: work them out here
                    done = None
                self.future = None
            self._done = done if done is not None else analyses(self.repo, self.today)
        return self._done


def start(repo: m.Repository, today: dt.date) -> Ahead:
    """Fork a worker for the analyses of `repo`; call before anything else starts a
    thread that holds a lock the worker could need."""
    global _FORKED
    ahead = Ahead(repo, today)
    if "fork" not in multiprocessing.get_all_start_methods():
        return ahead
    _FORKED = (repo, today)
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        ahead.future = pool.submit(_run_forked)
        pool.shutdown(wait=False)
    except OSError:
        ahead.future = None  # no process to spare: work them out here
    finally:
        _FORKED = None
    return ahead


def _run_forked() -> Analyses:
    assert _FORKED is not None, "only runs in a worker forked by start"
    gc.freeze()  # the parent's objects: never garbage here, and not worth copying
    return analyses(*_FORKED)
