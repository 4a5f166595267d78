"""The whole-history analyses worked out in a forked worker (`sosgen.ahead`) are the
very values worked out in the process, and a broken worker only costs time."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future
from pathlib import Path

from intel_synth import history

from sosgen import ahead
from sosgen.intel import backtest, text_suggestions
from sosgen.repo import load_repository
from sosgen.views.plan import before, site_data


def _repo(tmp_path: Path):
    repo, _, _ = load_repository(history(3, weeks=10).write(tmp_path / "org"))
    return repo


TODAY = dt.date(2025, 3, 1)


def test_the_worker_gives_what_the_process_gives(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    worker = ahead.start(repo, TODAY)
    assert worker.future is not None  # Linux: forked
    here = (tuple(text_suggestions(repo)), backtest(repo, until=TODAY))
    assert here[0]  # something to compare
    assert worker.result() == here
    data = site_data(repo, today=TODAY, ahead=worker)
    assert data.suggestions == here[0]
    assert data.backtest == here[1]


def test_a_broken_worker_is_worked_around(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    broken: Future[ahead.Analyses] = Future()
    broken.set_exception(RuntimeError("the worker died"))
    worker = ahead.Ahead(repo, TODAY, broken)
    assert worker.result() == (tuple(text_suggestions(repo)), backtest(repo, until=TODAY))


def test_analyses_of_another_repository_or_day_are_not_used(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    wrong: Future[ahead.Analyses] = Future()
    wrong.set_result(((), backtest(repo, until=TODAY - dt.timedelta(days=300))))
    data = site_data(repo, today=TODAY, ahead=ahead.Ahead(repo, TODAY - dt.timedelta(days=1)))
    assert data._ahead() is None
    day = repo.meetings[10].date
    past = before(site_data(repo, today=TODAY, ahead=ahead.Ahead(repo, TODAY, wrong)), day)
    assert past.ahead is None
    assert past.suggestions == tuple(text_suggestions(past.repo))
    assert past.backtest == backtest(past.repo, until=day)
