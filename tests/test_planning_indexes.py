"""The indexes the site's planning uses to stay fast over years of meetings give exactly
what the straightforward functions give: the rotation by date, the dependencies as
they stood, the bootstrap's AUCs (to the bit), and the teams a text names."""

from __future__ import annotations

import datetime as dt
import importlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from sosgen.actions import derive_actions, derive_parking
from sosgen.board import Timeline, as_of, open_span
from sosgen.diagnostics import Pos
from sosgen.health import expected_teams
from sosgen.intel.backtest import (
    Case,
    _auc_of_draws,
    _Ranked,
    _scrubbed,
    _tie_groups,
    _weighted_auc,
    difference_interval,
    outcome,
    replay,
)
from sosgen.intel.risk import assess, history, snapshot
from sosgen.mentions import MentionFinder, leading_run, trie_pattern
from sosgen.model import (
    DEPENDENCY_STATUSES,
    Dependency,
    Meeting,
    MeetingRecord,
    Org,
    Repository,
    Stint,
    Team,
)
from sosgen.repo import load_repository
from sosgen.rotation import Rotation, Rotations, current_stint, stint_end
from sosgen.views.plan import before, site_data

BACKTEST = importlib.import_module("sosgen.intel.backtest")  # the package's name is the function
START = dt.date(2026, 1, 1)
DAYS = st.integers(-3, 40).map(lambda n: START + dt.timedelta(days=n))


def team(tid: str, starts: Sequence[dt.date], aliases: tuple[str, ...] = ()) -> Team:
    stints = tuple(Stint(Pos("teams.yaml"), f"p{i}", day) for i, day in enumerate(starts))
    return Team(Pos("teams.yaml"), tid, tid.title(), (), stints, aliases=aliases)


@given(st.lists(DAYS, max_size=8), st.lists(DAYS, min_size=1, max_size=10))
def test_the_rotation_index_answers_as_the_rotation_does(starts, days):
    """Entries in any order, several on one day: the one written last of those begun."""
    t = team("payments", starts)
    rotation = Rotation(t)
    for day in days:
        assert rotation.stint(day) is current_stint(t, day)
        assert rotation.started(day) == (current_stint(t, day) is not None)
    for stint in t.ambassadors:
        assert rotation.end(stint) == stint_end(t, stint)


@given(st.lists(st.lists(DAYS, max_size=4), min_size=1, max_size=4), DAYS, st.booleans())
def test_expected_teams_with_the_index_are_the_teams_expected(rotations, day, listed):
    teams = tuple(team(f"t{i}", starts) for i, starts in enumerate(rotations))
    org = Org(Pos("teams.yaml"), "Org", "dana", {}, teams)
    record = MeetingRecord(Pos("m"), day, "dana", expected={"t0": "x"} if listed else {})
    meeting = Meeting(day, "meetings/x", record, {}, frozenset())
    plain = tuple(
        t.id for t in teams if (listed and t.id == "t0") or current_stint(t, day) is not None
    )
    assert expected_teams(org, meeting) == plain
    assert expected_teams(org, meeting, Rotations(teams)) == plain


def dependency(n: int, status: str, raised: dt.date, delivered: dt.date | None, committed: bool):
    return Dependency(
        Pos("dependencies.yaml"),
        id=f"DEP-{n}",
        team="checkout",
        depends_on="payments",
        what="x",
        needed_by=START + dt.timedelta(days=20),
        owner="bob",
        status=status,
        raised=raised,
        committed=START if committed else None,
        delivered=delivered,
    )


DEPENDENCIES = st.lists(
    st.tuples(st.sampled_from(DEPENDENCY_STATUSES), DAYS, st.none() | DAYS, st.booleans()),
    max_size=6,
).map(lambda found: [dependency(n, *values) for n, values in enumerate(found)])


@given(DEPENDENCIES, st.lists(DAYS, min_size=1, max_size=6))
def test_the_timeline_is_each_dependency_as_of_each_day(deps, days):
    timeline = Timeline(deps)
    for day in days:
        plain = [as_of(d, day) for d in deps]
        assert timeline.views(day) == plain
        assert timeline.known(day) == tuple(d for d in plain if d is not None)


