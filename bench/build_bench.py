"""Time `sosgen build` on a synthetic organisation (default 20 teams x 450 meetings).

    python bench/build_bench.py [--teams 20] [--meetings 450] [--repeat 3]
                                [--graphviz wasm|dot] [--jobs 1|2] [--data DIR]

Generates the organisation once with `bench/synth.py` (kept in --data, default
/tmp/sosgen-bench-<teams>x<meetings>), then runs, each --repeat times:

- the full build in a fresh process, exactly as a user runs it (`python -m sosgen
  build` into an empty folder): the wall time, and the time the build reports;
- the stages in-process, to say where the time goes: load, check rules, plan views,
  render pages (graphs stubbed), draw graphs, write.

Prints medians. Target (issue `sosgen build`): full build <= 3 s on 2 cores, graphs
included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TODAY = "2026-01-05"


def ensure_data(folder: Path, *, teams: int, meetings: int) -> Path:
    if not (folder / "teams.yaml").is_file():
        from synth import generate

        shutil.rmtree(folder, ignore_errors=True)
        stats = generate(folder, teams=teams, meetings=meetings, seed=1)
        print(f"generated {folder}: {stats}", file=sys.stderr)
    return folder


def full_build(data: Path, *, engine: str, jobs: int) -> tuple[float, str]:
    out = Path(tempfile.mkdtemp(prefix="sosgen-bench-site-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOSGEN_COMMIT": "bench"}
    command = [sys.executable, "-m", "sosgen", "-C", str(data), "build", "--today", TODAY]
    command += ["-o", str(out / "site"), "--graphviz", engine]
    command += ["--jobs", str(jobs)] if jobs else []
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout.strip()


def stages(data: Path, *, engine_name: str) -> dict[str, float]:
    from sosgen import repo as r
    from sosgen.graphviz_engine import draw, get_engine
    from sosgen.render import Renderer
    from sosgen.rules import run_rules
    from sosgen.site import BuildInfo, render_site
    from sosgen.views.pages import plan_pages
    from sosgen.views.plan import site_data
    from sosgen.write import SiteWriter

    today = dt.date.fromisoformat(TODAY)
    times: dict[str, float] = {}

    def timed(name: str, work: Callable[[], object]) -> object:
        started, cpu = time.perf_counter(), time.process_time()
        value = work()
        times[name] = time.perf_counter() - started
        times[f"{name} [cpu]"] = time.process_time() - cpu
        return value

    repo, _, _ = timed("load", lambda: r.load_repository(data))  # type: ignore[misc]
    timed("check rules", lambda: run_rules(repo, today=today))
    site = timed("derive (actions, health)", lambda: site_data(repo, today=today))
    plan = timed("plan views", lambda: plan_pages(site))  # type: ignore[arg-type]
    engine = get_engine(engine_name)
    timed("graphviz start", engine.version)
    graphs = [p.graph for p in plan.pages if p.graph]  # type: ignore[attr-defined]
    timed(f"draw {len(graphs)} graphs", lambda: [draw(g, engine) for g in graphs])
    with tempfile.TemporaryDirectory() as out:
        writer = SiteWriter(Path(out) / "site", repo_root=data)
        timed(
            "render and stage pages (1 process, graphs stubbed)",
            lambda: render_site(
                site,  # type: ignore[arg-type]
                renderer=Renderer(data),
                engine=engine,
                build=BuildInfo(),
                writer=writer,
                drawer=lambda graph, engine: "<svg></svg>",
                jobs=1,
            ),
        )
        timed("commit", writer.commit)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--meetings", type=int, default=450)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--graphviz", choices=("wasm", "dot"), default="wasm")
    parser.add_argument("--jobs", type=int, choices=(0, 1, 2), default=0)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args(argv)
    folder = args.data or Path(tempfile.gettempdir()) / f"sosgen-bench-{args.teams}x{args.meetings}"
    data = ensure_data(folder, teams=args.teams, meetings=args.meetings)
    files = sum(1 for _ in data.rglob("*.yaml"))
    print(f"{args.teams} teams x {args.meetings} meetings: {files} YAML files in {data}")
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    walls, summary = [], ""
    for _ in range(args.repeat):
        seconds, summary = full_build(data, engine=args.graphviz, jobs=args.jobs)
        walls.append(seconds)
    print(
        f"full build (fresh process, wall): median {statistics.median(walls):.2f} s "
        f"of {', '.join(f'{w:.2f}' for w in walls)}"
    )
    print(f"  {summary}")
    runs = [stages(data, engine_name=args.graphviz) for _ in range(args.repeat)]
    print("stages (in-process, median; wall and this process's CPU time):")
    for name in runs[0]:
        if not name.endswith(" [cpu]"):
            wall = statistics.median(r[name] for r in runs)
            cpu = statistics.median(r[f"{name} [cpu]"] for r in runs)
            print(f"  {name:<42} {wall:6.2f} s wall {cpu:6.2f} s cpu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
