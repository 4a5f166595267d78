"""`sosgen check PATH`, the pre-commit hook's command, shows the diagnostics of PATH and of
the global files. It runs only the rules that can report on those kinds of file, and
imports only what they need: the same output as checking everything, in less time."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest
from conftest import DAY, ROOT
from rule_cases import CASES, apply_edits

from sosgen.codeowners import Change
from sosgen.commands import check
from sosgen.commands.check import collect
from sosgen.diagnostics import Diagnostic
from sosgen.model import Repository
from sosgen.rules import all_rules, kind_of, run_rules

TODAY = dt.date(2026, 11, 24)
PAYMENTS = f"meetings/{DAY}/payments.yaml"


def _meeting_files(repo):
    found = sorted(p for p in (repo.root / "meetings").glob("*/*.yaml") if p.is_file())
    return [p.relative_to(repo.root).as_posix() for p in found]


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: d.sort_key)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("teams.yaml", "teams.yaml"),
        ("dependencies.yaml", "dependencies.yaml"),
        ("meetings/2026-11-23/_meeting.yaml", "meeting record"),
        ("meetings/2026-11-23/payments.yaml", "update"),
        ("meetings/2026-11-23", "meeting folder"),
        (".github/CODEOWNERS", "other file"),
        ("CODEOWNERS", "other file"),
    ],
)
def test_kind_of(path, kind):
    assert kind_of(path) == kind


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_rule_reports_only_on_the_kinds_of_file_it_declares(case, repo):
    apply_edits(repo, CASES[case])
    reports = {rule.id: rule.reports for rule in all_rules()}
    problems, _ = collect(repo.root, today=TODAY)
    assert problems
    for d in problems:
        if d.rule in reports:
            assert kind_of(d.pos.path) in reports[d.rule], str(d)


def test_the_author_check_reports_on_the_files_it_declares(repo):
    change = Change("bob-ray", (f"meetings/{DAY}/_meeting.yaml", PAYMENTS))
    problems, _ = collect(repo.root, today=TODAY, change=change)
    (rule,) = (r for r in all_rules() if r.id == "update-author")
    reported = [d for d in problems if d.rule == rule.id]
    assert len(reported) == 2
    assert all(kind_of(d.pos.path) in rule.reports for d in reported)


@pytest.mark.parametrize("case", sorted(CASES))
def test_checking_a_file_shows_what_running_every_rule_shows_for_it(case, repo, monkeypatch):
    apply_edits(repo, CASES[case])
    paths = _meeting_files(repo)  # (checking a global file checks everything)
    fast = [collect(repo.root, today=TODAY, paths=[path]) for path in paths]

    def every_rule(model: Repository, *, kinds: object = None, **kw: Any) -> list[Diagnostic]:
        """What `check PATH` ran before: every rule, CODEOWNERS read, then filtered."""
        return run_rules(model, codeowners=check.load_codeowners(repo.root), **kw)

    monkeypatch.setattr(check, "run_rules", every_rule)
    slow = [collect(repo.root, today=TODAY, paths=[path]) for path in paths]
    for path, (got, _), (want, _) in zip(paths, fast, slow, strict=True):
        assert _sorted(got) == _sorted(want), path


def test_the_author_check_of_one_file(repo, run):
    checkout = f"meetings/{DAY}/checkout.yaml"
    result = run(
        "-C", repo.root, "check", "--today", DAY, checkout,
        "--author", "alice-ng", "--changed", PAYMENTS, checkout,
    )  # fmt: skip
    assert result.out.splitlines() == [
        f"{checkout}:1:1: warning: @alice-ng (Alice Ng) is not a member of Checkout but "
        "changes its update; each team writes its own update: ask bob, its ambassador, to "
        "review it [update-author]",
        "0 errors, 1 warning in 1 file checked",
    ]


def test_checking_an_update_imports_neither_codeowners_nor_the_action_replay(repo):
    apply_edits(repo, CASES["codeowners-drift"])  # a CODEOWNERS file that `check` would compare
    script = (
        "import sys\n"
        "from sosgen.cli import main\n"
        f"code = main(['-C', sys.argv[1], 'check', '--today', '{DAY}', '{PAYMENTS}'])\n"
        "print(code, sorted(m for m in sys.modules if m in sys.argv[2:]))\n"
    )
    unwanted = ["sosgen.codeowners", "sosgen.actions", "sosgen.commands.build"]
    result = subprocess.run(
        [sys.executable, "-c", script, str(repo.root), *unwanted],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "0 []"
