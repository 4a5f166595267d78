"""Coordination intelligence: suggestions with their evidence, and a risk score with
its reasons. Never a silent edit: every function returns values for a person to
confirm or dismiss.

The API the site and the commands use:

- `text_suggestions(repo)`: undeclared mentions, restated blockers, silent providers;
- `load_saved_suggestions(root, repo)`: the code-history suggestions in suggestions.yaml;
- `rank(repo, today)`: open dependencies with their `Risk`, riskiest first;
- `backtest(repo)`: how well the risk score would have ranked the repository's own past.

Modules: `suggestion` (the value types), `text`, `owners` (CODEOWNERS and `owns`
globs), `gitlog` (the one place that runs git), `cochange`, `risk`, `backtest`,
`suggestions_file`.
"""

from __future__ import annotations

from pathlib import Path

from sosgen import model as m
from sosgen.intel.backtest import MIN_CASES, NOT_ENOUGH, BacktestResult, backtest
from sosgen.intel.risk import Factor, Risk, rank, score
from sosgen.intel.suggestion import Evidence, Kind, Status, Suggestion, ordered
from sosgen.intel.text import restated_blockers, silent_providers, undeclared_mentions

__all__ = [
    "MIN_CASES",
    "NOT_ENOUGH",
    "BacktestResult",
    "Evidence",
    "Factor",
    "Kind",
    "Risk",
    "Status",
    "Suggestion",
    "backtest",
    "load_saved_suggestions",
    "rank",
    "score",
    "text_suggestions",
]


def text_suggestions(repo: m.Repository, *, include_dismissed: bool = False) -> list[Suggestion]:
    """Every suggestion read from the updates' text, new ones first."""
    found = [*undeclared_mentions(repo), *restated_blockers(repo), *silent_providers(repo)]
    if not include_dismissed:
        found = [s for s in found if s.status is not Status.DISMISSED]
    return ordered(found)


def load_saved_suggestions(
    root: Path, repo: m.Repository | None = None, *, include_dismissed: bool = False
) -> list[Suggestion]:
    """The code-history suggestions saved in `root`/suggestions.yaml ([] without the
    file), marked known or dismissed against `repo`'s board when given. Raises
    SosgenError naming the first problem if the file is broken."""
    from sosgen.intel.suggestions_file import load_saved

    found = load_saved(root, repo)
    if not include_dismissed:
        found = [s for s in found if s.status is not Status.DISMISSED]
    return ordered(found)
