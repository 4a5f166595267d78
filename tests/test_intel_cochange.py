"""Dependencies from code history: ownership globs and CODEOWNERS, git log reading on
real repositories made in the test, the counting, and the planted synthetic history."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from intel_synth import code_plan, write_git
from intel_synth import history as synth_history

from sosgen.diagnostics import Pos
from sosgen.errors import UsageError
from sosgen.intel import Kind
from sosgen.intel.cochange import (
    TeamChange,
    Thresholds,
    attribute,
    code_suggestions,
    contract_hits,
    count_pairs,
    coupled_pairs,
    is_contract,
)
from sosgen.intel.gitlog import Change, check_repository, parse_log, read_changes
from sosgen.intel.owners import from_owns, matches, parse_codeowners
from sosgen.model import Dependency, Dismissal, Org, Person, Repository, Team
from sosgen.repo import load_repository

# --- ownership --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [  # the examples of GitHub's CODEOWNERS documentation
        ("*", "anything/at/all.txt", True),
        ("*.js", "src/app/main.js", True),
        ("*.js", "src/app/main.ts", False),
        ("/build/logs/", "build/logs/today.log", True),
        ("/build/logs/", "src/build/logs/today.log", False),
        ("docs/*", "docs/getting-started.md", True),
        ("docs/*", "docs/build-app/troubleshooting.md", False),
        ("apps/", "apps/web/index.ts", True),
        ("apps/", "src/apps/web/index.ts", True),
        ("/docs/", "docs/a/b.md", True),
        ("**/logs", "deeply/nested/logs/x.log", True),
        ("**/logs", "logs/x.log", True),
        ("/apps/github", "apps/github/x.py", True),
        ("/apps/github", "apps/githubber/x.py", False),
        ("services/payments/**", "services/payments/api/v1.proto", True),
        ("services/payments/**", "services/paymentsx/v1.proto", False),
        ("ab?.txt", "x/abc.txt", True),
        ("ab?.txt", "x/ab/c.txt", False),
    ],
)
def test_patterns_follow_github_codeowners(pattern: str, path: str, expected: bool):
    assert matches(pattern, path) is expected


def _org() -> Org:
    def team(tid: str, members: tuple[str, ...], github_team: str = "") -> Team:
        return Team(
            Pos("teams.yaml"),
            id=tid,
            name=tid.title(),
            members=members,
            ambassadors=(),
            github_team=github_team,
            owns=(f"services/{tid}/**",),
        )

    people = {
        "alice": Person(Pos("teams.yaml"), id="alice", name="Alice Ng", github="alice-ng"),
        "bob": Person(Pos("teams.yaml"), id="bob", name="Bob Ray", email="bob@acme.example"),
    }
    return Org(
        Pos("teams.yaml"),
        organization="Acme",
        facilitator="alice",
        people=people,
        teams=(
            team("payments", ("alice",), "@acme/pay-team"),
            team("checkout", ("bob",)),
            team("identity", ()),
        ),
    )


def test_codeowners_owners_map_to_teams_and_the_last_match_wins():
    text = """\
    # comment
    *                      @acme/platform-unknown
    /services/             @acme/pay-team          # github_team of payments
    /services/checkout/    @alice-ng bob@acme.example
    /services/identity/    @acme/identity
    *.md
    !/services/ignored/    @acme/identity
    [abc].py               @acme/identity
    """
    ownership = parse_codeowners("\n".join(line.strip() for line in text.splitlines()), _org())
    assert ownership.teams_of("services/payments/api.py") == {"payments"}
    assert ownership.teams_of("services/checkout/cart.py") == {"payments", "checkout"}
    assert ownership.teams_of("services/identity/x.py") == {"identity"}
    assert ownership.teams_of("services/identity/README.md") == set()  # no owner, last match
    assert ownership.teams_of("tools/x.py") == set()  # owners nobody knows
    assert [rule.line for rule in ownership.rules] == [2, 3, 4, 5, 6]


def test_owns_globs_in_teams_order():
    ownership = from_owns(_org().teams)
    assert ownership.teams_of("services/checkout/a.py") == {"checkout"}
    assert ownership.teams_of("web/a.py") == set()


# --- counting ---------------------------------------------------------------------


def _change(n: int, *teams: str, author: str = "x@example.com", files: int = 0) -> TeamChange:
    paths = {t: (f"services/{t}/f{n}.py",) for t in teams}
    change = Change(f"{n:040x}", dt.date(2026, 1, 1), author, "X", f"change {n}", ())
    return TeamChange(change, frozenset(teams), paths)


def test_pairs_need_every_threshold():
    changes = [_change(i, "a", "b") for i in range(5)]  # 5 shared, 5 each: 100%
    changes += [_change(10 + i, "c", "d") for i in range(4)]  # 4 shared: below min_shared
    changes += [_change(20 + i, "e", "f") for i in range(5)]
    changes += [_change(30 + i, "e") for i in range(30)]  # e: 35 changes, f: 5: 25% coupling
    found = coupled_pairs(changes, Thresholds())
    assert [(p.teams, p.shared, p.changes, p.coupling) for p in found] == [
        (("a", "b"), 5, (5, 5), 100)
    ]
    below = {p.teams: p for p in count_pairs(changes)}
    assert below[("c", "d")].shared == 4
    assert below[("e", "f")].coupling == 25


def test_min_changes_is_a_threshold_of_its_own():
    changes = [_change(i, "a", "b") for i in range(3)]
    assert coupled_pairs(changes, Thresholds(min_shared=2)) == []
    assert coupled_pairs(changes, Thresholds(min_changes=3, min_shared=2)) != []


def test_coupling_is_shared_over_the_average_and_the_threshold_is_inclusive():
    # 6 shared, a 20 changes, b 20: 6 / 20 = 30% exactly
    changes = [_change(i, "a", "b") for i in range(6)]
    changes += [_change(10 + i, "a") for i in range(14)] + [_change(40 + i, "b") for i in range(14)]
    (pair,) = coupled_pairs(changes, Thresholds())
    assert pair.coupling == 30


def test_large_changes_and_unowned_files_are_left_out():
    ownership = from_owns(_org().teams)
    big = Change(
        "1" * 40, dt.date(2026, 1, 1), "x", "X", "format", tuple(f"f{i}" for i in range(31))
    )
    limit = Change(
        "2" * 40,
        dt.date(2026, 1, 1),
        "x",
        "X",
        "ok",
        tuple(f"services/payments/{i}" for i in range(30)),
    )
    docs = Change("3" * 40, dt.date(2026, 1, 1), "x", "X", "docs", ("docs/a.md",))
    attributed = attribute([big, limit, docs], ownership, max_files=30)
    assert (attributed.skipped, attributed.unowned, len(attributed.changes)) == (1, 1, 1)


def test_contract_files_changed_by_another_team_are_flagged():
    contracts = ("a/b.proto", "api/openapi.yaml", "x.graphql", "db/schema.sql")
    assert all(map(is_contract, contracts))
    assert not any(map(is_contract, ("schemas.py", "openapi", "proto/readme.md")))
    org = _org()
    by_bob = Change("a" * 40, dt.date(2026, 1, 1), "bob@acme.example", "Bob", "refund reason", ())
    files = {
        "payments": ("services/payments/openapi.yaml",),
        "checkout": ("services/checkout/c.py",),
    }
    change = TeamChange(by_bob, frozenset(files), files)
    (hit,) = contract_hits([change], org)
    assert (hit.changer, hit.owner, hit.path) == (
        "checkout",
        "payments",
        "services/payments/openapi.yaml",
    )
    by_alice = Change(
        "b" * 40, dt.date(2026, 1, 1), "1+alice-ng@users.noreply.github.com", "A", "x", ()
    )
    assert contract_hits([TeamChange(by_alice, frozenset(files), files)], org) == []
    stranger = Change("c" * 40, dt.date(2026, 1, 1), "who@else", "Who", "x", ())
    (hit,) = contract_hits([TeamChange(stranger, frozenset(files), files)], org)
    assert hit.changer == "checkout"  # unknown author: the team of the change's other files


NOON = "2026-01-05T12:00:00Z"

# --- git --------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=x", "-c", "user.email=x@y", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_AUTHOR_DATE": NOON, "GIT_COMMITTER_DATE": NOON},
    )
    return result.stdout.strip()


def commit(root: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def pull_request(root: Path, branch: str, commits: list[dict[str, str]]) -> None:
    git(root, "checkout", "-q", "-b", branch)
    for i, files in enumerate(commits):
        commit(root, files, f"{branch} part {i}")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", branch, "-m", f"Merge {branch}")


@pytest.fixture
def scripted(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, {"README.md": "shop\n"}, "start")
    pull_request(
        root, "refunds", [{"services/payments/a.py": "1"}, {"services/checkout/b.py": "1"}]
    )
    pull_request(root, "names", [{"services/payments/ünïcode name.py": "1"}])
    commit(root, {"services/identity/c.py": "1"}, "direct push")
    return root


def test_each_merged_pull_request_is_one_change_with_all_its_files(scripted: Path):
    changes = read_changes(scripted)
    assert [(c.subject, c.files, c.merge) for c in changes] == [
        ("start", ("README.md",), False),
        ("Merge refunds", ("services/checkout/b.py", "services/payments/a.py"), True),
        ("Merge names", ("services/payments/ünïcode name.py",), True),
        ("direct push", ("services/identity/c.py",), False),
    ]
    assert all(c.date == dt.date(2026, 1, 5) and len(c.commit) == 40 for c in changes)
    assert read_changes(scripted, since=dt.date(2026, 1, 6)) == []


def test_a_folder_that_is_no_git_repository_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="is not a git repository"):
        check_repository(tmp_path)
    with pytest.raises(UsageError, match="is not a git repository"):
        read_changes(tmp_path / "missing")


def test_an_empty_repository_has_no_changes(tmp_path: Path):
    git(tmp_path, "init", "-q", "-b", "main")
    assert read_changes(tmp_path) == []


def test_parse_log_reads_the_z_format():
    text = (
        "\x1eabc\x1fp1 p2\x1fa@b\x1fA\x1f2026-01-02\x1fMerge x\x1f\nTitle\n\x00\nf 1\x00g\x00"
        "\x1edef\x1f\x1fa@b\x1fA\x1f2026-01-01\x1fstart\x1f\x00\nREADME\x00"
    )
    first, second = parse_log(text)
    assert (first.commit, first.merge, first.files) == ("abc", True, ("f 1", "g"))
    assert first.summary == "Merge x: Title"
    assert (second.commit, second.merge, second.files) == ("def", False, ("README",))


def test_this_repository_s_own_history_reads_without_error():
    assert read_changes(ROOT)


# --- the planted synthetic code history -----------------------------------------------


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repository, list[Change]]:
    root = tmp_path_factory.mktemp("planted")
    plan = code_plan(1)
    write_git(plan, root / "code")
    synth_history(1, weeks=1, items=False).write(root / "org")
    repo, _, _ = load_repository(root / "org")
    return repo, plan, read_changes(root / "code")


def test_every_planted_pair_above_the_thresholds_and_no_pair_below(planted):
    repo, plan, changes = planted
    assert repo.org is not None
    above, below = plan.truth()
    found = code_suggestions(repo, changes, from_owns(repo.org.teams))
    pairs = {s.teams for s in found if s.kind is Kind.COCHANGE}
    assert pairs == above
    assert not pairs & below
    assert {("identity", "mobile"), ("payments", "platform"), ("catalog", "shipping")} <= below
    assert ("identity", "search") not in pairs  # coupled only by oversize changes
    for s in found:
        if s.kind is Kind.COCHANGE:
            assert len(s.evidence) == s.support >= 5
            assert all(len(e.commit) == 40 for e in s.evidence)


def test_the_planted_contract_change_is_flagged(planted):
    repo, _, changes = planted
    found = code_suggestions(repo, changes, from_owns(repo.org.teams))
    (contract,) = [s for s in found if s.kind is Kind.CONTRACT]
    assert contract.teams == ("checkout", "payments")
    assert contract.message == (
        "Checkout changed Payments' contract file services/payments/api/openapi.yaml in 1 change"
    )
    assert contract.evidence[0].text in (
        "Add refund reason to the payments API",  # a direct push
        "Merge pull request #1 from acme/topic-1: Add refund reason to the payments API",
    )


def test_pairs_on_the_board_are_known_and_dismissed_pairs_marked(planted):
    repo, _, changes = planted
    assert repo.org is not None
    board = Dependency(
        Pos("dependencies.yaml"),
        id="DEP-900",
        team="search",
        depends_on="catalog",
        what="Facets",
        needed_by=dt.date(2026, 2, 1),
        owner="search-a",
        status="delivered",
        raised=dt.date(2026, 1, 1),
        delivered=dt.date(2026, 1, 20),
    )
    dismissed = Dismissal(Pos("dependencies.yaml"), teams=frozenset({"checkout", "payments"}))
    marked = replace(repo, dependencies=(board,), dismissed=(dismissed,))
    found = code_suggestions(marked, changes, from_owns(repo.org.teams))
    assert {(s.kind.value, s.teams, s.status.value) for s in found} == {
        ("co-change", ("catalog", "search"), "known"),
        ("co-change", ("checkout", "payments"), "dismissed"),
        ("contract-change", ("checkout", "payments"), "dismissed"),
    }