@given(DEPENDENCIES, st.lists(DAYS, min_size=1, max_size=6))
def test_a_dependency_s_open_span_is_the_days_it_stood_open(deps, days):
    for dep in deps:
        span = open_span(dep)
        for day in days:
            view = as_of(dep, day)
            is_open = view is not None and view.is_open
            if span is None:
                assert not is_open
                continue
            first, until, open_view = span
            assert is_open == (first <= day and (until is None or day < until))
            if is_open:
                assert view == open_view


def plain_replay(repo: Repository, *, until: dt.date) -> list[Case]:
    """The replay as first written: every dependency as of every meeting."""
    scrubbed = replace(repo, dependencies=tuple(_scrubbed(d) for d in repo.dependencies))
    h = history(scrubbed)
    outcomes = {d.id: outcome(d, until) for d in repo.dependencies}
    cases = []
    for meeting in repo.meetings:
        if meeting.date > until:
            break
        for dep in scrubbed.dependencies:
            view = as_of(dep, meeting.date)
            late = outcomes[dep.id]
            if late is None or view is None or not view.is_open:
                continue
            left = (view.needed_by - meeting.date).days
            if left >= 0:
                risk = assess(view, h, today=meeting.date, snap=snapshot(h, meeting.date))
                cases.append(Case(meeting.date, dep.id, risk.score, left, late))
    return cases


@settings(max_examples=150, deadline=None)
@given(DEPENDENCIES, st.lists(DAYS, min_size=1, max_size=12, unique=True), DAYS)
def test_the_replay_is_the_one_first_written(deps, days, until):
    meetings = tuple(Meeting(day, f"meetings/{day}", None, {}, frozenset()) for day in sorted(days))
    repo = Repository(None, tuple(deps), meetings=meetings)
    assert replay(repo, until=until) == plain_replay(repo, until=until)


# The bootstrap: integer sums over ranks give `_weighted_auc`'s floats to the bit.

SCORES = st.sampled_from([0.0, -0.0, 0.5, 1.25, 2.0, 3.1, 4.07, 7.0, -1.0, 1e-9])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(SCORES | st.integers(-9, 9), st.booleans(), st.integers(0, 5)), max_size=40),
    st.lists(st.integers(0, 6), min_size=6, max_size=6),
)
def test_ranked_aucs_equal_the_tie_group_sums_to_the_bit(cases, drawn):
    scores = [s for s, _, _ in cases]
    labels = [y for _, y, _ in cases]
    owner = [o for _, _, o in cases]
    plain = _weighted_auc(_tie_groups(scores), labels, [float(drawn[o]) for o in owner])
    fast = _Ranked(scores, labels, owner).auc(drawn)
    assert fast == plain  # None for both, or the same float: not approximately
    assert _auc_of_draws(scores, labels, owner)(drawn) == plain


def plain_auc_of_draws(
    scores: Sequence[float], labels: Sequence[bool], owner: Sequence[int]
) -> Callable[[Sequence[int]], float | None]:
    """The AUC of a draw as first written: a float weight per case, tie groups summed."""
    groups = _tie_groups(scores)
    return lambda drawn: _weighted_auc(groups, labels, [float(drawn[o]) for o in owner])


