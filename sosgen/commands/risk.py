"""Rank the open dependencies by a risk score that shows its reasons: each factor's
points and why. With --backtest, replay the repository's own history instead and say
how well the score would have ranked the dependencies that turned out late, next to
the baseline "fewest days left first", with the number of cases. Exit 0, or 2 on a
usage error."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TextIO

from sosgen import model as m
from sosgen.commands.suggest import load
from sosgen.intel import BacktestResult, Risk, backtest, rank
from sosgen.intel.backtest import MIN_DEPENDENCIES, TOP_K


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def report_rank(
    ranked: list[tuple[m.Dependency, Risk]], repo: m.Repository, today: dt.date, out: TextIO
) -> None:
    names = {t.id: t.name for t in repo.org.teams} if repo.org else {}
    if not ranked:
        print(f"No open dependencies on {today}.", file=out)
        return
    print(f"Open dependencies by risk on {today}, riskiest first:", file=out)
    for dep, risk in ranked:
        waiter, provider = names.get(dep.team, dep.team), names.get(dep.depends_on, dep.depends_on)
        print(file=out)
        print(
            f"{dep.id}  {risk.level}  {risk.score:.2f}  {waiter} waits on {provider}: "
            f"{dep.what} (needed by {dep.needed_by})",
            file=out,
        )
        for factor in risk.factors:
            if factor.contribution > 0:
                print(f"    +{factor.contribution:.2f}  {factor.name}: {factor.reason}", file=out)


def _risk_json(dep: m.Dependency, risk: Risk) -> dict[str, object]:
    return {
        "id": dep.id,
        "team": dep.team,
        "depends_on": dep.depends_on,
        "what": dep.what,
        "needed_by": dep.needed_by.isoformat(),
        "score": risk.score,
        "level": risk.level,
        "summary": risk.summary,
        "factors": [
            {"name": f.name, "value": f.value, "contribution": f.contribution, "reason": f.reason}
            for f in risk.factors
        ],
    }


def report_backtest(result: BacktestResult, out: TextIO) -> None:
    print(
        f"Backtest of the risk score on this repository's history, until {result.until}:", file=out
    )
    print(
        f"  {result.cases} cases (an open dependency not yet due, at a meeting) in "
        f"{result.meetings} meetings; {result.dependencies} dependencies with a known outcome, "
        f"{result.late_dependencies} of them late",
        file=out,
    )
    print(f"  {result.verdict}", file=out)
    k = result.k
    print(
        f"  risk score:     AUC {_pct(result.auc)}  precision@{k} "
        f"{_pct(result.precision_at_k)}  recall@{k} {_pct(result.recall_at_k)}",
        file=out,
    )
    print(
        f"  days left only: AUC {_pct(result.baseline_auc)}  precision@{k} "
        f"{_pct(result.baseline_precision_at_k)}  recall@{k} {_pct(result.baseline_recall_at_k)}",
        file=out,
    )
    print(
        "  The replay leaves out committed dates and `blocked` statuses: the files do not "
        "say when they were set.",
        file=out,
    )
    if not result.enough:
        print(
            f"  Below that minimum ({MIN_DEPENDENCIES} dependencies) these figures say next "
            "to nothing; they are shown so you can watch them grow.",
            file=out,
        )


def _backtest_json(result: BacktestResult) -> dict[str, object]:
    return {
        "until": result.until.isoformat() if result.until else None,
        "enough": result.enough,
        "verdict": result.verdict,
        "cases": result.cases,
        "meetings": result.meetings,
        "dependencies": result.dependencies,
        "late_dependencies": result.late_dependencies,
        "positives": result.positives,
        "negatives": result.negatives,
        "k": result.k,
        "auc": result.auc,
        "baseline_auc": result.baseline_auc,
        "precision_at_k": result.precision_at_k,
        "recall_at_k": result.recall_at_k,
        "baseline_precision_at_k": result.baseline_precision_at_k,
        "baseline_recall_at_k": result.baseline_recall_at_k,
        "difference_low": result.difference_low,
        "difference_high": result.difference_high,
    }


def risk(args: argparse.Namespace, out: TextIO) -> int:
    from sosgen.cli import today

    repo = load(args.repo)
    day = today(args)
    if args.backtest:
        result = backtest(repo, k=args.k, until=day)
        if args.format == "json":
            json.dump(_backtest_json(result), out, indent=2)
            out.write("\n")
        else:
            report_backtest(result, out)
        return 0
    ranked = rank(repo, day)
    if args.format == "json":
        data = {"today": day.isoformat(), "dependencies": [_risk_json(d, r) for d, r in ranked]}
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        report_rank(ranked, repo, day, out)
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from sosgen.cli import add_today, positive_int

    parser.add_argument(
        "--backtest",
        action="store_true",
        help="replay the history and measure the score against what happened",
    )
    parser.add_argument(
        "--k",
        type=positive_int,
        default=TOP_K,
        metavar="N",
        help=f"the backtest's top-k: the N riskiest at each meeting (default: {TOP_K})",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    add_today(parser)


def run(args: argparse.Namespace) -> int:
    return risk(args, sys.stdout)
