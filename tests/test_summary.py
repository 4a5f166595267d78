"""`sosgen summary`: the pull request's job summary: new blockers and heads-ups,
escalated action items, missing updates."""

from __future__ import annotations

from conftest import DAY

NEXT = "2026-11-25"
PAYMENTS = f"meetings/{NEXT}/payments.yaml"


def add_meetings(repo):
    """Three more meetings reviewing an action raised on DAY, left open each time."""
    repo.write(
        f"meetings/{DAY}/_meeting.yaml",
        """\
        facilitator: dana
        actions:
          - id: A-2026-11-23-1
            text: Agree the refund event schema
            owner: bob
            due: 2026-11-24
        """,
    )
    for day in ("2026-11-25", "2026-11-27", "2026-11-30"):
        repo.write(
            f"meetings/{day}/_meeting.yaml",
            "facilitator: dana\nreview:\n  - {id: A-2026-11-23-1, status: open}\n",
        )
    for team, who, other in (("payments", "alice", "checkout"), ("checkout", "bob", "payments")):
        repo.write(
            f"meetings/2026-11-30/{team}.yaml",
            f"ambassador: {who}\ncompleted: none\nnext: none\nblockers: none\nheads_up: none\n"
            if team == "checkout"
            else f"""\
            ambassador: {who}
            completed: none
            next:
              - text: New refund flow
                for: [{other}]
            blockers:
              - text: "Waiting for [token introspection](https://evil.example) <b>now</b>"
                needs: identity
            heads_up: none
            """,
        )


def test_summary_of_a_pull_request(repo, run):
    add_meetings(repo)
    changed = "meetings/2026-11-30/payments.yaml"
    result = run("-C", repo.root, "summary", "--changed", changed, "README.md")
    assert result.code == 0
    assert result.out == (
        "## sosgen: Test Org\n"
        "\n"
        "### New blockers and heads-ups (1)\n"
        "- **Payments** blocker for Identity: Waiting for \\[token introspection\\]"
        "(https://evil.example) \\<b\\>now\\</b\\> (2026-11-30)\n"
        "\n"
        "### Escalated action items (1)\n"
        "- **A-2026-11-23-1** (bob, due 2026-11-24): Agree the refund event schema; "
        "open after 3 reviews\n"
        "\n"
        "### Missing updates for 2026-11-30 (1)\n"
        "- Identity\n"
    )


def test_without_changed_files_the_latest_meeting_counts(repo, run):
    result = run("-C", repo.root, "summary")
    assert "### New blockers and heads-ups (0)\nNone.\n" in result.out
    assert "### Missing updates for 2026-11-23 (0)\nNone.\n" in result.out


def test_a_pull_request_without_updates_has_nothing_new(repo, run):
    add_meetings(repo)
    result = run("-C", repo.root, "summary", "--changed")
    assert "### New blockers and heads-ups (0)\nNone.\n" in result.out


def test_broken_data_never_fails_the_summary(repo, run):
    repo.write("teams.yaml", "organization: [\n")
    result = run("-C", repo.root, "summary")
    assert (result.code, result.out) == (
        0,
        "## sosgen\n\nteams.yaml is missing or broken: see `sosgen check`.\n",
    )
