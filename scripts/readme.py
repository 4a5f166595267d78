"""Regenerate the generated parts of README.md from the code: the rules table and the
real `--help` output of each command. `python scripts/readme.py` rewrites README.md;
`--check` exits 1 if it is out of date (the test suite runs that)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["COLUMNS"] = "100"  # argparse wraps help to the terminal: fix it for the README
sys.path.insert(0, str(ROOT))

from sosgen.cli import COMMANDS, main  # noqa: E402
from sosgen.rules import all_rules  # noqa: E402

LOADER_RULES = [
    ("yaml-syntax", "error", "not valid YAML, or refused by the strict loader (see above)"),
    ("layout", "error", "a file or folder where none belongs, or a file name that is no team id"),
    ("schema", "error", "a value of the wrong type or form (date, id, enum, empty list)"),
    ("unknown-key", "error", "a key the format does not have (with a 'did you mean' hint)"),
    ("missing-key", "error", "a required key is missing (owner, due date, needed-by...)"),
    ("question-missing", "error", "one of the four questions is not answered at all"),
]


def rules_table() -> str:
    rows = ["| rule | severity | what it finds |", "|---|---|---|"]
    rows += [f"| `{rid}` | {sev} | {summary} |" for rid, sev, summary in LOADER_RULES]
    rows += [f"| `{r.id}` | {r.severity.value} | {r.summary} |" for r in all_rules()]
    return "\n".join(rows)


def help_text(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main([*argv, "--help"])
    return out.getvalue().rstrip()


def sections() -> dict[str, str]:
    parts = {"rules": rules_table(), "help": "```\n" + help_text() + "\n```"}
    for name in COMMANDS:
        parts[f"help-{name}"] = "```\n" + help_text(name) + "\n```"
    return parts


def render(text: str) -> str:
    for name, body in sections().items():
        pattern = re.compile(
            rf"(<!-- begin:{re.escape(name)} -->\n)(?:.*?\n)?(<!-- end:{re.escape(name)} -->)", re.S
        )
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main_() -> int:
    readme = ROOT / "README.md"
    old = readme.read_text(encoding="utf-8")
    new = render(old)
    if "--check" in sys.argv:
        if new != old:
            print("README.md is out of date: run python scripts/readme.py")
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_())
