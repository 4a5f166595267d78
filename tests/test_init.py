"""`sosgen init`: a new organisation's repository that `check` accepts at once, and that
never overwrites anything."""

from __future__ import annotations

import yaml

TODAY = "2026-11-23"
GITHUB_FILES = [
    ".github/CODEOWNERS",
    ".github/workflows/sosgen-check.yml",
    ".github/workflows/sosgen-publish.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "dependencies.yaml",
    "meetings/README.md",
    "teams.yaml",
]


def files(folder):
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".sosgen.lock"
    )


def test_init_scaffolds_a_repository_check_accepts(tmp_path, run):
    org = tmp_path / "org"
    result = run("init", org, "--today", TODAY)
    assert result.code == 0, result.err
    assert files(org) == GITHUB_FILES
    assert result.out.splitlines()[0] == f"created {org / 'teams.yaml'}"
    assert "5. ambassadors: README.md says how to submit an update" in result.out
    check = run("-C", org, "check", "--today", TODAY)
    assert (check.code, check.out) == (0, "0 errors, 0 warnings in 2 files checked\n")
    # The generated CODEOWNERS is current, so `codeowners` has nothing to do.
    assert run("-C", org, "codeowners").out == (
        ".github/CODEOWNERS already matches teams.yaml; nothing to do\n"
    )
    # Placeholder teams, each with an ambassador from today.
    teams = yaml.safe_load((org / "teams.yaml").read_text())
    assert [t["id"] for t in teams["teams"]] == ["team-a", "team-b"]
    assert str(teams["teams"][0]["ambassadors"][0]["from"]) == TODAY
    readme = (org / "README.md").read_text()
    assert readme.startswith("# My Organisation: scrum of scrums\n")
    assert "## Ambassadors: how to submit your update" in readme


def test_the_first_update_follows_the_guide(tmp_path, run):
    org = tmp_path / "org"
    run("init", org, "--today", TODAY)
    assert run("-C", org, "update", "team-a", "--meeting", "2026-11-25").code == 0
    path = org / "meetings/2026-11-25/team-a.yaml"
    path.write_text(
        "ambassador: ambassador-a\ncompleted: none\n"
        "next:\n  - text: New login page\n    for: [team-b]\n"
        "blockers: none\nheads_up: none\n"
    )
    result = run("-C", org, "check", "--today", TODAY, path)
    assert (result.code, result.out) == (0, "0 errors, 0 warnings in 1 file checked\n")


def test_organisation_name_and_options_are_written_safely(tmp_path, run):
    org = tmp_path / "org"
    result = run(
        "init", org, "--today", TODAY, "--organization", "NO: R&D",
        "--install", "sosgen @ git+https://git.example/sosgen@v1",
        "--hook-repo", "https://git.example/sosgen", "--hook-rev", "v1.2.3",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert yaml.safe_load((org / "teams.yaml").read_text())["organization"] == "NO: R&D"
    hooks = yaml.safe_load((org / ".pre-commit-config.yaml").read_text())
    assert hooks == {
        "repos": [
            {
                "repo": "https://git.example/sosgen",
                "rev": "v1.2.3",
                "hooks": [{"id": "sosgen-check"}],
            }
        ]
    }
    check = yaml.safe_load((org / ".github/workflows/sosgen-check.yml").read_text())
    assert check["env"] == {"SOSGEN_INSTALL": "sosgen @ git+https://git.example/sosgen@v1"}
    assert run("-C", org, "check", "--today", TODAY).code == 0


def test_gitlab(tmp_path, run):
    org = tmp_path / "org"
    assert run("init", org, "--today", TODAY, "--ci", "gitlab").code == 0
    assert ".gitlab-ci.yml" in files(org)
    assert ".gitlab/CODEOWNERS" in files(org)
    assert not (org / ".github").exists()
    assert run("-C", org, "check", "--today", TODAY).code == 0


def test_refuses_to_overwrite_anything(tmp_path, run):
    org = tmp_path / "org"
    org.mkdir()
    (org / "README.md").write_text("our own readme\n")
    result = run("init", org, "--today", TODAY)
    assert result.code == 1
    assert result.err == (
        f"sosgen: README.md already exists in {org}; sosgen init never overwrites: run it "
        "in a new folder, or move these away\n"
    )
    assert files(org) == ["README.md"]  # nothing else written either
    assert (org / "README.md").read_text() == "our own readme\n"


def test_second_run_refuses(tmp_path, run):
    org = tmp_path / "org"
    run("init", org, "--today", TODAY)
    before = {f: (org / f).read_bytes() for f in files(org)}
    result = run("init", org, "--today", TODAY, "--organization", "Other")
    assert result.code == 1
    assert "already exist in" in result.err
    assert {f: (org / f).read_bytes() for f in files(org)} == before


def test_bad_arguments(tmp_path, run):
    (tmp_path / "file").write_text("x")
    assert run("init", tmp_path / "file").code == 2
    result = run("init", tmp_path / "org", "--organization", "two\nlines")
    assert result.code == 2
    assert result.err == ("sosgen: --organization 'two\\nlines': give one line of printable text\n")
    assert not (tmp_path / "org").exists()


def test_init_in_current_folder(tmp_path, run, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init", "--today", TODAY).code == 0
    assert files(tmp_path) == GITHUB_FILES
