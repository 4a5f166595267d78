"""The CI workflows: actionlint passes them, and the security rules hold: pull_request and
never pull_request_target, least-privilege permissions, deploy only from main, every
action pinned to a full commit SHA. The repository's own workflows are the ones `init`
writes, installing sosgen from the checkout."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from sosgen import adopt

WORKFLOWS = ROOT / ".github/workflows"
CHECK = WORKFLOWS / "sosgen-check.yml"
PUBLISH = WORKFLOWS / "sosgen-publish.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict[str, object]:
    # BaseLoader keeps `on:` a string key (YAML 1.1 would read it as true).
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(data, dict)
    return data


def actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent)
    )
    if found is None:
        pytest.fail(
            "actionlint is not installed: install the test extras (pip install -e '.[test]')"
        )
    return found


def test_repository_workflows_are_the_ones_init_writes():
    for relpath, text in adopt.workflows(".", "github").items():
        assert (ROOT / relpath).read_text(encoding="utf-8") == text, relpath
    for relpath, text in adopt.workflows(".", "gitlab").items():
        assert (ROOT / relpath).read_text(encoding="utf-8") == text, relpath


def test_actionlint_passes(tmp_path):
    # This repository's workflows, and the ones init writes with a PyPI requirement.
    org = tmp_path / ".github/workflows"
    org.mkdir(parents=True)
    for relpath, text in adopt.workflows("sosgen==1.2.3", "github").items():
        (tmp_path / relpath).write_text(text, encoding="utf-8")
    paths = [*sorted(WORKFLOWS.glob("*.yml")), *sorted(org.glob("*.yml"))]
    assert len(paths) == 4
    result = subprocess.run(
        [actionlint(), "-no-color", *map(str, paths)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(CHECK.read_text().replace("runs-on: ubuntu-latest", "runs-on: [[["))
    result = subprocess.run([actionlint(), str(broken)], capture_output=True, text=True)
    assert result.returncode == 1


def test_no_pull_request_target_anywhere():
    for path in [*WORKFLOWS.glob("*.yml"), *adopt.SCAFFOLD.glob("*.yml")]:
        assert "pull_request_target" not in path.read_text().replace(
            "never pull_request_target", ""
        ), path
    assert load(CHECK)["on"] == {"pull_request": ""}


def test_check_workflow_reads_only():
    workflow = load(CHECK)
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    assert all("permissions" not in job for job in jobs.values())
    steps = jobs["check"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "sosgen check --format github" in runs
    assert any(run.startswith("sosgen build") for run in runs)
    assert any("sosgen summary" in run and "GITHUB_STEP_SUMMARY" in run for run in runs)
    checkout = steps[0]
    assert checkout["with"]["persist-credentials"] == "false"


def test_publish_workflow_least_privilege_and_main_only():
    workflow = load(PUBLISH)
    assert workflow["on"] == {
        "push": {"branches": ["main"]},
        "schedule": [{"cron": "17 5 * * 1-5"}],
    }
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert isinstance(jobs, dict)
    assert set(jobs) == {"build", "deploy"}
    assert "permissions" not in jobs["build"]
    deploy = jobs["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    uses = [step["uses"].split("@")[0] for step in deploy["steps"]]
    assert uses == ["actions/deploy-pages"]
    build_uses = [s["uses"].split("@")[0] for s in jobs["build"]["steps"] if "uses" in s]
    assert "actions/upload-pages-artifact" in build_uses


def test_every_action_is_pinned_to_a_commit():
    for path in [*WORKFLOWS.glob("*.yml")]:
        lines = [line.strip() for line in path.read_text().splitlines()]
        uses = [line.split("uses: ", 1)[1] for line in lines if "uses: " in line]
        assert uses, path
        for use in uses:
            assert PINNED.match(use), f"{path.name}: {use} is not pinned to a commit SHA"


def test_gitlab_ci_checks_merge_requests_and_publishes_only_main():
    ci = load(ROOT / ".gitlab-ci.yml")
    check, pages = ci["sosgen-check"], ci["pages"]
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert "sosgen check" in check["script"]
    assert pages["rules"] == [{"if": '$CI_COMMIT_BRANCH == "main"'}]
    assert pages["script"] == ["sosgen build --out public"]
    assert pages["artifacts"] == {"paths": ["public"]}
