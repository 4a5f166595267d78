"""`sosgen rotation`: who speaks for each team, since when, and who has served too long."""

from __future__ import annotations

from conftest import TEAMS


def test_prints_the_rotation_table(repo, run):
    result = run("-C", repo.root, "rotation", "--today", "2026-11-24")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "ambassadors on 2026-11-24:\n"
        "team      ambassador  since       meetings served  sprints\n"
        "payments  alice       2026-11-02  1                1.6\n"
        "checkout  bob         2026-11-02  1                1.6\n"
        "identity  erin        2026-11-02  1                1.6\n"
    )


def test_marks_a_long_stint_and_a_rotation_not_started(repo, run):
    teams = TEAMS.replace(
        "ambassadors: [{person: bob, from: 2026-11-02}]",
        "ambassadors: [{person: bob, from: 2026-09-01}]",
    ).replace(
        "ambassadors: [{person: erin, from: 2026-11-02}]",
        "ambassadors: [{person: erin, from: 2026-12-01}]",
    )
    repo.write("teams.yaml", teams)
    repo.write("meetings/2026-11-20/_meeting.yaml", "facilitator: dana\n")
    result = run("-C", repo.root, "rotation", "--today", "2026-11-24")
    assert result.out == (
        "ambassadors on 2026-11-24:\n"
        "team      ambassador  since       meetings served  sprints\n"
        "payments  alice       2026-11-02  2                1.6\n"
        "checkout  bob         2026-09-01  2                6.0      rotate: more than 2 sprints\n"
        "identity  -           -           -                -        rotation starts 2026-12-01\n"
    )


def test_a_later_stint_takes_over(repo, run):
    repo.write(
        "teams.yaml",
        TEAMS.replace("members: [alice]", "members: [alice, erin]").replace(
            "ambassadors: [{person: alice, from: 2026-11-02}]",
            "ambassadors: [{person: alice, from: 2026-11-02}, {person: erin, from: 2026-11-23}]",
        ),
    )
    result = run("-C", repo.root, "rotation", "--today", "2026-11-24")
    assert result.out.splitlines()[2] == "payments  erin        2026-11-23  1                0.1"


def test_a_broken_teams_yaml_is_reported(repo, run):
    repo.write("teams.yaml", TEAMS.replace("facilitator: dana\n", ""))
    result = run("-C", repo.root, "rotation", "--today", "2026-11-24")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "teams.yaml:1:1: error: missing required key 'facilitator' [missing-key]\n"
        "sosgen: 1 error in the repository; fix it (sosgen check) before printing the rotation\n"
    )
