"""Suggestions from the updates' text: undeclared mentions, restated blockers, silent
providers; measured on a synthetic history whose truth is known."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, Repo
from hypothesis import given
from hypothesis import strategies as st
from intel_synth import history

from sosgen.diagnostics import Pos
from sosgen.intel import Kind, Status, text_suggestions
from sosgen.intel.text import (
    owned_names,
    restated_blockers,
    silent_providers,
    undeclared_mentions,
)
from sosgen.mentions import trie_pattern
from sosgen.model import Repository, Team
from sosgen.repo import load_repository

DAY = "2026-11-23"


def load(root: Path) -> Repository:
    repo, problems, _ = load_repository(root)
    assert [str(p) for p in problems if p.severity.value == "error"] == []
    return repo


def update(blocker: str = "none", nxt: str = "none") -> str:
    return f"ambassador: bob\ncompleted: none\nnext: {nxt}\nblockers: {blocker}\nheads_up: none\n"


def test_a_blocker_naming_an_undeclared_team_is_suggested_with_the_quoted_words(repo: Repo):
    repo.write(
        f"meetings/{DAY}/identity.yaml",
        update("\n  - text: Waiting on the billing team for the refund hook\n    needs: checkout"),
    )
    (found,) = undeclared_mentions(load(repo.root))
    assert found.kind is Kind.MENTION
    assert found.teams == ("identity", "payments")
    assert found.message == (
        'Identity\'s blocker names Payments ("billing"), but does not list it in `for`/`needs`'
    )
    assert found.note == "no dependency between them is on the board"
    (evidence,) = found.evidence
    assert (evidence.text, evidence.team, evidence.where) == (
        "billing",
        "payments",
        f"meetings/{DAY}/identity.yaml:5:11",
    )
    assert evidence.context == "Waiting on the billing team for the refund hook"
    assert str(evidence.date) == DAY


@pytest.mark.parametrize(
    ("text", "declared"),
    [
        ("Ask Identity about the refund hook", "identity"),  # declared in `needs`
        ("Our own Checkout release train is late", "identity"),  # the author itself
        ("Payments must review the refund hook", "identity"),  # DEP-1 is open between them
    ],
)
def test_declared_own_and_covered_mentions_are_not_suggested(repo: Repo, text: str, declared: str):
    repo.write(
        f"meetings/{DAY}/checkout.yaml", update(f"\n  - text: {text}\n    needs: {declared}")
    )
    assert undeclared_mentions(load(repo.root)) == []


def test_a_dependency_delivered_before_the_meeting_no_longer_covers_the_pair(repo: Repo):
    repo.write(
        "dependencies.yaml",
        """\
        dependencies:
          - {id: DEP-1, team: checkout, depends_on: payments, what: Refunds, needed_by: 2026-11-20,
             owner: bob, status: delivered, raised: 2026-11-02, delivered: 2026-11-19}
        """,
    )
    repo.write(
        f"meetings/{DAY}/identity.yaml",
        update(nxt="\n  - text: Payments and Checkout get the new token\n    for: [payments]"),
    )
    found = undeclared_mentions(load(repo.root))
    assert [(s.teams, [e.text for e in s.evidence]) for s in found] == [
        (("identity", "checkout"), ["Checkout"])
    ]


def test_a_dismissed_pair_stops_coming_back(repo: Repo):
    repo.write(
        f"meetings/{DAY}/identity.yaml",
        update(nxt="\n  - text: Billing copy for the login page\n    for: [checkout]"),
    )
    assert [s.teams for s in text_suggestions(load(repo.root))] == [("identity", "payments")]
    repo.write(
        "dependencies.yaml",
        repo.read("dependencies.yaml")
        + "dismissed:\n  - {teams: [payments, identity], reason: copy only}\n",
    )
    assert text_suggestions(load(repo.root)) == []
    (kept,) = text_suggestions(load(repo.root), include_dismissed=True)
    assert kept.status is Status.DISMISSED
    assert kept.note == "dismissed in dependencies.yaml"


def test_the_names_of_owned_code_count_as_mentions(repo: Repo):
    teams = repo.read("teams.yaml").replace(
        "    ambassadors: [{person: erin, from: 2026-11-02}]\n",
        "    ambassadors: [{person: erin, from: 2026-11-02}]\n"
        '    owns: ["services/token-service/**", "libs/**"]\n',
    )
    repo.write("teams.yaml", teams)
    repo.write(
        f"meetings/{DAY}/checkout.yaml",
        update("\n  - text: The token service rejects our refresh calls\n    needs: payments"),
    )
    (found,) = undeclared_mentions(load(repo.root))
    assert found.teams == ("checkout", "identity")
    assert '"token service", its code under services/token-service/**' in found.message


WORD = st.text(alphabet="abAB -.(", min_size=1, max_size=6).map(lambda w: " ".join(w.split()))


@given(
    st.sets(WORD.filter(bool), min_size=1, max_size=8), st.text(alphabet="abAB -.(\n", max_size=40)
)
def test_the_words_shared_prefixes_match_what_the_list_of_words_matches(words, text):
    words = {w.casefold() for w in words}
    longest_first = sorted(words, key=lambda w: (-len(w), w))
    listed = "|".join(r"\s+".join(map(re.escape, w.split())) for w in longest_first)
    plain = re.compile(rf"(?<![\w-])(?:{listed})(?![\w-])", re.IGNORECASE)
    trie = re.compile(rf"(?<![\w-])(?:{trie_pattern(words)})(?![\w-])", re.IGNORECASE)
    spans = [(found.start(), found.end()) for found in plain.finditer(text)]
    assert [(found.start(), found.end()) for found in trie.finditer(text)] == spans


def test_owned_names_skip_generic_and_glob_segments():
    team = Team(
        Pos("teams.yaml"),
        id="t",
        name="T",
        members=(),
        ambassadors=(),
        owns=("services/**", "libs/money/**", "web/*.ts", "apps/ios/", ".github/workflows/**"),
    )
    assert owned_names(team) == {
        "money": "libs/money/**",
        "ios": "apps/ios/",
        "workflows": ".github/workflows/**",
    }


def _blocker_meetings(repo: Repo, texts: list[tuple[str, str]]) -> None:
    for day, text in texts:
        repo.write(f"meetings/{day}/_meeting.yaml", "facilitator: dana\n")
        repo.write(
            f"meetings/{day}/checkout.yaml",
            update(f"\n  - text: {text}\n    needs: payments") if text else update(),
        )


def test_a_blocker_restated_a_third_time_asks_for_a_decision(repo: Repo):
    same = "No answer on the refund webhook"
    _blocker_meetings(
        repo,
        [("2026-11-16", same), ("2026-11-18", "no answer on the  refund webhook"), (DAY, same)],
    )
    (found,) = restated_blockers(load(repo.root))
    assert found.teams == ("checkout", "payments")
    assert found.message == (
        "Checkout has restated the same blocker on Payments in 3 updates in a row "
        "(2026-11-16, 2026-11-18, 2026-11-23): a decision is needed, not another restatement"
    )
    assert [str(e.date) for e in found.evidence] == ["2026-11-16", "2026-11-18", DAY]


def test_two_restatements_or_a_changed_blocker_are_not_suggested(repo: Repo):
    _blocker_meetings(
        repo,
        [("2026-11-16", "No answer yet"), ("2026-11-18", "No answer yet"), (DAY, "Answer late")],
    )
    assert restated_blockers(load(repo.root)) == []
    _blocker_meetings(repo, [("2026-11-16", "No answer yet"), ("2026-11-18", ""), (DAY, "")])
    assert restated_blockers(load(repo.root)) == []


def test_a_provider_that_never_plans_the_work_is_a_silent_provider(repo: Repo):
    for day in ("2026-11-18", "2026-11-20"):
        repo.write(f"meetings/{day}/_meeting.yaml", "facilitator: dana\n")
        repo.write(f"meetings/{day}/payments.yaml", update(nxt="none"))
    repo.write(
        "dependencies.yaml", repo.read("dependencies.yaml").replace("2026-11-02", "2026-11-17")
    )
    (found,) = silent_providers(load(repo.root))
    assert found.kind is Kind.SILENT
    assert found.message == (
        "Checkout waits on Payments for DEP-1 (Refund API v2), but Payments has not put it in "
        "its `next` in 3 updates since it was raised on 2026-11-17"
    )
    assert [e.where for e in found.evidence] == [
        "meetings/2026-11-18/payments.yaml:3:7",
        "meetings/2026-11-20/payments.yaml:3:7",
        f"meetings/{DAY}/payments.yaml:4:3",
    ]
    repo.write(
        f"meetings/{DAY}/payments.yaml",
        update(nxt="\n  - text: Refunds on staging\n    for: [checkout]\n    dependency: DEP-1"),
    )
    assert silent_providers(load(repo.root)) == []


def test_the_example_organisation_shows_its_planted_restatement():
    found = text_suggestions(load(ROOT))
    restated = [s for s in found if s.kind is Kind.RESTATED]
    assert [(s.teams, [str(e.date) for e in s.evidence]) for s in restated] == [
        (("checkout", "platform"), ["2026-11-16", "2026-11-18", "2026-11-20"])
    ]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory):
    truth = history(1)
    return truth, load(truth.write(tmp_path_factory.mktemp("synth")))


def test_text_detection_recall_and_precision_on_the_synthetic_history(synthetic):
    truth, repo = synthetic
    found = {
        (e.path, e.team)
        for s in text_suggestions(repo)
        if s.kind is Kind.MENTION
        for e in s.evidence
    }
    hits = found & truth.positives
    recall = len(hits) / len(truth.positives)
    precision = len(hits) / len(found)
    report = f"recall {recall:.3f}, precision {precision:.3f}, {len(truth.positives)} planted"
    assert recall >= 0.9, report
    assert precision >= 0.8, report
    # every false positive is a planted look-alike: nothing unexplained
    assert found - truth.positives <= truth.negatives


def test_every_planted_restatement_is_found(synthetic):
    truth, repo = synthetic
    found = {(s.teams[0], s.evidence[0].date) for s in restated_blockers(repo)}
    assert truth.restated
    assert set(truth.restated) <= found


def test_a_letter_that_only_matches_without_case_names_no_team() -> None:
    """`İ` matches `i` case-insensitively but folds to two characters: no crash, no team."""
    from types import SimpleNamespace

    from sosgen.mentions import MentionFinder

    finder = MentionFinder([SimpleNamespace(id="i", name="I team", aliases=())])  # type: ignore[list-item]
    assert [(m.team, m.term) for m in finder.find("\u0130, \u0131 and i")] == [("i", "i")]
