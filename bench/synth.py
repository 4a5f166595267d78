"""A deterministic synthetic organisation in sosgen's file format, for tests and benchmarks.

    python bench/synth.py OUT_DIR [--teams 20] [--meetings 450] [--seed 1]
                          [--start 2023-01-02] [--hugo DIR] [--mkdocs DIR] [--add]

writes `teams.yaml`, `dependencies.yaml` and `meetings/<date>/{_meeting,<team>}.yaml`
into OUT_DIR: meetings on Mon/Wed/Fri from `--start`, ~17 updates per meeting of ~30
lines, the ambassador of each update the rotation's, action items raised and reviewed
in every later meeting until closed, parking-lot topics, decisions and a dependency
board whose dates and statuses agree. `--add` appends one meeting to an existing
OUT_DIR instead (`add_meeting`). `--hugo`/`--mkdocs` also write the same content as a
Hugo or MkDocs site (`synth_peers.py`) for side-by-side benchmarks.

The same arguments give a byte-identical tree: one `random.Random(seed)`, no clock, no
set iteration. (Bytes are identical for the same PyYAML build: the libyaml emitter is
used when present, the pure-Python one otherwise.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from synth_meeting import FollowUp, History, OpenAction, OpenTopic, meeting
from synth_org import (
    CADENCE,
    WEEKDAYS,
    Org,
    cadence_days,
    dependencies_document,
    dependencies_of,
    org_of,
    teams_document,
)
from synth_text import Phrases

try:
    from yaml import CSafeDumper as _BaseDumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Doc = dict[str, Any]

DATE_DIR = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class _Dumper(_BaseDumper):
    """Never anchors and aliases: sosgen's strict loader refuses them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(doc: Doc) -> bytes:
    text = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=120,
    )
    return text.encode("utf-8")


def read(path: Path) -> Any:
    return yaml.load(path.read_bytes(), Loader=_Loader)  # a safe loader (libyaml's when present)


@dataclass(frozen=True)
class SynthStats:
    """What `generate` wrote: YAML files and their bytes, and what they hold."""

    files: int
    bytes: int
    meetings: int
    teams: int
    dependencies: int
    actions: int
    updates: int


# The tree on disk.


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0

    def write(self, relpath: str, doc: Doc) -> None:
        data = dump(doc)
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)


def generate(
    root: Path,
    *,
    teams: int = 20,
    meetings: int = 450,
    seed: int = 1,
    start: dt.date = dt.date(2023, 1, 2),
) -> SynthStats:
    """Write a synthetic organisation into `root` (which must be empty or absent)."""
    if teams < 2 or meetings < 1:
        raise ValueError("need at least 2 teams and 1 meeting")
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    rng = random.Random(seed)
    say = Phrases(rng)
    days = cadence_days(tuple(WEEKDAYS.index(d) for d in CADENCE), start, meetings)
    teams_doc = teams_document(rng, teams, days[0], days[-1])
    org = org_of(teams_doc)
    deps_doc = dependencies_document(rng, say, org, days[0], days[-1])
    deps = dependencies_of(deps_doc)
    writer = _Writer(root)
    writer.write("teams.yaml", teams_doc)
    writer.write("dependencies.yaml", deps_doc)
    history = History()
    actions = updates = 0
    for day in days:
        record, team_updates = meeting(org, deps, history, day, rng, say)
        writer.write(f"meetings/{day}/_meeting.yaml", record)
        for team_id, doc in team_updates.items():
            writer.write(f"meetings/{day}/{team_id}.yaml", doc)
        actions += len(record.get("actions", ()))
        updates += len(team_updates)
    return SynthStats(
        files=writer.files,
        bytes=writer.bytes,
        meetings=meetings,
        teams=teams,
        dependencies=len(deps),
        actions=actions,
        updates=updates,
    )


