"""`sosgen update TEAM`: the ambassador's skeleton, rejected by `check` until answered."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from conftest import DAY, TEAMS

from sosgen.emit import dump_yaml
from sosgen.load import load_bytes
from sosgen.repo import load_repository

NEW = "meetings/2026-11-25/payments.yaml"
LAST = f"meetings/{DAY}/payments.yaml"
HEADER = """\
# yaml-language-server: $schema=https://sosgen.dev/schemas/update.schema.json
# The update of payments for the scrum of scrums of 2026-11-25. Every answer is about OTHER
# teams: name them with `for: [team]` (a blocker: `needs: team`). `none` is an answer;
# an empty one is not.
# 1. completed: what has your team completed since we last met that affects other teams?
# 2. next: what will your team work on next that affects other teams?
# 3. blockers: what blockers does your team have that require help from another team?
# 4. heads_up: are you about to introduce a blocker that will affect another team?
#    The most important question: never skip it.
# An item: `- text: ...` with `for: [team, ...]` (`needs: team` for a blocker) and
# optionally `dependency: DEP-12`.
"""
BLOCKERS = """\
ambassador: alice
completed: none
next: none
blockers:
  - text: Waiting for token introspection
    needs: identity
  - text: Refund API keys
    needs: checkout
    dependency: DEP-1
