"""Shared by `new-meeting`, `update` and `rotation`: load the repository; for the first
two, create one file safely.

Loading reads through the parse cache (`sosgen.cache`) when `.sosgen-cache/` is there
(`build`, `serve` and `check` make it) and keeps it up to date, but never creates it:
in a repository without one, a run that refuses to write adds nothing to the tree.
What is written does not depend on the cache: a damaged entry is a miss, and the file
is parsed again.

Creating is idempotent: a file that already holds exactly the bytes that would be
written is "up to date", and anything else that exists is never overwritten
(`sosgen.safewrite` refuses it, as it refuses symlinks and paths outside `meetings/`).
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sosgen import model as m
from sosgen import repo as r
from sosgen import safewrite
from sosgen.cache import ParseCache
from sosgen.cache_folder import CACHE_DIR
from sosgen.diagnostics import Diagnostic, Severity
from sosgen.errors import SosgenError

EXISTS = "already exists, not overwriting"


class Outcome(enum.Enum):
    CREATED = "created"
    UP_TO_DATE = "up to date"
    DRY_RUN = "dry run"


def load(
    root: Path,
    *,
    cache: bool,
    parse_update: Callable[[str], bool] = lambda relpath: True,
    parse_records: bool = True,
) -> tuple[m.Repository, list[Diagnostic]]:
    """The repository and its diagnostics (`repo.load_repository`), read through the parse
    cache if `cache` is true and the repository has one."""
    use = cache and (root / CACHE_DIR).is_dir()
    repo, problems, _ = r.load_repository(
        root,
        parse_update=parse_update,
        parse_records=parse_records,
        documents=ParseCache(enabled=use),
    )
    return repo, problems


def refuse_on_errors(problems: list[Diagnostic], what: str, *, err: TextIO | None = None) -> None:
    """Print the errors among `problems` and stop: nothing is written from a broken record."""
    err = err or sys.stderr
    errors = sorted((d for d in problems if d.severity is Severity.ERROR), key=lambda d: d.sort_key)
    if not errors:
        return
    for d in errors:
        err.write(f"{d}\n")
    count = f"{len(errors)} error{'s' * (len(errors) != 1)}"
    them = "it" if len(errors) == 1 else "them"
    raise SosgenError(f"{count} in the repository; fix {them} (sosgen check) before {what}")


def require_org(repo: m.Repository) -> m.Org:
    if repo.org is None:  # teams.yaml missing or broken: refuse_on_errors has said why
        raise SosgenError("teams.yaml is missing or invalid; run `sosgen check`")
    return repo.org


def _up_to_date(root: Path, relpath: str, data: bytes) -> bool:
    """The file exists, reached without any symlink, and holds exactly `data`."""
    target = root / relpath
    try:
        direct = target.resolve(strict=True) == root.resolve() / relpath
        return direct and target.is_file() and target.read_bytes() == data
    except OSError:
        return False


def create(root: Path, relpath: str, text: str, *, dry_run: bool, hint: str = "") -> Outcome:
    """Create `relpath` under `root` holding `text`, unless it already holds exactly that.
    `hint` is added to the refusal when the file exists with other content."""
    data = text.encode("utf-8")
    try:
        if dry_run:
            if _up_to_date(root, relpath, data):
                return Outcome.UP_TO_DATE
            if (root / relpath).exists() or (root / relpath).is_symlink():
                raise safewrite.WriteRefused(f"{relpath} {EXISTS}")
            return Outcome.DRY_RUN
        with safewrite.repo_lock(root):
            if _up_to_date(root, relpath, data):
                return Outcome.UP_TO_DATE
            safewrite.create_file(root, relpath, text)
    except safewrite.WriteRefused as exc:
        if hint and str(exc).endswith(EXISTS):
            raise safewrite.WriteRefused(f"{exc}; {hint}") from None
        raise
    return Outcome.CREATED
