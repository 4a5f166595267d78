"""The risk score: each factor with its points and its reason, only what was known on
`today`, the same result for the same day, and the example organisation's ranking."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ROOT

from sosgen.diagnostics import Pos
from sosgen.intel import Risk, rank, score
from sosgen.intel.risk import HIGH, MEDIUM, history, snapshot
from sosgen.model import Dependency, Item, Meeting, Repository, Update
from sosgen.repo import load_repository

TODAY = dt.date(2026, 11, 23)
P = Pos("dependencies.yaml")


def dep(did: str, team: str = "checkout", on: str = "payments", **kw: object) -> Dependency:
    values: dict[str, object] = {
        "what": f"thing {did}",
        "needed_by": TODAY + dt.timedelta(days=10),
        "owner": "bob",
        "status": "open",
        "raised": TODAY - dt.timedelta(days=20),
    }
    values.update(kw)
    return Dependency(P, id=did, team=team, depends_on=on, **values)  # type: ignore[arg-type]


def factor(risk: Risk, name: str) -> tuple[float, str]:
    (found,) = [f for f in risk.factors if f.name == name]
    return found.contribution, found.reason


def test_time_factor_grows_as_the_date_nears_and_is_fixed_once_overdue():
    repo = Repository(org=None, dependencies=())
    near = score(dep("D-1", needed_by=TODAY + dt.timedelta(days=2)), repo, today=TODAY)
    far = score(dep("D-2", needed_by=TODAY + dt.timedelta(days=40)), repo, today=TODAY)
    late = score(dep("D-3", needed_by=TODAY - dt.timedelta(days=5)), repo, today=TODAY)
    assert factor(near, "time") == (
        1.75,
        "needed in 2 days (fewer than 3 deliveries yet: assuming 14 days of lead time)",
    )
    assert factor(far, "time")[0] == 0.52
    assert factor(late, "time") == (3.0, "overdue: needed by 2026-11-18, 5 days ago")


@pytest.mark.parametrize(
    ("committed", "points", "reason"),
    [
        (None, 0.5, "no committed date from payments"),
        (dt.date(2026, 12, 6), 2.3, "committed 3 days after needed-by"),
        (dt.date(2026, 12, 3), 0.5, "committed for the needed-by date itself: no slack"),
        (dt.date(2026, 12, 1), 0.0, "committed 2 days before needed-by"),
    ],
)
def test_commitment_factor(committed: dt.date | None, points: float, reason: str):
    risk = score(dep("D-1", committed=committed), Repository(org=None), today=TODAY)
    assert factor(risk, "commitment") == (points, reason)


def test_track_record_counts_only_deliveries_made_by_today():
    def delivered(did: str, on: str, late: bool, day: dt.date) -> Dependency:
        needed = day - dt.timedelta(days=3) if late else day + dt.timedelta(days=1)
        return dep(
            did,
            on=on,
            status="delivered",
            delivered=day,
            needed_by=needed,
            raised=day - dt.timedelta(days=20),
        )

    past = [
        delivered(f"P-{i}", "payments", True, TODAY - dt.timedelta(days=i + 1)) for i in range(3)
    ]
    others = [
        delivered(f"O-{i}", "search", False, TODAY - dt.timedelta(days=i + 1)) for i in range(5)
    ]
    future = [
        delivered(f"F-{i}", "payments", True, TODAY + dt.timedelta(days=i + 1)) for i in range(9)
    ]
    repo = Repository(org=None, dependencies=(*past, *others, *future))
    risk = score(dep("D-1"), repo, today=TODAY)
    # payments 3 of 3 late, the organisation 3 of 8: 4 * ((3 + 5 * 3/8) / (3 + 5) - 3/8)
    assert factor(risk, "track record") == (
        0.94,
        "payments delivered 3 of its last 3 late (the organisation: 3 of 8 late)",
    )
    on_time = score(dep("D-2", on="search"), repo, today=TODAY)
    assert factor(on_time, "track record") == (
        0.0,
        "search delivered its last 5 on time (the organisation: 3 of 8 late)",
    )


def test_blockers_fan_in_and_upstream():
    blocker = Item(
        Pos("m.yaml"), question="blockers", text="wait", teams=("payments",), dependency="D-1"
    )
    meetings = tuple(
        Meeting(
            day,
            f"meetings/{day}",
            None,
            {
                "checkout": Update(
                    Pos("u"), team="checkout", meeting=day, ambassador="bob", blockers=(blocker,)
                )
            },
            frozenset({"checkout"}),
        )
        for day in (
            TODAY - dt.timedelta(days=4),
            TODAY - dt.timedelta(days=2),
            TODAY + dt.timedelta(days=2),
        )
    )
    deps = (
        dep("D-1"),
        dep("D-2", team="mobile"),
        dep("D-3", team="search"),
        dep("D-4", team="payments", on="identity", status="blocked"),
        dep("D-5", team="payments", on="catalog", needed_by=TODAY - dt.timedelta(days=1)),
    )
    risk = score(deps[0], Repository(org=None, dependencies=deps, meetings=meetings), today=TODAY)
    assert factor(risk, "blockers") == (
        1.0,
        "raised as a blocker in 2 meetings (2026-11-19, 2026-11-21)",
    )
    assert factor(risk, "fan-in") == (0.5, "3 teams wait on payments (checkout, mobile, search)")
    assert factor(risk, "upstream") == (
        1.5,
        "payments itself waits on D-4 (identity, blocked), D-5 (catalog, overdue)",
    )


def test_levels_summary_and_order_of_factors():
    blocked = dep("D-1", status="blocked", committed=TODAY + dt.timedelta(days=15))
    risk = score(blocked, Repository(org=None), today=TODAY)
    assert risk.score >= HIGH > MEDIUM
    assert risk.level == "high"
    assert risk.summary == "high: committed 5 days after needed-by; marked blocked on the board"
    assert [f.contribution for f in risk.factors] == sorted(
        (f.contribution for f in risk.factors), reverse=True
    )
    assert risk.score == round(sum(f.contribution for f in risk.factors), 2)
    quiet = dep("D-2", needed_by=TODAY + dt.timedelta(days=60), committed=TODAY)
    calm = score(quiet, Repository(org=None), today=TODAY)
    assert calm.level == "low"


def test_the_same_day_gives_the_same_risk_and_a_later_delivery_stays_open_before_it():
    later = dep("D-1", status="delivered", delivered=TODAY + dt.timedelta(days=3))
    repo = Repository(org=None, dependencies=(later, dep("D-2")))
    first, again = rank(repo, TODAY), rank(repo, TODAY)
    assert first == again
    assert sorted(d.id for d, _ in first) == ["D-1", "D-2"]  # D-1 is delivered only later
    assert [d.id for d, _ in rank(repo, TODAY + dt.timedelta(days=3))] == ["D-2"]


def test_a_snapshot_is_what_was_known_that_day():
    raised_later = dep("D-9", raised=TODAY + dt.timedelta(days=1))
    snap = snapshot(history(Repository(org=None, dependencies=(raised_later,))), TODAY)
    assert snap.waiting == {}


def test_the_example_organisation_ranks_its_planted_risks_with_their_reasons():
    repo, _, _ = load_repository(ROOT)
    ranked = {d.id: r for d, r in rank(repo, TODAY)}
    assert set(ranked) == {
        "DEP-5",
        "DEP-6",
        "DEP-7",
        "DEP-8",
        "DEP-9",
        "DEP-10",
        "DEP-12",
        "DEP-13",
    }
    assert ranked["DEP-5"].level == "high"
    assert ranked["DEP-5"].summary.startswith("high: committed 5 days after needed-by")
    assert ranked["DEP-8"].summary.startswith("high: overdue: needed by 2026-11-18, 5 days ago")
    platform = factor(ranked["DEP-9"], "track record")
    assert platform == (
        0.57,
        "Platform delivered 2 of its last 2 late (the organisation: 2 of 4 late)",
    )
    order = [d.id for d, _ in rank(repo, TODAY)]
    assert order.index("DEP-12") == len(order) - 1  # needed in January: the calmest