def history_of(root: Path, org: Org) -> History:
    """What the next meeting inherits, replayed from the `_meeting.yaml` files on disk."""
    folders = sorted(
        p for p in (root / "meetings").iterdir() if p.is_dir() and DATE_DIR.match(p.name)
    )
    if not folders:
        raise ValueError(f"{root} has no meetings; run generate first")
    actions: dict[str, OpenAction] = {}
    topics: dict[str, OpenTopic] = {}
    for folder in folders:
        record_path = folder / "_meeting.yaml"
        record: Doc = (read(record_path) or {}) if record_path.is_file() else {}
        day = dt.date.fromisoformat(folder.name)
        for entry in record.get("review") or ():
            action = actions.get(entry["id"])
            if action is not None and entry.get("status") == "open":
                action.open_reviews += 1
            elif action is not None and entry.get("status") in ("done", "dropped"):
                del actions[entry["id"]]
        for raised in record.get("actions") or ():
            actions[raised["id"]] = OpenAction(raised["id"], day)
        for entry in record.get("parking_lot") or ():
            if entry.get("topic"):
                if entry.get("status", "open") == "open":
                    topics[entry["id"]] = OpenTopic(entry["id"])
            elif entry["id"] in topics:
                if entry.get("status", "open") == "open":
                    topics[entry["id"]].carried += 1
                else:
                    del topics[entry["id"]]
    last = folders[-1]
    follow_up = []
    for team in org.teams:
        path = last / f"{team.id}.yaml"
        if path.is_file():
            update: Doc = read(path) or {}
            for question in ("blockers", "heads_up"):
                answer = update.get(question)
                for item in answer if isinstance(answer, list) else ():
                    follow_up.append(
                        FollowUp(team.id, question, item["text"], item.get("dependency"))
                    )
    order = sorted(actions.values(), key=lambda a: (a.raised, int(a.id.rsplit("-", 1)[1])))
    return History(dt.date.fromisoformat(last.name), order, list(topics.values()), follow_up)


def add_meeting(root: Path, seed: int) -> Path:
    """Append the next meeting on the cadence after the last one, in the same style;
    returns its folder. The same repository and seed give the same meeting."""
    org = org_of(read(root / "teams.yaml"))
    deps = dependencies_of(read(root / "dependencies.yaml") or {})
    history = history_of(root, org)
    last = history.previous or dt.date.min  # history_of refuses a repository without meetings
    day = cadence_days(org.days, last + dt.timedelta(days=1), 1)[0]
    rng = random.Random(f"{seed}:{day.isoformat()}")
    record, updates = meeting(org, deps, history, day, rng, Phrases(rng))
    writer = _Writer(root)
    writer.write(f"meetings/{day}/_meeting.yaml", record)
    for team_id, doc in updates.items():
        writer.write(f"meetings/{day}/{team_id}.yaml", doc)
    return root / "meetings" / day.isoformat()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--meetings", type=int, default=450)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2023, 1, 2))
    parser.add_argument("--hugo", type=Path, metavar="DIR", help="also write a Hugo site")
    parser.add_argument("--mkdocs", type=Path, metavar="DIR", help="also write a MkDocs site")
    parser.add_argument("--add", action="store_true", help="append one meeting to OUT_DIR instead")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        if args.add:
            print(f"added {add_meeting(args.out, args.seed)}")
        else:
            stats = generate(
                args.out,
                teams=args.teams,
                meetings=args.meetings,
                seed=args.seed,
                start=args.start,
            )
            print(
                f"{stats.files} files, {stats.bytes / 1e6:.2f} MB: {stats.meetings} meetings, "
                f"{stats.teams} teams, {stats.updates} updates, {stats.dependencies} "
                f"dependencies, {stats.actions} actions"
            )
    except (ValueError, FileExistsError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    if args.hugo or args.mkdocs:
        import synth_peers

        written = synth_peers.write_sites(args.out, hugo=args.hugo, mkdocs=args.mkdocs)
        print(f"peer sites: {written} files written")
    print(f"in {time.perf_counter() - began:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
