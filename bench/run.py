"""sosgen against Hugo and MkDocs on the same content, measured side by side in one run.

    python bench/run.py [--sizes 50,450,1500] [--teams 20] [--runs 5] [--work DIR]
                        [--no-peers] [--no-serve] [--fresh-venv] [--out FILE]
                        [--baseline EARLIER.json]
    python bench/run.py --quick        # the CI smoke run: tiny, once, no peers

For each size it generates an organisation in sosgen's format (`synth.py`, seed 1)
and the same content as a Hugo and a MkDocs site (`synth_peers.py`), sets up a
throwaway environment with Hugo and MkDocs (`tools.py`), then, in every run, one
after the other: sosgen's cold build (no cache, no output), a rebuild with nothing
changed, a rebuild after one new meeting, `sosgen check` of one changed update,
`sosgen new-meeting`, Hugo's full build and MkDocs' full build. Then the live
preview: `sosgen serve` and `hugo server`, one new meeting per run
(`serve_bench.py`). It prints medians, peak memory and the ratios to the peers as a
table, checks the targets of the performance issue (the process tree's memory
against the `--baseline` result, if given), and writes everything as JSON
(default: bench/results/<date>-<teams>x<sizes>.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import report  # noqa: E402
import serve_bench  # noqa: E402
import synth_peers  # noqa: E402
import tools as t  # noqa: E402
from synth import add_meeting, cadence_days, generate, org_of, read  # noqa: E402
from timing import Failed, Sample, run  # noqa: E402

SCENARIOS = ("cold", "nochange", "add", "check", "new_meeting", "hugo", "mkdocs")


@dataclass
class Size:
    meetings: int
    root: Path  # holds org/, hugo/, mkdocs/ and out/
    today: str = ""
    files: int = 0
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    served: dict[str, serve_bench.Served] = field(default_factory=dict)

    @property
    def org(self) -> Path:
        return self.root / "org"


def prepare(size: Size, *, teams: int, peers: bool) -> None:
    """A fresh copy of the generated organisation (and its peer sites)."""
    pristine = size.root / f"pristine-{teams}x{size.meetings}"
    if not (pristine / "org" / "teams.yaml").is_file():
        shutil.rmtree(pristine, ignore_errors=True)
        generate(pristine / "org", teams=teams, meetings=size.meetings, seed=1)
    if peers and not (pristine / "hugo" / "hugo.toml").is_file():
        synth_peers.write_sites(
            pristine / "org", hugo=pristine / "hugo", mkdocs=pristine / "mkdocs"
        )
    for name in ("org", "hugo", "mkdocs", "out", "stage"):
        shutil.rmtree(size.root / name, ignore_errors=True)
        if (pristine / name).is_dir():
            shutil.copytree(pristine / name, size.root / name, symlinks=True)
    last = max(p.name for p in (size.org / "meetings").iterdir())
    size.today = (dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat()
    size.files = sum(1 for _ in size.org.rglob("*.yaml"))


def one_run(tools: t.Tools, size: Size, number: int, *, peers: bool) -> None:
    """Every build scenario once, one after the other."""
    org, out = size.org, size.root / "out"
    build = ("build", "--today", size.today, "-o", out / "sosgen")

    def record(name: str, sample: Sample) -> None:
        size.samples.setdefault(name, []).append(sample)

    shutil.rmtree(org / ".sosgen-cache", ignore_errors=True)
    shutil.rmtree(out / "sosgen", ignore_errors=True)
    record("cold", run(tools.sosgen(org, *build), env=tools.env))
    record("nochange", run(tools.sosgen(org, *build), env=tools.env))
    added = add_meeting(org, seed=1000 + number)
    record("add", run(tools.sosgen(org, *build), env=tools.env))
    changed = sorted(p for p in added.iterdir() if not p.name.startswith("_"))[0]
    with changed.open("a", encoding="utf-8") as f:
        f.write(f"# edited in run {number}\n")
    record("check", run(tools.sosgen(org, "check", changed), env=tools.env, ok=(0, 1)))
    day = next_meeting_day(org)
    opened = tools.sosgen(org, "new-meeting", day, "--today", day)
    record("new_meeting", run(opened, env=tools.env))
    shutil.rmtree(org / "meetings" / day)
    if peers:
        assert tools.hugo is not None and tools.mkdocs is not None
        synth_peers.write_sites(org, hugo=size.root / "hugo", mkdocs=size.root / "mkdocs")
        shutil.rmtree(out / "hugo", ignore_errors=True)
        hugo = [tools.hugo, "--quiet", "-s", size.root / "hugo", "-d", out / "hugo"]
        record("hugo", run(hugo, env=tools.env))
        shutil.rmtree(out / "mkdocs", ignore_errors=True)
        mkdocs = [tools.mkdocs, "build", "-q", "-f", size.root / "mkdocs" / "mkdocs.yml"]
        record("mkdocs", run([*mkdocs, "-d", out / "mkdocs"], env=tools.env))


def next_meeting_day(org: Path) -> str:
    days = org_of(read(org / "teams.yaml")).days
    last = max(dt.date.fromisoformat(p.name) for p in (org / "meetings").iterdir())
    return cadence_days(days, last + dt.timedelta(days=1), 1)[0].isoformat()


def measure(tools: t.Tools, size: Size, *, runs: int, peers: bool, serve: bool) -> None:
    one_run(tools, size, 0, peers=peers)  # warm-up: bytecode, disk caches; not counted
    size.samples.clear()
    for number in range(1, runs + 1):
        one_run(tools, size, number, peers=peers)
        print(f"  run {number}/{runs} done", file=sys.stderr)
    if serve:
        size.served["sosgen"] = serve_bench.sosgen_serve(
            tools, size.org, today=size.today, runs=runs, seed=2000
        )
        if peers:
            size.served["hugo"] = serve_bench.hugo_server(
                tools, size.org, size.root / "hugo", runs=runs, seed=3000
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="50,450,1500", help="meetings, comma-separated")
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, help="where data and the environment live")
    parser.add_argument("--out", type=Path, help="the JSON file to write")
    parser.add_argument("--no-peers", action="store_true", help="sosgen only")
    parser.add_argument("--no-serve", action="store_true", help="skip the live-preview runs")
    parser.add_argument("--fresh-venv", action="store_true", help="recreate the environment")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3x6, once, no peers")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="an earlier result (JSON): the process tree's memory must not exceed it",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.teams, args.runs, args.no_peers, args.no_serve = "6", 3, 1, True, True
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.gettempdir()) / "sosgen-bench"
    work.mkdir(parents=True, exist_ok=True)
    peers = not args.no_peers
    tools = t.prepare(work, fresh=args.fresh_venv) if peers else t.current(work)
    started = time.time()
    results = []
    for meetings in sizes:
        size = Size(meetings, work / f"{args.teams}x{meetings}")
        size.root.mkdir(parents=True, exist_ok=True)
        print(f"{args.teams} teams x {meetings} meetings: preparing", file=sys.stderr)
        prepare(size, teams=args.teams, peers=peers)
        try:
            measure(tools, size, runs=args.runs, peers=peers, serve=not args.no_serve)
        except Failed as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
        results.append(size)
    document = report.document(
        results,
        teams=args.teams,
        runs=args.runs,
        baseline=json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None,
        versions=tools.versions(),
        machine={
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_end": os.getloadavg()[0],
            "started": dt.datetime.fromtimestamp(started, dt.UTC).isoformat(timespec="seconds"),
            "minutes": round((time.time() - started) / 60, 1),
        },
    )
    print(report.table(document))
    out = args.out or unused(
        BENCH / "results", f"{dt.date.today()}-{args.teams}x{'-'.join(map(str, sizes))}"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written: {out}", file=sys.stderr)
    return 0


def unused(folder: Path, stem: str) -> Path:
    """`<folder>/<stem>.json`, or with `-r2`, `-r3`... after the date when a run of the
    same day is there already: an earlier result is never written over."""
    date, rest = stem[:10], stem[11:]  # <YYYY-MM-DD>-<teams>x<sizes>
    path = folder / f"{stem}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{date}-r{n}-{rest}.json"
    return path


if __name__ == "__main__":
    raise SystemExit(main())
