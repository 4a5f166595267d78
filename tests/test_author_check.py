"""`sosgen check --author HANDLE --changed FILES`: a warning when a pull request changes
another team's update, for organisations without CODEOWNERS reviews."""

from __future__ import annotations

from conftest import DAY

PAYMENTS = f"meetings/{DAY}/payments.yaml"
CHECKOUT = f"meetings/{DAY}/checkout.yaml"
RECORD = f"meetings/{DAY}/_meeting.yaml"
CLEAN = "0 errors, 0 warnings in 6 files checked\n"


def check(run, repo, author, *changed, fmt="text"):
    return run(
        "-C", repo.root, "check", "--today", DAY, "--format", fmt,
        "--author", author, "--changed", *changed,
    )  # fmt: skip


def test_own_team_update_is_fine(repo, run):
    result = check(run, repo, "alice-ng", PAYMENTS, "README.md")
    assert result.code == 0
    assert result.out == CLEAN


def test_another_teams_update_warns(repo, run):
    result = check(run, repo, "@Alice-NG", PAYMENTS, CHECKOUT)
    assert result.code == 0  # a warning: the team may have asked for help
    assert result.out.splitlines() == [
        f"{CHECKOUT}:1:1: warning: @Alice-NG (Alice Ng) is not a member of Checkout but "
        "changes its update; each team writes its own update: ask bob, its ambassador, to "
        "review it [update-author]",
        "0 errors, 1 warning in 6 files checked",
    ]
    assert check(run, repo, "alice-ng", CHECKOUT, "--strict").code == 1


def test_person_id_works_as_handle(repo, run):
    # erin has no github handle: her person id is accepted.
    assert check(run, repo, "erin", f"meetings/{DAY}/identity.yaml").out == CLEAN


def test_meeting_record_is_the_facilitators(repo, run):
    assert check(run, repo, "dana", RECORD).out == CLEAN
    result = check(run, repo, "bob-ray", RECORD)
    assert result.out.splitlines()[0] == (
        f"{RECORD}:1:1: warning: @bob-ray (Bob Ray) changes the meeting record, which the "
        "facilitator (dana) keeps; ask them to review it [update-author]"
    )


def test_unknown_author_warns_once(repo, run):
    result = check(run, repo, "mallory", PAYMENTS, CHECKOUT)
    assert result.out.splitlines() == [
        f"{PAYMENTS}:1:1: warning: the author @mallory is not a person in teams.yaml (by id "
        "or `github:`), so sosgen cannot tell whose update this is; add them under `people:` "
        "with their handle, or have the team's ambassador review the change [update-author]",
        "0 errors, 1 warning in 6 files checked",
    ]


def test_no_update_changed_no_warning(repo, run):
    assert check(run, repo, "mallory", "teams.yaml", "README.md").out == CLEAN
    assert check(run, repo, "mallory").out == CLEAN  # `git diff` listed nothing


def test_github_annotation(repo, run):
    result = check(run, repo, "alice-ng", CHECKOUT, fmt="github")
    assert result.out.startswith(
        f"::warning file={CHECKOUT},line=1,col=1,title=update-author::@alice-ng (Alice Ng)"
    )


def test_can_be_switched_off(repo, run):
    repo.write("teams.yaml", repo.read("teams.yaml") + "checks: {off: [update-author]}\n")
    assert check(run, repo, "alice-ng", CHECKOUT).out == CLEAN


def test_author_and_changed_go_together(repo, run):
    result = run("-C", repo.root, "check", "--author", "alice-ng")
    assert result.code == 2
    assert result.err == (
        "sosgen: --author and --changed go together: the pull request's author and the "
        "files it changes (e.g. from `git diff --name-only`)\n"
    )
    assert run("-C", repo.root, "check", "--changed", PAYMENTS).code == 2
    assert run("-C", repo.root, "check", "--author", "", "--changed", PAYMENTS).code == 2