heads_up: none
"""
HOSTILE = [
    "#not a comment",
    "line one\nline two\n  indented\n",
    "key: value",
    "- leading dash",
    "'single' and \"double\" quotes",
    "NO",
    "null",
    "~",
    "012",
    "1e3",
    "10:30",
    "blockers:",
    "heads_up: none",
    "  leading and trailing spaces  ",
    "&anchor *alias",
    "!!python/object:os.system",
    "{flow: map}",
    "[flow, seq]",
    "| block",
    "> folded",
    "%YAML 1.2",
    "---",
    "...",
    "emoji 🚀 ünïcödé",
    "tab\there",
    "back\\slash",
    "line\u2028separator",
    "next\x85line",
    "\ufeffbom inside",
    "@at `tick`",
    "? question",
    "ends with colon:",
    "x\n# looks like a comment\n---\nnot: yaml",
]


def _uncomment(text: str) -> str:
    """What an ambassador does to keep every offered blocker: drop the leading `#`."""
    lines = text.splitlines(keepends=True)
    start = lines.index("blockers:\n") + 2  # after `blockers:` and the explanation
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("#"))
    return "".join(lines[:start] + [line[1:] for line in lines[start:end]] + lines[end:])


def test_writes_the_skeleton(repo, run):
    repo.write(LAST, BLOCKERS)
    result = run("-C", repo.root, "update", "payments", "--today", "2026-11-24")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"created {NEW}\n"
        "ambassador: alice (the rotation's for payments on 2026-11-25)\n"
        "offered 2 blockers still open in the update of 2026-11-23 as comments: uncomment "
        "the ones that still block you\n"
        f"answer the four questions, then run: sosgen check {NEW}\n"
    )
    assert repo.read(NEW) == HEADER + (
        "ambassador: alice\n"
        "completed:\n"
        "next:\n"
        "blockers:\n"
        "# Open in the update of 2026-11-23: uncomment the ones that still block you.\n"
        "#  - text: Waiting for token introspection\n"
        "#    needs: identity\n"
        "#  - text: Refund API keys\n"
        "#    needs: checkout\n"
        "#    dependency: DEP-1\n"
        "heads_up:\n"
    )


def test_check_rejects_the_skeleton_until_the_four_questions_are_answered(repo, run):
    run("-C", repo.root, "update", "payments", "--today", "2026-11-24")
    result = run("-C", repo.root, "check", NEW, "--today", "2026-11-24")
    assert result.code == 1
    assert result.out == (
        f"{NEW}:13:11: error: question 1 (completed) has no answer yet: list what you "
        "finished that affects other teams, or write `completed: none` [question-missing]\n"
        f"{NEW}:14:6: error: question 2 (next) has no answer yet: list what comes next that "
        "affects other teams, or write `next: none` [question-missing]\n"
        f"{NEW}:15:10: error: question 3 (blockers) has no answer yet: list what another "
        "team must unblock, or write `blockers: none` [question-missing]\n"
        f"{NEW}:16:10: error: question 4 (heads_up) has no answer yet: say whether you are "
        "about to block another team, or write `heads_up: none` [question-missing]\n"
        "4 errors, 0 warnings in 1 file checked\n"
    )
    answered = (
        repo.read(NEW)
        .replace("completed:\n", "completed: none\n")
        .replace("next:\n", "next:\n  - text: Refund events v2\n    for: [checkout]\n")
        .replace("blockers:\n", "blockers: none\n")
    )
    repo.write(NEW, answered)
    result = run("-C", repo.root, "check", NEW, "--today", "2026-11-24")
    assert result.out.splitlines() == [
        f"{NEW}:18:10: error: question 4 (heads_up) has no answer yet: say whether you are "
        "about to block another team, or write `heads_up: none` [question-missing]",
        "1 error, 0 warnings in 1 file checked",
    ]
    repo.write(NEW, answered.replace("heads_up:\n", "heads_up: none\n"))
    result = run("-C", repo.root, "check", NEW, "--today", "2026-11-24")
    assert (result.code, result.out) == (0, "0 errors, 0 warnings in 1 file checked\n")


def test_an_empty_ambassador_is_explained(repo, run):
    repo.write(NEW, "ambassador:\ncompleted: none\nnext: none\nblockers: none\nheads_up: none\n")
    result = run("-C", repo.root, "check", NEW, "--today", "2026-11-24")
    assert result.out.splitlines()[0] == (
        f"{NEW}:1:12: error: `ambassador:` is empty: write the person id of who gives this "
        "update [schema]"
    )


def test_uncommented_blockers_are_the_blockers_of_last_time(repo, run):
    repo.write(LAST, BLOCKERS)
    run("-C", repo.root, "update", "payments", "--today", "2026-11-24")
    kept = _uncomment(repo.read(NEW))
    for question in ("completed", "next", "heads_up"):
        kept = kept.replace(f"\n{question}:\n", f"\n{question}: none\n")
    repo.write(NEW, kept)
    result = run("-C", repo.root, "check", NEW, "--today", "2026-11-24")
    assert (result.code, result.out) == (0, "0 errors, 0 warnings in 1 file checked\n")
    model, _, _ = load_repository(repo.root)
    update = model.meetings[-1].updates["payments"]
    assert [(b.text, b.teams, b.dependency) for b in update.blockers] == [
        ("Waiting for token introspection", ("identity",), ""),
        ("Refund API keys", ("checkout",), "DEP-1"),
    ]


def test_delivered_dependencies_are_not_offered_again(repo, run):
    repo.write(LAST, BLOCKERS)
    deps = repo.read("dependencies.yaml").replace(
        "status: committed", "status: delivered\n    delivered: 2026-11-23"
    )
    repo.write("dependencies.yaml", deps)
    result = run("-C", repo.root, "update", "payments", "--today", "2026-11-24")
    assert "offered 1 blocker still open in the update of 2026-11-23" in result.out
    assert "Refund API keys" not in repo.read(NEW)


def test_hostile_texts_survive_the_round_trip(repo, run):
    """Texts written by people, carried into new files: the emitter writes them, the strict
    loader reads them back unchanged, and none escapes its comment or its value."""
    last = {
        "ambassador": "alice",
        "completed": "none",
        "next": "none",
        "blockers": [{"text": text, "needs": "identity"} for text in HOSTILE],
        "heads_up": [{"text": text, "for": ["checkout"]} for text in HOSTILE],
    }
    repo.write(LAST, dump_yaml(last))
    assert run("-C", repo.root, "check", LAST, "--today", DAY).out.count(": error: ") == 0

    assert run("-C", repo.root, "update", "payments", "--today", "2026-11-24").code == 0
    skeleton = repo.read(NEW)
    node, problems = load_bytes(skeleton.encode(), NEW)
    assert problems == []
    assert node.keys() == ["ambassador", "completed", "next", "blockers", "heads_up"]
    assert yaml.safe_load(skeleton) == {
        "ambassador": "alice",
        "completed": None,
        "next": None,
        "blockers": None,
        "heads_up": None,
    }
    kept = _uncomment(skeleton)
    assert load_bytes(kept.encode(), NEW)[1] == []
    assert [b["text"] for b in yaml.safe_load(kept)["blockers"]] == HOSTILE

    assert run("-C", repo.root, "new-meeting", "--today", "2026-11-24").code == 0
    model, problems, _ = load_repository(repo.root)
    assert [d.pos.path for d in problems if d.severity.value == "error"] == [NEW] * 4
    follow_up = model.meetings[-1].record.follow_up
    assert [f.text for f in follow_up if f.question == "blockers"] == HOSTILE
    assert [f.text for f in follow_up if f.question == "heads_up"] == HOSTILE


def test_the_default_meeting_is_the_next_one(repo, run):
    # on 2026-11-21 the next meeting is 2026-11-23, where identity's update exists already
    result = run("-C", repo.root, "update", "identity", "--today", "2026-11-21")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "sosgen: meetings/2026-11-23/identity.yaml already exists, not overwriting; edit it, "
        "or delete it to start again\n"
    )
    run("-C", repo.root, "new-meeting", "--today", "2026-11-24")  # opens 2026-11-25
    result = run("-C", repo.root, "update", "identity", "--today", "2026-11-24")
    assert result.out.splitlines()[0] == "created meetings/2026-11-25/identity.yaml"
    result = run("-C", repo.root, "update", "identity", "--today", "2026-11-26")
    assert result.out.splitlines()[0] == "created meetings/2026-11-27/identity.yaml"


def test_an_explicit_meeting_and_a_rerun(repo, run):
    args = ("-C", repo.root, "update", "checkout", "--meeting", "2026-11-27")
    assert run(*args, "--today", "2026-11-24").code == 0
    result = run(*args, "--today", "2026-11-24")
    assert (result.code, result.out) == (
        1,
        "meetings/2026-11-27/checkout.yaml already exists and is up to date; nothing to do\n",
    )


def test_dry_run_prints_and_writes_nothing(repo, run):
    result = run("-C", repo.root, "update", "payments", "--dry-run", "--today", "2026-11-24")
    assert result.code == 0
    assert result.out.startswith(f"would create {NEW} (dry run, nothing written):\n{HEADER}")
    assert not (repo.root / "meetings/2026-11-25").exists()


def test_unknown_team(repo, run):
    result = run("-C", repo.root, "update", "paymnets", "--today", "2026-11-24")
    assert (result.code, result.err) == (
        2,
        "sosgen: unknown team 'paymnets'; did you mean 'payments'?\n",
    )
    result = run("-C", repo.root, "update", "../../etc", "--today", "2026-11-24")
    assert (result.code, result.err) == (
        2,
        "sosgen: unknown team '../../etc'; teams: payments, checkout, identity\n",
    )


def test_a_rotation_not_started_leaves_the_ambassador_to_fill_in(repo, run):
    repo.write(
        "teams.yaml",
        TEAMS.replace(
            "ambassadors: [{person: erin, from: 2026-11-02}]",
            "ambassadors: [{person: erin, from: 2026-12-01}]",
        ),
    )
    result = run("-C", repo.root, "update", "identity", "--today", "2026-11-24")
    assert result.code == 0
    assert result.err == (
        "sosgen: warning: the rotation of identity in teams.yaml has no ambassador on "
        "2026-11-25; fill in `ambassador:`\n"
    )
    assert "\nambassador:\ncompleted:\n" in repo.read("meetings/2026-11-25/identity.yaml")


def test_another_teams_broken_file_does_not_block(repo, run):
    repo.write(f"meetings/{DAY}/checkout.yaml", "ambassador: [\n")
    assert run("-C", repo.root, "update", "payments", "--today", "2026-11-24").code == 0


def test_a_broken_teams_yaml_does(repo, run):
    repo.write("teams.yaml", TEAMS.replace("  - id: identity", "  - id: Identity"))
    result = run("-C", repo.root, "update", "payments", "--today", "2026-11-24")
    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        "sosgen: 1 error in the repository; fix it (sosgen check) before writing an update"
    )


@pytest.mark.parametrize("today", ["2026-11-24", "2026-11-25"])
def test_the_update_is_for_the_meeting_of_its_folder(repo, run, today):
    run("-C", repo.root, "update", "payments", "--today", today)
    model, _, _ = load_repository(repo.root)
    assert model.meetings[-1].date == dt.date(2026, 11, 25)
    assert "payments" in model.meetings[-1].update_files


def test_any_other_empty_value_says_what_to_write(repo, run):
    repo.write(f"meetings/{DAY}/_meeting.yaml", "facilitator:\n")
    result = run("-C", repo.root, "check", "--today", DAY)
    assert result.out.splitlines()[0] == (
        f"meetings/{DAY}/_meeting.yaml:1:13: error: no value: write an id of lowercase "
        "letters, digits and '-' (at most 40) [schema]"
    )
