"""Build the static site into an output folder (default: site/ in the repository):
the next meeting's agenda, minutes, the dependency board, team pages, action items,
the stakeholder briefing, an Atom feed, an iCalendar and board.json. Refuses to build
while `sosgen check` finds errors. The same input gives the same bytes: times come
from the data, `--today` or SOURCE_DATE_EPOCH, never from the clock."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sosgen import build_state
from sosgen.errors import SosgenError, UsageError
from sosgen.graphviz_engine import DEFAULT_ENGINE, ENGINES
from sosgen.write import check_output

if TYPE_CHECKING:
    from collections.abc import Callable

    from sosgen.graphviz_engine import Engine
    from sosgen.repo import Documents
    from sosgen.site import PageMemo
    from sosgen.views.plan import SiteData

# The loader, the views, Jinja and Markdown are imported when a build runs: a build
# that finds nothing changed is done before they would have finished importing.


def source_date(environ: dict[str, str] | os._Environ[str]) -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, if set (reproducible-builds.org)."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={value!r} is not a Unix time") from None


def git_commit(root: Path, environ: dict[str, str] | os._Environ[str]) -> str:
    """SOSGEN_COMMIT if set, else `git rev-parse HEAD` when `root` is a Git checkout."""
    given = environ.get("SOSGEN_COMMIT", "").strip()
    if given:
        return given
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = done.stdout.split()
    if done.returncode != 0 or len(lines) != 2:
        return ""
    if Path(lines[0]).resolve() != root.resolve():
        return ""  # a folder inside some other checkout: that commit is not this data's
    return lines[1]


def load(
    root: Path,
    *,
    today: dt.date,
    err: TextIO,
    cache: bool = True,
    documents: Documents | None = None,
    checked: Callable[[], None] | None = None,
) -> SiteData:
    """The repository, checked: errors stop the build (the site would be wrong); with
    the code-history suggestions saved in suggestions.yaml, if any. Files are read
    through `documents` if given, else through the parse cache unless `cache` is false;
    `checked` is called once they passed the checks (before the views are made)."""
    from sosgen import repo as r
    from sosgen.cache import ParseCache
    from sosgen.diagnostics import Severity
    from sosgen.intel import load_saved_suggestions
    from sosgen.report import report
    from sosgen.rules import run_rules
    from sosgen.views.plan import site_data

    if documents is None:
        documents = ParseCache(enabled=cache)
    repo, problems, layout = r.load_repository(root, documents=documents)
    problems += run_rules(repo, today=today, warnings=False)
    errors = [d for d in problems if d.severity is Severity.ERROR]
    if errors:
        report(errors, "text", err, files=len(layout.all_files()))
        raise SosgenError(f"{len(errors)} error(s) in the repository: fix them, then build")
    if checked is not None:
        checked()
    return site_data(repo, today=today, saved=tuple(load_saved_suggestions(root, repo)))


def build(
    root: Path,
    *,
    out: Path,
    today: dt.date,
    engine_name: str,
    commit: str,
    stamp: dt.datetime | None,
    base_url: str,
    stdout: TextIO,
    stderr: TextIO,
    jobs: int = 0,
    cache: bool = True,
    documents: Documents | None = None,
    memo: PageMemo | None = None,
) -> int:
    """Build the site into `out`. With `cache`, files are read through the parse cache,
    graphs come from the SVG cache, and a build whose inputs and output are as the
    last one left them does nothing (`sosgen.build_state`). A long-running process
    passes the `documents` and page `memo` it keeps between builds (`sosgen.live`)."""
    started = time.perf_counter()
    check_output(out, root)  # refuse before doing any work
    options = {
        "today": today.isoformat(),
        "engine": engine_name,
        "commit": commit,
        "stamp": stamp.isoformat() if stamp else "",
        "base_url": base_url,
    }
    # A preview (`documents` given) rebuilds only when its watcher saw a change: no
    # need to stamp every input to find out whether anything changed.
    inputs = build_state.inputs(root, options) if cache and documents is None else None
    if inputs is not None and build_state.unchanged(root, out, inputs):
        seconds = time.perf_counter() - started
        print(f"nothing changed since the last build into {out} ({seconds:.2f} s)", file=stdout)
        return 0
    from sosgen.cache import ParseCache
    from sosgen.graphviz_engine import describe, draw, get_engine, start
    from sosgen.page_keys import PageKeys
    from sosgen.render import Renderer
    from sosgen.site import BuildInfo, SiteGlobals, render_site, template_sources
    from sosgen.svg_cache import SvgCache
    from sosgen.write import SiteWriter

    drawing: list[tuple[Engine, SvgCache | None]] = []

    def start_drawing() -> None:
        """The repository passed the checks, and the views and page plan that follow
        keep one core busy: when no graph was drawn before, the Graphviz process starts
        now and compiles on the other one instead of during the render, when both are
        busy. A repository with errors starts no compile."""
        engine = get_engine(engine_name)
        svgs = SvgCache(root, engine) if cache else None
        if svgs is None or svgs.empty:
            start(engine)
        drawing.append((engine, svgs))

    parsed: ParseCache | None = None
    if inputs is not None:  # the build is recorded: the meeting pages get keys
        parsed = documents = ParseCache(stamps=inputs.stamps)
        parsed.shas = {}
    data = load(
        root, today=today, err=stderr, cache=cache, documents=documents, checked=start_drawing
    )
    engine, svgs = drawing[0]
    writer = SiteWriter(out, repo_root=root)
    info = BuildInfo(commit=commit, base_url=base_url, stamp=stamp)
    keys = None
    if parsed is not None and inputs is not None:
        context = (template_sources(root), info, SiteGlobals.of(data))
        keys = PageKeys(data.repo, parsed.shas or {}, context, build_state.previous(root, out), out)
        parsed.shas, parsed.stamps = None, {}  # 27,000 of each at 1,500 meetings
        inputs.stamps.clear()
    # The loaded model lives until the end: keep the cyclic collector from walking it
    # again and again (a quarter of the render time at 450 meetings).
    gc.freeze()
    try:
        result = render_site(
            data,
            renderer=memo.renderer(root) if memo is not None else Renderer(root),
            engine=engine,
            build=info,
            writer=writer,
            drawer=svgs.draw if svgs else draw,
            keep=svgs.keep if svgs else None,
            jobs=jobs or auto_jobs(len(data.meetings)),
            memo=memo,
            keys=keys,
        )
        written = writer.commit()
    except BaseException:
        writer.abort()  # the output folder stays as the last build left it
        if memo is not None:
            memo.forget()
        raise
    finally:
        gc.unfreeze()
    if memo is not None:
        memo.settle()
    if svgs is not None:
        svgs.save()
    if inputs is not None:
        build_state.record(root, out, inputs, writer.paths, keys.made if keys else None)
    seconds = time.perf_counter() - started
    if svgs is not None and not svgs.drawn:  # the engine never started: do not start it
        graphs = f"{result.graphs} graphs as drawn before ({engine.name} engine)"
    else:
        graphs = f"{result.graphs} graphs drawn with {describe(engine)}"
    print(
        f"built {result.pages} pages and {result.files - result.pages} other files "
        f"into {out} in {seconds:.2f} s{_kept(keys.kept_count if keys else 0)}; {graphs}; "
        f"{written.written} written, "
        f"{written.unchanged} unchanged, {written.removed} removed",
        file=stdout,
    )
    return 0


def _kept(pages: int) -> str:
    return f" ({pages} meeting pages as the last build left them)" if pages else ""


def auto_jobs(meetings: int) -> int:
    """Two processes for a large site on a machine with two cores or more; one otherwise
    (forking costs more than it saves on a few dozen pages)."""
    return 2 if meetings >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1


PARALLEL_FROM = 100  # meetings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_no_cache, add_today

    parser.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="DIR",
        help="the output folder (default: site/ in the repository)",
    )
    parser.add_argument(
        "--graphviz",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="the Graphviz engine: wasm, pinned by pip (default), or the system's dot",
    )
    parser.add_argument(
        "--base-url",
        default="",
        metavar="URL",
        help="the published site's address, for absolute links in the feeds",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        choices=(1, 2),
        default=0,
        help=f"processes rendering pages (default: 2 from {PARALLEL_FROM} meetings on)",
    )
    add_no_cache(parser, "parse every file, draw every graph, build even if nothing changed")
    add_today(parser)


def today_or_epoch(args: argparse.Namespace, stamp: dt.datetime | None) -> dt.date:
    """`--today`, else the day of SOURCE_DATE_EPOCH, else the clock."""
    from sosgen.cli import today

    given: dt.date | None = getattr(args, "today", None)
    if given is None and stamp is not None:
        return stamp.date()
    return today(args)


def run(args: argparse.Namespace) -> int:
    root: Path = args.repo
    stamp = source_date(os.environ)
    return build(
        root,
        out=args.out if args.out is not None else root / "site",
        today=today_or_epoch(args, stamp),
        engine_name=args.graphviz,
        commit=git_commit(root, os.environ),
        stamp=stamp,
        base_url=args.base_url,
        stdout=sys.stdout,
        stderr=sys.stderr,
        jobs=args.jobs,
        cache=not args.no_cache,
    )
