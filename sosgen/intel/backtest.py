"""An honest backtest of the risk score: replay the repository's own history.

At each meeting, every dependency open then and not yet past its needed-by date is a
case, scored with only what was known that day. Its outcome is what happened after:
late (delivered after needed-by, or still open past it at the end of the history)
or on time (delivered by needed-by). Dropped dependencies and those whose needed-by
is still ahead have no outcome and are left out.

The replay cannot see when a `committed` date or a `blocked` status was written
(the files keep only today's value), so it scores without them rather than let
today's values leak the outcome into the past: the figures measure the factors with
a dated history (time, blockers, track record, fan-in, upstream).

Reported: the area under the ROC curve (Mann-Whitney, ties counted half), precision
and recall of each meeting's top k, the same for the baseline "fewest days left
first", the number of cases and of dependencies, and a 95% interval for the AUC
difference from a bootstrap over dependencies (cases of one dependency move together).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from operator import add, itemgetter, mul

from sosgen import model as m
from sosgen.board import as_of, open_span
from sosgen.intel.risk import History, Snapshot, assess, history, snapshot

MIN_CASES = 100  # scored (meeting, dependency) cases
MIN_DEPENDENCIES = 20  # dependencies with a known outcome
MIN_PER_CLASS = 5  # of them late, and on time
TOP_K = 3
BOOTSTRAP = 400
NOT_ENOUGH = "not enough history"
# A bootstrap round's total case weight W below this keeps every sum and product
# `_weighted_auc` makes in floats a multiple of 1/2 no larger than W**2 <= 2**52, so
# exact: the same AUC then comes out of integer sums to the bit.
EXACT_WEIGHT = 2**26


@dataclass(frozen=True, slots=True)
class Case:
    meeting: dt.date
    dependency: str
    score: float
    days_left: int
    late: bool


@dataclass(frozen=True, slots=True)
class BacktestResult:
    cases: int
    dependencies: int  # distinct dependencies among the cases
    late_dependencies: int
    meetings: int  # meetings with at least one case
    positives: int  # late cases
    negatives: int
    auc: float | None
    baseline_auc: float | None
    k: int
    precision_at_k: float | None
    recall_at_k: float | None
    baseline_precision_at_k: float | None
    baseline_recall_at_k: float | None
    difference_low: float | None  # 95% bootstrap interval of auc - baseline_auc
    difference_high: float | None
    enough: bool
    until: dt.date | None

    @property
    def verdict(self) -> str:
        """One plain sentence for the briefing."""
        if not self.enough:
            return (
                f"{NOT_ENOUGH}: {self.dependencies} dependencies with a known outcome "
                f"({self.late_dependencies} late) in {self.cases} cases; the backtest needs "
                f"{MIN_DEPENDENCIES} ({MIN_PER_CLASS} late, {MIN_PER_CLASS} on time) "
                f"and {MIN_CASES} cases"
            )
        assert self.auc is not None and self.baseline_auc is not None
        low, high = self.difference_low or 0.0, self.difference_high or 0.0
        if low > 0:
            compared = "better than"
        elif high < 0:
            compared = "worse than"
        else:
            compared = "no different from"
        return (
            f"risk score AUC {self.auc:.2f} vs {self.baseline_auc:.2f} for days left alone, "
            f"{compared} the baseline (difference {low:+.2f} to {high:+.2f}), "
            f"over {self.cases} cases of {self.dependencies} dependencies"
        )


def outcome(dep: m.Dependency, until: dt.date) -> bool | None:
    """True late, False on time, None not known on `until`."""
    view = as_of(dep, until)
    if view is None or view.status == "dropped":
        return None
    if view.status == "delivered":
        return view.delivered is not None and view.delivered > view.needed_by
    return True if view.needed_by < until else None


def _scrubbed(dep: m.Dependency) -> m.Dependency:
    """`dep` without what the files cannot date: its committed date and a blocked status."""
    status = "open" if dep.status in ("committed", "blocked") else dep.status
    return replace(dep, committed=None, status=status)


def replay(repo: m.Repository, *, until: dt.date | None = None) -> list[Case]:
    end = until or (repo.meetings[-1].date if repo.meetings else None)
    if end is None:
        return []
    scrubbed = replace(repo, dependencies=tuple(_scrubbed(d) for d in repo.dependencies))
    h: History = history(scrubbed)
    outcomes = {d.id: outcome(d, end) for d in repo.dependencies}
    # A dependency with an outcome is a case at each meeting it stood open on, by its
    # needed-by date: found for it once, not asked of every dependency at every meeting.
    spans = []
    for dep in scrubbed.dependencies:
        late, span = outcomes[dep.id], open_span(dep)
        if late is not None and span is not None:
            first, until_day, view = span
            spans.append((first, until_day, view.needed_by, view, late))
    cases = []
    # The board changes at a few meetings only: between them, a snapshot is the last
    # one made, on another day (a snapshot reads the dependencies known, and the day).
    kept: tuple[tuple[m.Dependency, ...], Snapshot] | None = None
    for meeting in repo.meetings:
        day = meeting.date
        if day > end:
            break
        found = [
            (view, late)
            for first, until_day, needed_by, view, late in spans
            if first <= day <= needed_by and (until_day is None or day < until_day)
        ]
        if not found:
            continue
        known = h.timeline.known(day)
        if kept is not None and kept[0] == known:
            snap = replace(kept[1], today=day)
        else:
            snap = snapshot(h, day, known)
            kept = (known, snap)
        for view, late in found:
            risk = assess(view, h, today=day, snap=snap)
            cases.append(Case(day, view.id, risk.score, (view.needed_by - day).days, late))
    return cases


def _tie_groups(scores: Sequence[float]) -> list[list[int]]:
    """Case indices grouped by equal score, lowest score first."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    groups: list[list[int]] = []
    for i in order:
        if groups and scores[groups[-1][0]] == scores[i]:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _weighted_auc(
    groups: Sequence[Sequence[int]], labels: Sequence[bool], weights: Sequence[float]
) -> float | None:
    """Mann-Whitney U over tie groups: each late case scores 1 against every on-time
    case below it and 1/2 against those tied with it; weights count repeated cases."""
    below = wins = pos_total = neg_total = 0.0
    for group in groups:
        pos = sum(weights[i] for i in group if labels[i])
        neg = sum(weights[i] for i in group if not labels[i])
        wins += pos * below + 0.5 * pos * neg
        below += neg
        pos_total += pos
        neg_total += neg
    if pos_total == 0 or neg_total == 0:
        return None
    return wins / (pos_total * neg_total)


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Mann-Whitney AUC: the chance a late case outscores an on-time one, ties half."""
    return _weighted_auc(_tie_groups(scores), labels, [1.0] * len(scores))


def top_k(cases: Sequence[Case], k: int, *, baseline: bool) -> tuple[float | None, float | None]:
    """Precision and recall when each meeting's k riskiest cases are flagged."""
    by_meeting: dict[dt.date, list[Case]] = {}
    for case in cases:
        by_meeting.setdefault(case.meeting, []).append(case)
    flagged = hits = 0
    for group in by_meeting.values():
        if baseline:
            group.sort(key=lambda c: (c.days_left, c.dependency))
        else:
            group.sort(key=lambda c: (-c.score, c.days_left, c.dependency))
        flagged += len(group[:k])
        hits += sum(c.late for c in group[:k])
    positives = sum(c.late for c in cases)
    precision = hits / flagged if flagged else None
    recall = hits / positives if positives else None
    return precision, recall


