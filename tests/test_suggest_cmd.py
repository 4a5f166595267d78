"""`sosgen suggest` and `sosgen risk` as a user runs them: on this repository itself, on
a fixture repository with a product repository made of scripted commits, saving
suggestions.yaml for the site, and the errors a user can make."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, Repo

from sosgen.intel import Kind, Status, load_saved_suggestions
from sosgen.intel.suggestions_file import FILE, GENERATED, read
from sosgen.repo import load_repository

TEAMS_OWNS = (
    ("    aliases: [billing]\n", '    aliases: [billing]\n    owns: ["services/payments/**"]\n'),
    (
        "    ambassadors: [{person: bob, from: 2026-11-02}]\n",
        '    ambassadors: [{person: bob, from: 2026-11-02}]\n    owns: ["services/checkout/**"]\n',
    ),
    (
        "    ambassadors: [{person: erin, from: 2026-11-02}]\n",
        '    ambassadors: [{person: erin, from: 2026-11-02}]\n    owns: ["services/identity/**"]\n',
    ),
)


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-05T12:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=x", "-c", "user.email=x@y", *args],
        check=True,
        capture_output=True,
        env=env,
    )


def pull_request(root: Path, n: int, files: list[str]) -> None:
    git(root, "checkout", "-q", "-b", f"pr-{n}")
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"change {n}\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Change {n}")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", f"pr-{n}", "-m", f"Merge pull request #{n}")


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A product repository: identity and payments change together in 6 pull requests;
    checkout changes alone 6 times and once edits identity's proto."""
    root = tmp_path / "shop"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README.md").write_text("shop\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    for n in range(6):
        pull_request(root, n, [f"services/identity/t{n}.py", f"services/payments/p{n}.py"])
    for n in range(6, 12):
        pull_request(root, n, [f"services/checkout/c{n}.py"])
    pull_request(root, 12, ["services/identity/api/token.proto", "services/checkout/x.py"])
    return root


@pytest.fixture
def owned(repo: Repo) -> Repo:
    teams = repo.read("teams.yaml")
    for old, new in TEAMS_OWNS:
        teams = teams.replace(old, new, 1)
    repo.write("teams.yaml", teams)
    return repo


def test_suggest_runs_on_this_repository_itself(run):
    result = run("-C", ROOT, "suggest")
    assert result.code == 0, result.err
    assert "restated-blocker: checkout -> platform [new]" in result.out
    assert "meetings/2026-11-16/checkout.yaml:7:11 (2026-11-16)" in result.out
    data = json.loads(run("-C", ROOT, "suggest", "--format", "json").out)
    kinds = {s["kind"] for s in data["suggestions"]}
    assert {"restated-blocker", "silent-provider"} <= kinds
    assert all(s["evidence"] for s in data["suggestions"])