def plain_difference_interval(
    cases: Sequence[Case], *, rounds: int, seed: int = 0
) -> tuple[float, float] | None:
    """The bootstrap with each draw's AUC as first written."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BACKTEST, "_auc_of_draws", plain_auc_of_draws)
        return difference_interval(cases, rounds=rounds, seed=seed)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), SCORES, st.integers(0, 30), st.booleans()),
        min_size=1,
        max_size=60,
    ),
    st.integers(0, 3),
)
def test_the_bootstrap_interval_is_the_one_first_written(found, seed):
    cases = [Case(START, f"DEP-{dep}", score, left, late) for dep, score, left, late in found]
    assert difference_interval(cases, rounds=50, seed=seed) == plain_difference_interval(
        cases, rounds=50, seed=seed
    )


def test_past_exact_integer_sums_the_bootstrap_sums_floats_as_first_written(monkeypatch):
    cases = [Case(START, f"DEP-{n % 4}", n % 3 / 2, n % 5, n % 2 == 0) for n in range(30)]
    fast = difference_interval(cases, rounds=40)
    assert fast is not None
    monkeypatch.setattr(BACKTEST, "EXACT_WEIGHT", 0)
    assert (
        difference_interval(cases, rounds=40) == fast == plain_difference_interval(cases, rounds=40)
    )
    nan = [math.nan, 1.0, 0.5]  # no order to rank by: the tie groups as first written
    labels, owner = [True, False, True], [0, 1, 1]
    plain = _weighted_auc(_tie_groups(nan), labels, [1.0, 2.0, 2.0])
    assert _auc_of_draws(nan, labels, owner)([1, 2]) == plain


# Mentions: the quick look at ASCII text passes over only text the expression would.

# Characters whose case rules reach ASCII (long s, Kelvin sign) and others. Not the
# dotless i nor the dotted I: a text matching a word through them folds to no word.
LETTERS = "abkisAKS-. ()@_0\u017f\u212a\u00df\u00e9\u00c9"
WORDS = st.text(alphabet=LETTERS, min_size=1, max_size=6).map(lambda w: " ".join(w.split()))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(WORDS.filter(bool), min_size=1, max_size=3), min_size=1, max_size=3),
    st.lists(st.text(alphabet=LETTERS + "\n\t", max_size=40), min_size=1, max_size=4),
)
def test_the_finder_finds_what_the_expression_alone_finds(aliases, texts):
    teams = [team(f"team{i}", (), tuple(words)) for i, words in enumerate(aliases)]
    finder = MentionFinder(teams)
    owner: dict[str, str] = {}
    for t in teams:
        for word in (t.id, t.name, *t.aliases):
            owner.setdefault(" ".join(word.casefold().split()), t.id)
    plain = re.compile(rf"(?<![\w-])(?:{trie_pattern(owner)})(?![\w-])", re.IGNORECASE)
    for text in texts:
        expected = [
            (owner[" ".join(found.group().casefold().split())], found.group(), found.start())
            for found in plain.finditer(text)
        ]
        assert [(f.team, f.term, f.start) for f in finder.find(text)] == expected
        assert finder.may_name(text) or not expected
    assert finder.may_name("\n".join(texts)) or not any(map(plain.search, texts))


def test_a_word_s_leading_run_is_what_every_match_shows_whole():
    assert leading_run("payments") == "payments"
    assert leading_run("token service") == "token"
    assert leading_run("data-platform.v2") == "data-platform"
    assert leading_run("\u017fhip") == "ship"  # the long s matches s and S
    assert leading_run("\u212ae") == "ke"  # so does the Kelvin sign k and K
    assert leading_run("zürich") == ""  # no ASCII text can match it
    assert leading_run(".net") is None  # starts with a non-word character: no run to look for


# The site's data: what the pages of every meeting look up, as the plain functions say.


def test_the_site_data_s_lookups_are_the_plain_functions_answers():
    repo, _, _ = load_repository(ROOT)
    assert repo.org is not None and repo.meetings
    org, last = repo.org, repo.meetings[-1].date
    data = site_data(repo, today=last)
    later = last + dt.timedelta(days=3)
    for day in [*(mt.date for mt in repo.meetings), later]:
        assert data.stints(day) == tuple(current_stint(t, day) for t in org.teams)
    for meeting in repo.meetings:
        assert data.expected(meeting) == expected_teams(org, meeting)
    start = before(data, later)  # every meeting held: the data's own action items
    limit = org.checks.escalate_after_meetings
    assert start.actions == derive_actions(start.repo, escalate_after=limit)
    assert start.parking == derive_parking(start.repo)
    earlier = before(data, last)  # one meeting fewer: replayed without it
    assert earlier.actions == derive_actions(earlier.repo, escalate_after=limit)
    assert len(earlier.repo.meetings) == len(repo.meetings) - 1
