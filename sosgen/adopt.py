"""What `sosgen init` writes: a new organisation's repository, as relative path -> text.

The YAML data files come from the emitter; the CI and pre-commit files are the templates
in `sosgen/scaffold/` with their `@@NAME@@` placeholders filled in (as JSON strings, which
YAML reads as the same strings). This repository's own workflows are the same templates
with `pip install .`, so what `init` writes is what sosgen itself runs.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sosgen import __version__, convert
from sosgen import codeowners as co
from sosgen import model as m
from sosgen.emit import dump_yaml
from sosgen.errors import UsageError
from sosgen.load import load_bytes
from sosgen.schema import load_schema, validate

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
# Where organisations get sosgen: the Git repository that holds .pre-commit-hooks.yaml,
# and the pip requirement CI installs. Both can be changed with init's options.
HOOK_REPO = "https://github.com/sosgen/sosgen"
HOOK_REV = f"v{__version__}"
INSTALL = f"sosgen=={__version__}"
CI = ("github", "gitlab")

WORKFLOWS = {
    ".github/workflows/sosgen-check.yml": "sosgen-check.yml",
    ".github/workflows/sosgen-publish.yml": "sosgen-publish.yml",
}
GITLAB_CI = {".gitlab-ci.yml": "gitlab-ci.yml"}

TEAMS_HEADER = """\
Who takes part: people, teams, each team's ambassador rotation, the meeting cadence.
Replace the placeholders with your own (the format: "File formats" in the sosgen README).
Ids are lowercase letters, digits and '-'; a team's id names its update files.
Give people a `github:` handle (or an `email:`), then run `sosgen codeowners`
so each team reviews its own updates."""
DEPENDENCIES_HEADER = """\
The cross-team dependency board: who waits for whom, for what, by when.
Add one entry per dependency (see "File formats" in the sosgen README):
  - {id: DEP-1, team: team-a, depends_on: team-b, what: ..., needed_by: YYYY-MM-DD,
     owner: <person>, status: open, raised: YYYY-MM-DD}"""


@dataclass(frozen=True, slots=True)
class Options:
    today: dt.date  # the placeholder ambassadors serve from this day
    organization: str = "My Organisation"
    ci: str = "github"
    install: str = INSTALL
    hook_repo: str = HOOK_REPO
    hook_rev: str = HOOK_REV


def teams_document(opts: Options) -> dict[str, object]:
    def team(letter: str) -> dict[str, object]:
        return {
            "id": f"team-{letter}",
            "name": f"Team {letter.upper()}",
            "members": [f"ambassador-{letter}"],
            "ambassadors": [{"person": f"ambassador-{letter}", "from": opts.today}],
        }

    return {
        "organization": opts.organization,
        "cadence": {"days": ["mon", "wed", "fri"], "timebox_minutes": 30, "sprint_weeks": 2},
        "facilitator": "facilitator",
        "maintainers": ["facilitator"],
        "people": {
            "facilitator": {"name": "The Facilitator"},
            "ambassador-a": {"name": "Team A's Ambassador"},
            "ambassador-b": {"name": "Team B's Ambassador"},
        },
        "teams": [team("a"), team("b")],
    }


def template(name: str, values: dict[str, str]) -> str:
    text = (SCAFFOLD / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def workflows(install: str, ci: str = "github") -> dict[str, str]:
    """The CI files for `ci`, installing sosgen with `pip install <install>`."""
    values = {"INSTALL": json.dumps(install)}
    chosen = WORKFLOWS if ci == "github" else GITLAB_CI
    return {path: template(name, values) for path, name in chosen.items()}


def scaffold(opts: Options) -> dict[str, str]:
    """Every file of a new repository, by relative path, in the order to write them."""
    _check(opts)
    teams = dump_yaml(teams_document(opts), header=TEAMS_HEADER)
    owners_path = co.LOCATIONS[opts.ci][0]
    files = {
        "teams.yaml": teams,
        "dependencies.yaml": dump_yaml({"dependencies": []}, header=DEPENDENCIES_HEADER),
        "meetings/README.md": template("meetings-README.md", {}),
        "README.md": template("README.md", {"ORGANIZATION": opts.organization}),
        ".gitignore": template("gitignore", {}),
        ".pre-commit-config.yaml": template(
            "pre-commit-config.yaml",
            {"HOOK_REPO": json.dumps(opts.hook_repo), "HOOK_REV": json.dumps(opts.hook_rev)},
        ),
        **workflows(opts.install, opts.ci),
        owners_path: co.render(_org(teams), fmt=opts.ci, path=owners_path),
    }
    return files


def _org(teams_text: str) -> m.Org:
    """The scaffold's teams.yaml read back as sosgen reads it: proof that it is valid."""
    node, problems = load_bytes(teams_text.encode("utf-8"), "teams.yaml")
    value, found = validate(node, load_schema("teams"), "teams.yaml")
    org = convert.org(value)
    if problems or found or org is None:  # pragma: no cover - a bug in the scaffold
        raise AssertionError(f"the scaffold's teams.yaml is invalid: {problems + found}")
    return org


def _check(opts: Options) -> None:
    for label, value in (
        ("--organization", opts.organization),
        ("--install", opts.install),
        ("--hook-repo", opts.hook_repo),
        ("--hook-rev", opts.hook_rev),
    ):
        if not value.strip() or not value.isprintable():
            raise UsageError(f"{label} {value!r}: give one line of printable text")
    if opts.ci not in CI:
        raise UsageError(f"--ci {opts.ci}: choose one of {', '.join(CI)}")
