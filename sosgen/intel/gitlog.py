"""Read a product repository's history with `git log`: the one place that runs git.

The unit of change is one commit on the main line (`--first-parent`): a merged pull
request (its merge commit, diffed against the main line before it, so the files of
the whole pull request), a squash-merged one, or a direct push.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sosgen.errors import SosgenError, UsageError

_RECORD, _FIELD = "\x1e", "\x1f"
_FORMAT = f"{_RECORD}%H{_FIELD}%P{_FIELD}%aE{_FIELD}%aN{_FIELD}%cs{_FIELD}%s{_FIELD}%b"


@dataclass(frozen=True, slots=True)
class Change:
    commit: str
    date: dt.date
    author_email: str
    author_name: str
    subject: str
    files: tuple[str, ...]
    merge: bool = False
    title: str = ""  # a merge's first body line: GitHub puts the pull request's title there

    @property
    def summary(self) -> str:
        """The subject, with the pull request's title after a merge subject."""
        return f"{self.subject}: {self.title}" if self.merge and self.title else self.subject


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat"}
    try:
        return subprocess.run(
            ["git", "-C", str(repo), "-c", "log.showSignature=false", *args],
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise SosgenError("git is not installed; install git to read code history") from None


def check_repository(repo: Path) -> None:
    """Raise a usage error (exit 2) unless `repo` is a git repository."""
    if not repo.is_dir():
        raise UsageError(f"{repo} is not a git repository (no such folder)")
    result = _git(repo, "rev-parse", "--git-dir")
    if result.returncode != 0:
        raise UsageError(f"{repo} is not a git repository")


def head(repo: Path) -> str:
    """The commit id of HEAD, or "" in a repository without commits."""
    result = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD")
    return result.stdout.decode().strip() if result.returncode == 0 else ""


def show(repo: Path, relpath: str) -> str | None:
    """The text of `relpath` at HEAD, or None if it is not there."""
    result = _git(repo, "show", f"HEAD:{relpath}")
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def read_changes(repo: Path, *, since: dt.date | None = None) -> list[Change]:
    """Every main-line change, oldest first, with the files it touched."""
    check_repository(repo)
    if not head(repo):
        return []
    args = ["log", "--first-parent", "-m", "--no-renames", "--name-only", "-z"]
    args.append(f"--format={_FORMAT}")
    if since is not None:
        args.append(f"--since={since.isoformat()}T00:00:00")
    result = _git(repo, *args)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SosgenError(f"git log failed in {repo}: {message[-1] if message else 'no output'}")
    return parse_log(result.stdout.decode("utf-8", "surrogateescape"))[::-1]


def parse_log(text: str) -> list[Change]:
    """Parse the output of `git log -z --name-only --format=<_FORMAT>`."""
    changes = []
    for record in text.split(_RECORD)[1:]:
        header, _, rest = record.partition("\0")
        commit, parents, email, name, date, subject, body = header.split(_FIELD, 6)
        files = tuple(sorted({f for f in rest.lstrip("\n").split("\0") if f}))
        changes.append(
            Change(
                commit=commit,
                date=dt.date.fromisoformat(date),
                author_email=email,
                author_name=name,
                subject=subject,
                files=files,
                merge=len(parents.split()) > 1,
                title=next((line.strip() for line in body.splitlines() if line.strip()), ""),
            )
        )
    return changes
