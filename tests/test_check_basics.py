"""`sosgen check` on a valid repository, output formats and exit codes."""

from __future__ import annotations

import json

from conftest import DAY


def test_valid_repository_passes(repo, run):
    result = run("-C", repo.root, "check", "--today", DAY)
    assert result.out == "0 errors, 0 warnings in 6 files checked\n"
    assert result.code == 0


def test_errors_exit_1_and_are_sorted(repo, run):
    repo.write(
        f"meetings/{DAY}/payments.yaml",
        """\
        ambassador: zed
        completed: none
        next: none
        blockers: none
        heads_up: none
        """,
    )
    repo.write(f"meetings/{DAY}/checkout.yaml", "ambassador: bob\n")
    result = run("-C", repo.root, "check", "--today", DAY)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == (
        f"meetings/{DAY}/checkout.yaml:1:1: error: question 1 (completed) is not "
        "answered: list what you finished that affects other teams, or write "
        "`completed: none` [question-missing]"
    )
    assert lines[4] == (
        f"meetings/{DAY}/payments.yaml:1:13: error: unknown person 'zed' in "
        "'ambassador'; add them under `people:` in teams.yaml [unknown-person]"
    )
    assert lines[-1] == "5 errors, 0 warnings in 6 files checked"


def test_strict_makes_warnings_fail(repo, run):
    repo.write(
        f"meetings/{DAY}/identity.yaml",
        """\
        ambassador: erin
        completed:
          - text: Tidied our logs
        next: none
        blockers: none
        heads_up: none
        """,
    )
    assert run("-C", repo.root, "check", "--today", DAY).code == 0
    assert run("-C", repo.root, "check", "--strict", "--today", DAY).code == 1


def test_json_format(repo, run):
    repo.write(
        f"meetings/{DAY}/identity.yaml",
        "ambassador: erin\ncompleted: none\nnext: none\nblockers: none\nheads_up: maybe\n",
    )
    result = run("-C", repo.root, "check", "--format", "json", "--today", DAY)
    payload = json.loads(result.out)
    assert payload["errors"] == 1
    assert payload["diagnostics"] == [
        {
            "path": f"meetings/{DAY}/identity.yaml",
            "line": 5,
            "column": 11,
            "severity": "error",
            "rule": "schema",
            "message": "expected a list of items, or the word none, got 'maybe'",
        }
    ]


def test_github_format(repo, run):
    repo.write(
        f"meetings/{DAY}/identity.yaml",
        "ambassador: erin\ncompleted: none\nnext: none\nblockers: none\nheads_up: maybe\n",
    )
    result = run("-C", repo.root, "check", "--format", "github", "--today", DAY)
    assert result.out.splitlines()[0] == (
        f"::error file=meetings/{DAY}/identity.yaml,line=5,col=11,title=schema::expected a list "
        "of items, or the word none, got 'maybe'"
    )


def test_paths_check_only_those_files(repo, run):
    repo.write(f"meetings/{DAY}/checkout.yaml", "ambassador: bob\n")
    result = run(
        "-C", repo.root, "check", f"{repo.root}/meetings/{DAY}/payments.yaml", "--today", DAY
    )
    assert (result.code, result.out) == (0, "0 errors, 0 warnings in 1 file checked\n")
    result = run(
        "-C", repo.root, "check", f"{repo.root}/meetings/{DAY}/checkout.yaml", "--today", DAY
    )
    assert result.code == 1


def test_usage_errors_exit_2(repo, run):
    assert run("-C", repo.root, "check", "nope.yaml").code == 2
    assert run("-C", repo.root / "missing", "check").code == 2
    assert run("check", "--format", "xml").code == 2
    result = run("-C", repo.root, "check", "--today", "2026-02-30")
    assert result.code == 2
    assert "'2026-02-30' is not a date" in result.err


def test_a_meeting_record_is_checked_against_the_whole_action_history(repo, run):
    repo.write(
        "meetings/2026-11-20/_meeting.yaml",
        "facilitator: dana\nactions:\n"
        "  - {id: A-2026-11-20-1, text: Agree schema, owner: bob, due: 2026-11-27}\n",
    )
    repo.write(
        f"meetings/{DAY}/_meeting.yaml",
        "facilitator: dana\nreview:\n"
        "  - {id: A-2026-11-20-1, status: done}\n  - {id: A-2026-11-19-1, status: done}\n",
    )
    result = run("-C", repo.root, "check", f"meetings/{DAY}/_meeting.yaml", "--today", DAY)
    assert result.out.splitlines() == [
        f"meetings/{DAY}/_meeting.yaml:4:10: error: review of unknown action 'A-2026-11-19-1': "
        "no meeting raised it; did you mean 'A-2026-11-20-1'? [unknown-action]",
        "1 error, 0 warnings in 1 file checked",
    ]
