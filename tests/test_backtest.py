"""The backtest: Mann-Whitney AUC with ties, top-k precision and recall, the replay's
cases and outcomes, and the score against the days-left baseline on synthetic
histories with and without a planted pattern."""

from __future__ import annotations

import datetime as dt
from itertools import product
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from intel_synth import history

from sosgen.diagnostics import Pos
from sosgen.intel import NOT_ENOUGH, backtest
from sosgen.intel.backtest import Case, auc, difference_interval, outcome, replay, top_k
from sosgen.model import Dependency, Meeting, Repository
from sosgen.repo import load_repository

NOISE = 0.05  # "equal within noise": no further apart than this
END = dt.date(2026, 11, 23)


def brute_force_auc(scores: list[float], labels: list[bool]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auc_counts_ties_as_half():
    assert auc([1, 2, 3, 4], [False, False, True, True]) == 1.0
    assert auc([4, 3, 2, 1], [False, False, True, True]) == 0.0
    assert auc([1, 1, 1, 1], [False, True, False, True]) == 0.5
    assert auc([1, 2, 2, 3], [False, True, False, True]) == 0.875
    assert auc([1, 2], [True, True]) is None


@given(
    st.lists(
        st.tuples(st.integers(0, 5).map(float), st.booleans()), min_size=2, max_size=40
    ).filter(lambda cases: 0 < sum(y for _, y in cases) < len(cases))
)
def test_auc_is_the_share_of_pairs_ranked_right(cases: list[tuple[float, bool]]):
    scores, labels = [s for s, _ in cases], [y for _, y in cases]
    assert auc(scores, labels) == pytest.approx(brute_force_auc(scores, labels))


def case(day: int, dep: str, score: float, left: int, late: bool) -> Case:
    return Case(dt.date(2026, 1, day), dep, score, left, late)


def test_precision_and_recall_of_each_meeting_s_top_k():
    cases = [
        case(1, "A", 5.0, 9, True),
        case(1, "B", 4.0, 1, False),
        case(1, "C", 1.0, 2, True),
        case(2, "A", 6.0, 7, True),
        case(2, "C", 0.5, 0, True),
    ]
    assert top_k(cases, 1, baseline=False) == (1.0, 0.5)  # A and A: 2 of 4 late cases
    assert top_k(cases, 1, baseline=True) == (0.5, 0.25)  # B (1 day left) and C (0)


def dep(did: str, **kw: object) -> Dependency:
    values: dict[str, object] = {
        "team": "checkout",
        "depends_on": "payments",
        "what": did,
        "needed_by": dt.date(2026, 11, 13),
        "owner": "bob",
        "status": "open",
        "raised": dt.date(2026, 11, 1),
    }
    values.update(kw)
    return Dependency(Pos("d"), id=did, **values)  # type: ignore[arg-type]


def test_outcomes_late_on_time_or_unknown():
    assert outcome(dep("A", status="delivered", delivered=dt.date(2026, 11, 14)), END) is True
    assert outcome(dep("B", status="delivered", delivered=dt.date(2026, 11, 13)), END) is False
    assert outcome(dep("C"), END) is True  # still open past its date
    assert outcome(dep("D", needed_by=dt.date(2026, 12, 1)), END) is None  # not due yet
    assert outcome(dep("E", status="dropped"), END) is None
    delivered_later = dep("F", status="delivered", delivered=dt.date(2026, 11, 30))
    assert outcome(delivered_later, END) is True  # open past its date at the end


def test_the_example_organisation_has_not_enough_history():
    repo, _, _ = load_repository(ROOT)
    result = backtest(repo)
    assert (result.cases, result.dependencies, result.late_dependencies) == (26, 5, 3)
    assert not result.enough
    assert result.verdict.startswith(f"{NOT_ENOUGH}: 5 dependencies with a known outcome")
    assert result.until == END
    cases = replay(repo)
    assert all(c.days_left >= 0 for c in cases)  # nothing already late is "predicted"
    assert {c.dependency for c in cases} == {"DEP-1", "DEP-2", "DEP-3", "DEP-4", "DEP-8"}


def test_the_replay_cannot_see_committed_dates_or_blocked_status():
    days = tuple(
        Meeting(dt.date(2026, 11, d), f"meetings/2026-11-{d:02}", None, {}, frozenset())
        for d in (2, 4, 6)
    )
    later = dep("B", needed_by=dt.date(2026, 11, 20))
    plain = (dep("A"), later)
    marked = (dep("A", committed=dt.date(2026, 12, 30), status="blocked"), later)
    scored = [
        [(c.dependency, c.score) for c in replay(Repository(None, deps, meetings=days), until=END)]
        for deps in (plain, marked)
    ]
    assert scored[0] == scored[1]
    assert len(scored[0]) == 6


def test_the_bootstrap_interval_is_reproducible():
    cases = [case(d, f"D{d % 7}", float(d % 5), d % 9, d % 3 == 0) for d in range(1, 28)]
    assert difference_interval(cases) == difference_interval(cases)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Repository]:
    repos = {}
    for pattern in (True, False):
        root: Path = tmp_path_factory.mktemp(f"world-{pattern}")
        history(1, weeks=104, pattern=pattern, items=False).write(root)
        repos[pattern], _, _ = load_repository(root)
    return repos


@pytest.mark.slow
def test_the_score_beats_days_left_where_providers_are_reliably_late(worlds):
    result = backtest(worlds[True])
    assert result.enough
    assert result.auc is not None and result.baseline_auc is not None
    assert result.auc > result.baseline_auc, result.verdict
    assert result.difference_low is not None and result.difference_low > 0, result.verdict
    assert result.verdict.startswith("risk score AUC"), result.verdict
    assert "better than the baseline" in result.verdict


@pytest.mark.slow
def test_the_score_equals_days_left_within_noise_where_nothing_is_planted(worlds):
    result = backtest(worlds[False])
    assert result.enough
    assert result.auc is not None and result.baseline_auc is not None
    assert abs(result.auc - result.baseline_auc) <= NOISE, result.verdict
    assert result.difference_low is not None and result.difference_low < 0, result.verdict