def _aucs(cases: Sequence[Case]) -> tuple[float | None, float | None]:
    labels = [c.late for c in cases]
    return auc([c.score for c in cases], labels), auc([-c.days_left for c in cases], labels)


def _picker(indices: Sequence[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """`seq -> tuple(seq[i] for i in indices)` in one call: `itemgetter` from two on."""
    if len(indices) >= 2:
        return itemgetter(*indices)
    return lambda seq: tuple(seq[i] for i in indices)


class _Ranked:
    """One score's cases ranked once, for AUCs whose case weights are how often each
    case's dependency was drawn. Twice the wins are then a product over
    dependencies, w . M . w: M counts, for each dependency with late cases and each
    with on-time ones, the pairs of their cases where the on-time one scores below
    the late one, plus those where it scores at most it. A round sums a few dozen
    products per dependency drawn, not one term per case (900 cases of 60
    dependencies at 450 meetings)."""

    __slots__ = ("_late", "_late_cases", "_on_time", "_on_time_cases", "_rows")

    def __init__(self, scores: Sequence[float], labels: Sequence[bool], owner: Sequence[int]):
        on_time = sorted((i for i, y in enumerate(labels) if not y), key=scores.__getitem__)
        ranked = [scores[i] for i in on_time]
        late_deps = sorted({owner[i] for i, y in enumerate(labels) if y})
        on_time_deps = sorted({owner[i] for i in on_time})
        column = {dep: n for n, dep in enumerate(on_time_deps)}
        row_of = {dep: n for n, dep in enumerate(late_deps)}
        late_cases = [0] * len(late_deps)
        # Where each late case's row takes the on-time cases' counts so far: at the
        # number of them below its score, and again at the number at most it.
        takes: dict[int, list[int]] = {}
        for i, y in enumerate(labels):
            if y:
                n = row_of[owner[i]]
                late_cases[n] += 1
                takes.setdefault(bisect.bisect_left(ranked, scores[i]), []).append(n)
                takes.setdefault(bisect.bisect_right(ranked, scores[i]), []).append(n)
        rows = [[0] * len(on_time_deps) for _ in late_deps]
        counts = [0] * len(on_time_deps)  # of the on-time cases passed, those of each dependency
        for j in range(len(on_time) + 1):
            for n in takes.get(j, ()):
                rows[n] = list(map(add, rows[n], counts))
            if j < len(on_time):
                counts[column[owner[on_time[j]]]] += 1
        self._rows = rows
        self._late_cases = late_cases
        self._on_time_cases = counts
        self._late = _picker(late_deps)
        self._on_time = _picker(on_time_deps)

    def auc(self, drawn: Sequence[int]) -> float | None:
        """`_weighted_auc` in integers: twice its wins over the late cases' and the
        on-time cases' total weights."""
        late, on_time = self._late(drawn), self._on_time(drawn)
        wins2: int = sum(
            weight * sum(map(mul, row, on_time))
            for weight, row in zip(late, self._rows, strict=True)
            if weight
        )
        late_total: int = sum(map(mul, late, self._late_cases))
        on_time_total: int = sum(map(mul, on_time, self._on_time_cases))
        if late_total == 0 or on_time_total == 0:
            return None
        return wins2 / (2 * late_total * on_time_total)  # correctly rounded, as float / is


def _auc_of_draws(
    scores: Sequence[float], labels: Sequence[bool], owner: Sequence[int]
) -> Callable[[Sequence[int]], float | None]:
    """The AUC with each case weighted by how often its dependency (`owner`) was drawn,
    one draw per dependency: ranked once and summed in integers when that gives
    `_weighted_auc`'s float to the bit (a round's weight under EXACT_WEIGHT, no NaN
    score), else `_weighted_auc` itself."""
    most = max(Counter(owner).values(), default=0)
    if len(set(owner)) * most < EXACT_WEIGHT and all(s == s for s in scores):
        return _Ranked(scores, labels, owner).auc
    groups = _tie_groups(scores)
    return lambda drawn: _weighted_auc(groups, labels, [float(drawn[o]) for o in owner])


def difference_interval(
    cases: Sequence[Case], *, rounds: int = BOOTSTRAP, seed: int = 0
) -> tuple[float, float] | None:
    """95% interval of AUC minus baseline AUC, resampling whole dependencies (a case's
    weight is how often its dependency was drawn)."""
    ids = sorted({c.dependency for c in cases})
    index = {dep: n for n, dep in enumerate(ids)}
    owner = [index[c.dependency] for c in cases]
    labels = [c.late for c in cases]
    by_score = _auc_of_draws([c.score for c in cases], labels, owner)
    by_days = _auc_of_draws([-c.days_left for c in cases], labels, owner)
    rng = random.Random(seed)
    diffs = []
    for _ in range(rounds):
        drawn = [0] * len(ids)
        for n in rng.choices(range(len(ids)), k=len(ids)):
            drawn[n] += 1
        a = by_score(drawn)
        b = by_days(drawn)
        if a is not None and b is not None:
            diffs.append(a - b)
    if len(diffs) < rounds // 2:
        return None
    diffs.sort()
    return diffs[math.floor(0.025 * (len(diffs) - 1))], diffs[math.ceil(0.975 * (len(diffs) - 1))]


def backtest(repo: m.Repository, *, k: int = TOP_K, until: dt.date | None = None) -> BacktestResult:
    cases = replay(repo, until=until)
    deps = {c.dependency: c.late for c in cases}
    late_deps = sum(deps.values())
    positives = sum(c.late for c in cases)
    enough = (
        len(cases) >= MIN_CASES
        and len(deps) >= MIN_DEPENDENCIES
        and min(late_deps, len(deps) - late_deps) >= MIN_PER_CLASS
    )
    score_auc, base_auc = _aucs(cases)
    precision, recall = top_k(cases, k, baseline=False)
    base_precision, base_recall = top_k(cases, k, baseline=True)
    interval = difference_interval(cases) if enough else None
    end = until or (repo.meetings[-1].date if repo.meetings else None)
    return BacktestResult(
        cases=len(cases),
        dependencies=len(deps),
        late_dependencies=late_deps,
        meetings=len({c.meeting for c in cases}),
        positives=positives,
        negatives=len(cases) - positives,
        auc=score_auc,
        baseline_auc=base_auc,
        k=k,
        precision_at_k=precision,
        recall_at_k=recall,
        baseline_precision_at_k=base_precision,
        baseline_recall_at_k=base_recall,
        difference_low=interval[0] if interval else None,
        difference_high=interval[1] if interval else None,
        enough=enough,
        until=end,
    )
