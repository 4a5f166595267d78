"""Every rule: a failing fixture with its exact message, line and column, and the passing one.

The passing fixture of every rule is the base repository of conftest.py, which
must give no diagnostic at all; each failing fixture is that repository with a
few files edited (tests/rule_cases.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from rule_cases import CASES, apply_edits

from sosgen.commands.check import collect
from sosgen.rules import all_rules

TODAY = dt.date(2026, 11, 24)
D = "meetings/2026-11-23"

EXPECTED = {
    "codeowners-drift": ".github/CODEOWNERS:2:1: error: .github/CODEOWNERS no longer matches "
    "teams.yaml (line 2 is '/meetings/*/payments.yaml @someone-else' where teams.yaml gives "
    "'# After changing teams.yaml run `sosgen codeowners` and commit the result:'); run "
    "`sosgen codeowners` and commit the result",
    "unknown-team": f"{D}/payments.yaml:5:10: error: unknown team 'paymnets' in 'for'; did you "
    "mean 'payments'?",
    "unknown-person": "teams.yaml:3:14: error: unknown person 'dan' in 'facilitator'; did you "
    "mean 'dana'?",
    "unknown-dependency": f"{D}/payments.yaml:6:17: error: unknown dependency 'DEP-9' in "
    "'dependency'; did you mean 'DEP-1'?",
    "unknown-cluster": "teams.yaml:20:14: error: unknown cluster 'shopping' in team checkout; "
    "did you mean 'shop'?",
    "duplicate-id": "dependencies.yaml:11:9: error: duplicate dependency id 'DEP-1' (first at "
    "line 2); ids must be unique",
    "reserved-id": "teams.yaml:9:8: error: person id 'aux' is a reserved file name on Windows; "
    "choose another id",
    "unknown-rule": "teams.yaml:4:9: error: unknown rule 'status-not-cordination' in checks.off; "
    "did you mean 'status-not-coordination'?",
    "team-rotation": "teams.yaml:26:18: error: ambassadors of identity are not oldest first; "
    "order them by `from`",
    "update-location": f"{D}/payments.yaml:7:10: error: `meeting: 2026-11-20` but this file is "
    "in meetings/2026-11-23/; is it a copy of an earlier update? Update the answers and the date",
    "status-not-coordination": f"{D}/payments.yaml:3:5: warning: item names no other team "
    "(question 1): this is status, not coordination; add `for: [team]` or leave it for your "
    "own stand-up",
    "ambassador-not-scheduled": f"{D}/payments.yaml:1:13: warning: ambassador is 'erin' but the "
    "rotation in teams.yaml has 'alice' for payments on 2026-11-23; update the rotation if the "
    "ambassador changed",
    "ambassador-too-long": "teams.yaml:22:28: warning: 'bob' has been ambassador of checkout "
    "since 2026-09-01 (5.9 sprints, more than 2); rotate the role so the team does not depend "
    "on one person",
    "blocker-names-team": f"{D}/payments.yaml:5:11: warning: blocker text names team identity "
    '("Identity") but `needs` is checkout; if identity must help, raise a separate blocker '
    "with `needs: identity`",
    "id-date": f"{D}/_meeting.yaml:4:10: error: action id 'A-2026-11-20-1' does not carry this "
    "meeting's date; name it A-2026-11-23-<n>",
    "too-many-attendees": f"{D}/_meeting.yaml:2:12: warning: 5 attendees for 3 teams: one "
    "ambassador per team plus the facilitator keeps the meeting short; others can read the "
    "minutes",
    "over-timebox": f"{D}/_meeting.yaml:1:1: warning: estimated agenda is 7 minutes, over the "
    "5-minute timebox; move long discussions to the parking lot",
    "missing-update": f"{D}/_meeting.yaml:1:1: warning: no update from identity for the meeting "
    "of 2026-11-23; add meetings/2026-11-23/identity.yaml (or `none` answers)",
    "skipped-meeting": f"{D}/_meeting.yaml:1:1: warning: no meeting on 2026-11-20 (Fri), a day "
    "of the cadence; coordination gaps let dependencies slip",
    "dependency-record": "dependencies.yaml:9:13: error: DEP-1 is delivered but has no "
    "`delivered` date; add `delivered: YYYY-MM-DD`",
    "dependency-overdue": "dependencies.yaml:15:16: warning: DEP-2 (identity waits on checkout) "
    "was needed by 2026-11-20, 4 days ago, and is still open; agree a new date or escalate",
    "yaml-syntax": f"{D}/payments.yaml:3:1: error: invalid YAML: did not find expected ',' or ']'",
    "schema": "dependencies.yaml:9:13: error: 'late' is not one of: open, committed, blocked, "
    "delivered, dropped",
    "unknown-key": "teams.yaml:24:5: error: unknown key 'aliasses'; did you mean 'aliases'?",
    "missing-key": f"{D}/_meeting.yaml:1:1: error: missing required key 'facilitator'",
    "question-missing": f"{D}/payments.yaml:1:1: error: question 4 (heads_up) is never skipped: "
    "say whether you are about to block another team, or write `heads_up: none`",
    "layout": "meetings/2026-13-01:1:1: error: folder name is not a meeting date; name it "
    "YYYY-MM-DD",
    "unknown-action": f"{D}/_meeting.yaml:4:10: error: review of unknown action "
    "'A-2026-11-20-1': no meeting raised it; check the id",
    "review-order": f"{D}/_meeting.yaml:4:10: error: A-2026-11-23-1 is raised in this meeting; "
    "reviews start at the next one: remove the entry",
    "duplicate-review": f"{D}/_meeting.yaml:5:10: error: A-2026-11-20-1 is reviewed twice in "
    "this meeting (first at line 4); keep one entry",
    "review-closed": f"{D}/_meeting.yaml:4:10: error: A-2026-11-18-1 was closed (done) on "
    "2026-11-20; reviews stop once an item is closed: remove this entry, or reopen it with "
    "`status: open` and a note",
    "reopened-without-note": f"{D}/_meeting.yaml:4:34: warning: A-2026-11-18-1 was closed "
    "(done) on 2026-11-20 and is reopened here; add a `note:` saying why",
    "not-reviewed": f"{D}/_meeting.yaml:4:10: warning: A-2026-11-20-1 (bob: Agree schema) has "
    "no status; write `status: open`, `done` or `dropped`",
    "not-carried": f"{D}/_meeting.yaml:3:8: warning: open action A-2026-11-20-1 (bob, due "
    "2026-11-27) is missing from `review:`; list it with a status (sosgen new-meeting carries "
    "every open item)",
    "escalated": f"{D}/_meeting.yaml:4:5: warning: A-2026-11-16-1 is still open after 3 reviews "
    "(more than 2): escalate it (bob, due 2026-11-27: Agree schema)",
    "unknown-topic": f"{D}/_meeting.yaml:4:10: error: parking-lot entry 'P-2026-11-20-1' has no "
    "`topic:` and no earlier meeting defines that id; add `topic:` to define it here, or fix "
    "the id",
}


def test_the_passing_fixture_is_clean(repo):
    problems, _ = collect(repo.root, today=TODAY)
    assert problems == []


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_fires_with_exact_message(rule, repo):
    apply_edits(repo, CASES[rule])
    problems, _ = collect(repo.root, today=TODAY)
    lines = [f"{d.pos}: {d.severity.value}: {d.message}" for d in problems if d.rule == rule]
    assert EXPECTED[rule] in lines


def test_every_rule_has_a_case():
    loader_rules = {
        "yaml-syntax",
        "schema",
        "unknown-key",
        "missing-key",
        "question-missing",
        "layout",
    }
    needs_a_pull_request = {"update-author"}  # tests/test_author_check.py
    assert {r.id for r in all_rules()} - needs_a_pull_request | loader_rules <= set(EXPECTED)


def test_warnings_can_be_switched_off(repo):
    apply_edits(repo, CASES["status-not-coordination"])
    assert [d.rule for d in collect(repo.root, today=TODAY)[0]] == ["status-not-coordination"]
    teams = repo.read("teams.yaml").replace(
        "facilitator: dana", "facilitator: dana\nchecks: {off: [status-not-coordination]}"
    )
    repo.write("teams.yaml", teams)
    assert collect(repo.root, today=TODAY)[0] == []


def test_date_dependent_checks_are_warnings_only(repo):
    apply_edits(repo, CASES["dependency-overdue"])
    problems, _ = collect(repo.root, today=dt.date(2027, 6, 1))
    assert problems and all(d.severity.value == "warning" for d in problems)


def test_without_warnings_the_rules_give_exactly_the_errors(repo):
    from sosgen.diagnostics import Severity
    from sosgen.repo import load_repository
    from sosgen.rules import run_rules

    for rule in ("status-not-coordination", "unknown-team", "missing-update"):
        apply_edits(repo, CASES[rule])
    loaded, _, _ = load_repository(repo.root)
    every = run_rules(loaded, today=TODAY)
    assert {d.severity for d in every} == {Severity.ERROR, Severity.WARNING}
    errors = [d for d in every if d.severity is Severity.ERROR]
    assert run_rules(loaded, today=TODAY, warnings=False) == errors
