"""The benchmark's results: a JSON document, a table, and the issue's targets checked.

Every figure is a median over the runs; memory is the largest seen. Two memory
figures: `peak_mb`, the largest resident set of any one process of the command's tree,
and `tree_pss_mb`, the largest sum of the proportional set sizes of all its processes
at once (`timing.TreePss`). The memory target is judged on both: the largest process
within the limit, and the tree no larger than in a baseline result (`--baseline`),
so memory moved into another process does not count as saved. Ratios are sosgen's
median over the peer's: below 1, sosgen is faster.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from timing import median

LABELS = {
    "cold": "full build, cold (no cache, no output)",
    "nochange": "build, nothing changed",
    "add": "build after one new meeting",
    "check": "check one changed update file",
    "new_meeting": "new-meeting",
    "hugo": "Hugo full build",
    "mkdocs": "MkDocs full build",
    "serve_sosgen": "sosgen serve: new meeting shown",
    "serve_hugo": "hugo server: new meeting shown",
}


def document(
    sizes: Sequence[Any],
    *,
    teams: int,
    runs: int,
    versions: dict[str, str],
    machine: dict[str, Any],
    baseline: dict[str, Any] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "teams": teams,
        "runs": runs,
        "versions": versions,
        "machine": machine,
        "sizes": {},
    }
    for size in sizes:
        scenarios: dict[str, Any] = {}
        for name, samples in size.samples.items():
            seconds = [s.seconds for s in samples]
            scenarios[name] = {
                "seconds": [round(x, 4) for x in seconds],
                "median": round(median(seconds), 4),
                "peak_mb": round(max(s.peak_mb for s in samples), 1),
                "tree_pss_mb": _largest(s.tree_pss_mb for s in samples),
                "load_average": [round(s.load, 2) for s in samples],
            }
        for tool, served in size.served.items():
            scenarios[f"serve_{tool}"] = {
                "seconds": [round(x, 4) for x in served.seconds],
                "median": round(median(served.seconds), 4),
                "peak_mb": round(served.peak_mb, 1),
                "tree_pss_mb": _largest([served.tree_pss_mb]),
            }
        out["sizes"][str(size.meetings)] = {
            "meetings": size.meetings,
            "files": size.files,
            "scenarios": scenarios,
            "ratios": ratios(scenarios),
        }
    out["targets"] = targets(out["sizes"], baseline["sizes"] if baseline else None)
    return out


def _largest(values: Any) -> float | None:
    """The largest of `values` ignoring NaN (not measured), rounded; None (JSON null)
    if none was measured."""
    found = [v for v in values if not math.isnan(v)]
    return round(max(found), 1) if found else None


def ratios(scenarios: dict[str, Any]) -> dict[str, float]:
    def m(name: str) -> float:
        return float(scenarios[name]["median"]) if name in scenarios else math.nan

    found = {
        "cold/hugo": m("cold") / m("hugo"),
        "cold/mkdocs": m("cold") / m("mkdocs"),
        "add/hugo": m("add") / m("hugo"),
        "serve/hugo_server": m("serve_sosgen") / m("serve_hugo"),
    }
    return {k: round(v, 3) for k, v in found.items() if not math.isnan(v)}


def targets(sizes: dict[str, Any], baseline: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The issue's 'done when', at 20 x 450 and 1,500 meetings, where measured; the
    tree's memory against `baseline` (an earlier result's sizes), when given."""

    def m(size: str, name: str) -> float:
        found = sizes.get(size, {}).get("scenarios", {}).get(name)
        return float(found["median"]) if found else math.nan

    checks: list[tuple[str, float, str, float]] = [
        (
            "serve shows a new meeting at least as fast as hugo server (450)",
            m("450", "serve_sosgen"),
            "<=",
            m("450", "serve_hugo"),
        ),
        ("build after one new meeting, warm cache (450)", m("450", "add"), "<=", 0.4),
        ("build with nothing changed (450)", m("450", "nochange"), "<=", 0.25),
        ("check of one changed update file, wall (450)", m("450", "check"), "<=", 0.25),
        ("cold full build <= 2 x Hugo (450)", m("450", "cold"), "<=", 2 * m("450", "hugo")),
        (
            "cold full build >= 5 x faster than MkDocs (450)",
            5 * m("450", "cold"),
            "<=",
            m("450", "mkdocs"),
        ),
        (
            "peak memory of a sosgen build at 1,500 meetings, MB",
            _peak(sizes.get("1500")),
            "<=",
            250,
        ),
        *(
            (
                f"memory of the whole process tree (PSS), {name} at 1,500 meetings, MB"
                " (limit: the baseline's)",
                _tree(sizes, name),
                "<=",
                _tree(baseline, name),
            )
            for name in ("cold", "serve_sosgen")
            if baseline is not None
        ),
        (
            "cold build time 450 -> 1,500 grows at most linearly (ratio)",
            m("1500", "cold") / m("450", "cold"),
            "<=",
            1500 / 450,
        ),
    ]
    out = []
    for what, value, _, limit in checks:
        if math.isnan(value) or math.isnan(limit):
            continue
        out.append(
            {
                "target": what,
                "value": round(value, 3),
                "limit": round(limit, 3),
                "met": value <= limit,
            }
        )
    return out


def _tree(sizes: dict[str, Any], name: str) -> float:
    found = sizes.get("1500", {}).get("scenarios", {}).get(name, {}).get("tree_pss_mb")
    return math.nan if found is None else float(found)


def _peak(size: dict[str, Any] | None) -> float:
    if not size:
        return math.nan
    peers = ("hugo", "mkdocs", "serve_hugo")
    sosgen = [s["peak_mb"] for n, s in size["scenarios"].items() if n not in peers]
    return max((p for p in sosgen if not math.isnan(p)), default=math.nan)


def table(doc: dict[str, Any]) -> str:
    lines = []
    for size in doc["sizes"].values():
        scenarios = size["scenarios"]
        lines.append(
            f"\n{doc['teams']} teams x {size['meetings']} meetings ({size['files']} YAML "
            f"files), median of {doc['runs']} run(s)"
        )
        lines.append(f"{'scenario':<42} {'median':>9} {'peak MB':>8} {'tree PSS MB':>12}")
        for name, label in LABELS.items():
            if name in scenarios:
                s = scenarios[name]
                tree = s.get("tree_pss_mb")
                shown = f"{tree:>12.0f}" if tree is not None else f"{'-':>12}"
                lines.append(f"{label:<42} {s['median']:>8.3f}s {s['peak_mb']:>8.0f} {shown}")
        for name, value in size["ratios"].items():
            lines.append(f"{'ratio ' + name:<42} {value:>8.2f}x")
    if doc["targets"]:
        lines.append("\ntargets (issue 'done when'):")
        for target in doc["targets"]:
            mark = "met    " if target["met"] else "NOT MET"
            lines.append(
                f"  {mark} {target['target']}: {target['value']} (limit {target['limit']})"
            )
    return "\n".join(lines)
