"""The shipped pre-commit hook, run by the real pre-commit exactly as an organisation
would: `sosgen init` writes a repository whose .pre-commit-config.yaml points at a Git
copy of this working tree (at a commit, as `repo:` and `rev:` do), and pre-commit builds
the hook's environment from it with pip. `PRE_COMMIT_HOME` is temporary."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.slow

GIT_ENV = {
    "GIT_AUTHOR_NAME": "sosgen tests",
    "GIT_AUTHOR_EMAIL": "tests@sosgen.invalid",
    "GIT_COMMITTER_NAME": "sosgen tests",
    "GIT_COMMITTER_EMAIL": "tests@sosgen.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
# What pip needs to build sosgen: the package and its metadata.
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "sosgen")
UPDATE = "meetings/2026-11-25/team-a.yaml"
TODAY = "2026-11-23"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@dataclass
class Org:
    root: Path
    env: dict[str, str]

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def write(self, relpath: str, text: str) -> None:
        (self.root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (self.root / relpath).write_text(text, encoding="utf-8")
        git(self.root, "add", "-A")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree, committed in a Git repository of its own: (path, commit)."""
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "sosgen under test")
    return repo, git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the tests here, so the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def org(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> Iterator[Org]:
    path, rev = hook_repo
    root = tmp_path / "org"
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(pre_commit_home)}
    env.pop("PRE_COMMIT", None)
    done = subprocess.run(
        [sys.executable, "-m", "sosgen", "init", str(root), "--today", TODAY,
         "--hook-repo", str(path), "--hook-rev", rev],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # The checks judge dates against today: the hook runs as of the day the repository
    # was made, whatever the clock says (else the meeting of 2026-11-25 would lack
    # team-b's update once that day has passed).
    config = root / ".pre-commit-config.yaml"
    hook = "      - id: sosgen-check\n"
    text = config.read_text(encoding="utf-8")
    assert hook in text, text
    config.write_text(
        text.replace(hook, f'{hook}        args: ["--today", "{TODAY}"]\n'), encoding="utf-8"
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    yield Org(root, env)


def test_manifest_and_configs_are_valid(org: Org) -> None:
    manifest = org.pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"))
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    configs = org.pre_commit(
        "validate-config", str(ROOT / ".pre-commit-config.yaml"), ".pre-commit-config.yaml"
    )
    assert configs.returncode == 0, configs.stdout + configs.stderr
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook == [
        {
            "id": "sosgen-check",
            "name": "sosgen check",
            "description": "Check scrum-of-scrums updates against teams.yaml, "
            "dependencies.yaml and every meeting.",
            "entry": "sosgen check",
            "language": "python",
            "files": r"^(teams\.yaml|dependencies\.yaml|meetings/.+\.yaml)$",
            "pass_filenames": True,
            "require_serial": True,
            "minimum_pre_commit_version": "3.5.0",
        }
    ]


def test_hook_passes_on_a_new_repository(org: Org) -> None:
    result = org.pre_commit("run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sosgen check" in result.stdout
    assert "Passed" in result.stdout


def test_hook_fails_on_a_broken_update_with_file_line_col(org: Org) -> None:
    org.write(
        UPDATE,
        "ambassador: ambassador-a\ncompleted: NO\nnext: none\nblockers: none\nheads_up: none\n",
    )
    result = org.pre_commit("run", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert (
        f"{UPDATE}:2:12: error: expected a list of items, or the word none, got 'NO' [schema]"
        in result.stdout
    ), result.stdout
    assert "1 error, 0 warnings in 3 files checked" in result.stdout  # teams.yaml: all


def test_hook_checks_only_the_changed_update_against_the_rest(org: Org) -> None:
    # Another team's broken file is not this commit's problem ...
    org.write("meetings/2026-11-25/team-b.yaml", "ambassador: nobody\n")
    org.write(
        UPDATE,
        "ambassador: ambassador-a\ncompleted: none\n"
        "next:\n  - text: New login page\n    for: [team-c]\n"
        "blockers: none\nheads_up: none\n",
    )
    result = org.pre_commit("run", "sosgen-check", "--files", UPDATE)
    # ... but a team that teams.yaml does not know is.
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"{UPDATE}:5:10: error: unknown team 'team-c' in 'for'; did you mean 'team-b'? "
        "[unknown-team]\n1 error, 0 warnings in 1 file checked\n" in result.stdout
    ), result.stdout
    assert "team-b.yaml" not in result.stdout
    # Files that are not sosgen data never reach the hook.
    org.write("notes.yaml", "anything: [\n")
    result = org.pre_commit("run", "sosgen-check", "--files", "notes.yaml", "README.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no files to check)Skipped" in result.stdout