def test_suggest_reads_this_repository_as_a_code_repository_too(run):
    result = run("-C", ROOT, "suggest", "--code-repo", ROOT, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["source"]["ownership"] == "owns"
    assert data["source"]["changes"] > 0


def test_nothing_to_suggest_says_so(run, repo: Repo):
    result = run("-C", repo.root, "suggest")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("No suggestions")


def test_code_history_suggests_the_coupled_pair_with_its_commits(run, owned: Repo, shop: Path):
    result = run("-C", owned.root, "suggest", "--code-repo", shop)
    assert result.code == 0, result.err
    assert (
        "co-change: identity + payments [new, 6 shared changes, coupling 92%]\n"
        "  Identity and Payments changed together in 6 changes (coupling 92%: Identity 7 "
        "changes, Payments 6); no dependency between them is on the board\n"
    ) in result.out
    assert "    - " in result.out and ": Merge pull request #0" in result.out
    assert (
        "contract-change: checkout -> identity [new]\n"
        "  Checkout changed Identity's contract file services/identity/api/token.proto in "
        "1 change; no dependency between them is on the board\n"
    ) in result.out
    assert "code history: 14 changes of shop (0 too large, skipped), owners from owns" in result.out
    data = json.loads(run("-C", owned.root, "suggest", "--code-repo", shop, "--format", "json").out)
    (pair,) = [s for s in data["suggestions"] if s["kind"] == "co-change"]
    assert (pair["support"], pair["coupling"], pair["changes"]) == (6, 92, [7, 6])
    assert len(pair["evidence"]) == 6 and all(len(e["commit"]) == 40 for e in pair["evidence"])


def test_a_pair_on_the_board_is_known(run, owned: Repo, shop: Path):
    deps = owned.read("dependencies.yaml").replace(
        "team: checkout\n    depends_on: payments", "team: identity\n    depends_on: payments"
    )
    owned.write("dependencies.yaml", deps)
    result = run("-C", owned.root, "suggest", "--code-repo", shop)
    assert "co-change: identity + payments [known, 6 shared changes, coupling 92%]" in result.out
    assert "a dependency between them is already on the board" in result.out


def test_codeowners_instead_of_owns(run, repo: Repo, shop: Path, tmp_path: Path):
    codeowners = tmp_path / "CODEOWNERS"
    codeowners.write_text(
        "/services/identity/ @erin-gh\n/services/payments/ @alice-ng\n", encoding="utf-8"
    )
    repo.write(
        "teams.yaml",
        repo.read("teams.yaml").replace("name: Erin Li", "name: Erin Li, github: erin-gh"),
    )
    result = run("-C", repo.root, "suggest", "--code-repo", shop, "--codeowners", codeowners)
    assert result.code == 0, result.err
    assert "co-change: identity + payments" in result.out
    assert f"owners from {codeowners}" in result.out


def test_without_owns_or_codeowners_the_user_is_told_what_to_add(run, repo: Repo, shop: Path):
    result = run("-C", repo.root, "suggest", "--code-repo", shop)
    assert result.code == 2
    assert result.err == (
        "sosgen: no team has `owns:` globs in teams.yaml and the code repository has no "
        "CODEOWNERS; add `owns:` or pass --codeowners FILE\n"
    )


def test_a_folder_that_is_no_git_repository_is_exit_2_without_a_traceback(
    run, owned: Repo, tmp_path: Path
):
    result = run("-C", owned.root, "suggest", "--code-repo", tmp_path)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"sosgen: {tmp_path} is not a git repository\n"
    missing = run("-C", owned.root, "suggest", "--code-repo", tmp_path / "nope")
    assert missing.code == 2 and "is not a git repository" in missing.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--save"], "--save needs --code-repo"),
        (["--min-coupling", "150"], "is not a percentage from 0 to 100"),
        (["--min-shared", "0"], "must be at least 1"),
        (["--since", "yesterday"], "is not a date"),
    ],
)
def test_usage_errors(run, owned: Repo, args: list[str], message: str):
    result = run("-C", owned.root, "suggest", *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_save_writes_suggestions_yaml_that_the_site_reads(run, owned: Repo, shop: Path):
    result = run("-C", owned.root, "suggest", "--code-repo", shop, "--save")
    assert result.code == 0, result.err
    assert f"wrote 2 code suggestions to {owned.root / FILE}" in result.err
    text = owned.read(FILE)
    assert text.startswith(f"# {GENERATED}\n")
    saved, problems = read(owned.root)
    assert problems == []
    assert [(s.kind, s.teams) for s in saved] == [
        (Kind.COCHANGE, ("identity", "payments")),
        (Kind.CONTRACT, ("checkout", "identity")),
    ]
    repo, _, _ = load_repository(owned.root)
    assert [s.status for s in load_saved_suggestions(owned.root, repo)] == [Status.NEW] * 2
    # without the product repository, `suggest` shows what was saved
    offline = run("-C", owned.root, "suggest")
    assert "co-change: identity + payments [new, 6 shared changes, coupling 92%]" in offline.out
    # saving again replaces the generated file
    assert run("-C", owned.root, "suggest", "--code-repo", shop, "--save").code == 0
    # a dismissal in dependencies.yaml stops it coming back
    owned.write(
        "dependencies.yaml",
        owned.read("dependencies.yaml") + "dismissed:\n  - {teams: [payments, identity]}\n",
    )
    assert "identity + payments" not in run("-C", owned.root, "suggest").out
    assert "[dismissed" in run("-C", owned.root, "suggest", "--all").out


def test_save_refuses_to_overwrite_a_file_written_by_hand(run, owned: Repo, shop: Path):
    owned.write(FILE, "# my notes\nsuggestions: []\n")
    result = run("-C", owned.root, "suggest", "--code-repo", shop, "--save")
    assert result.code == 1
    assert result.err == (
        "sosgen: suggestions.yaml exists and was not written by sosgen (no generated header); "
        "move it away or delete it, then retry\n"
    )
    assert owned.read(FILE) == "# my notes\nsuggestions: []\n"


def test_a_broken_suggestions_file_is_reported_with_its_position(run, owned: Repo):
    owned.write(
        FILE, f"# {GENERATED}\ngenerated_by: sosgen suggest\nsuggestions:\n  - kind: guess\n"
    )
    result = run("-C", owned.root, "suggest")
    assert result.code == 1
    assert result.err.startswith("sosgen: suggestions.yaml:4:11: error: 'guess' is not one of:")


def test_risk_ranks_this_repository_with_reasons(run):
    result = run("-C", ROOT, "risk", "--today", "2026-11-23")
    assert result.code == 0, result.err
    assert (
        "DEP-5  high  5.93  Payments waits on Identity: Token introspection endpoint for "
        "service-to-service calls (needed by 2026-11-27)\n"
        "    +2.50  commitment: committed 5 days after needed-by\n"
    ) in result.out
    assert "    +3.00  time: overdue: needed by 2026-11-18, 5 days ago\n" in result.out
    data = json.loads(run("-C", ROOT, "risk", "--today", "2026-11-23", "--format", "json").out)
    assert data["dependencies"][0]["factors"][0]["reason"]
    assert [d["id"] for d in data["dependencies"]][:3] == ["DEP-5", "DEP-9", "DEP-8"]


def test_risk_backtest_on_this_repository_says_not_enough_history(run):
    result = run("-C", ROOT, "risk", "--backtest", "--today", "2026-11-23")
    assert result.code == 0, result.err
    assert "26 cases (an open dependency not yet due, at a meeting) in 8 meetings" in result.out
    assert "  not enough history: 5 dependencies with a known outcome (3 late)" in result.out
    data = json.loads(run("-C", ROOT, "risk", "--backtest", "--format", "json").out)
    assert data["enough"] is False and data["cases"] >= 26
