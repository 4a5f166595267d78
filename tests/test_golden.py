"""Golden sites: the fixture repositories built and compared, file by file, with the
site kept in tests/golden/. After an intended change, bless the new output with

    SOSGEN_BLESS=1 python -m pytest tests/test_golden.py

and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from sosgen.commands.build import build

GOLDEN = ROOT / "tests/golden"
CASES = {"site-small": "2026-11-09", "site-hostile": "2026-11-04"}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _diff(path: str, want: bytes, got: bytes) -> str:
    lines = difflib.unified_diff(
        want.decode("utf-8", "replace").splitlines(),
        got.decode("utf-8", "replace").splitlines(),
        f"golden/{path}",
        f"built/{path}",
        lineterm="",
        n=2,
    )
    return "\n".join(list(lines)[:60])


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_site(name, tmp_path):
    root = tmp_path / name
    shutil.copytree(ROOT / "tests/fixtures" / name, root)
    out = tmp_path / "site"
    code = build(
        root,
        out=out,
        today=dt.date.fromisoformat(CASES[name]),
        engine_name="wasm",
        commit="0000000000000000000000000000000000golden",
        stamp=None,
        base_url="",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert code == 0
    built = _tree(out)
    golden = GOLDEN / name
    if os.environ.get("SOSGEN_BLESS") == "1":
        shutil.rmtree(golden, ignore_errors=True)
        shutil.copytree(out, golden)
        return
    assert golden.is_dir(), f"no golden site: run SOSGEN_BLESS=1 python -m pytest {__file__}"
    want = _tree(golden)
    assert sorted(built) == sorted(want), "the built site has other files than the golden one"
    changed = [path for path in want if want[path] != built[path]]
    assert not changed, (
        f"{len(changed)} files differ from tests/golden/{name} (if intended, bless them: "
        "SOSGEN_BLESS=1 python -m pytest tests/test_golden.py)\n"
        + _diff(changed[0], want[changed[0]], built[changed[0]])
    )
