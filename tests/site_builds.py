"""`sosgen build` called in-process the way most tests call it: the wasm engine, no
commit, stamp or base URL, the output captured; and a built folder read back."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from sosgen.commands.build import build


def quiet_build(root: Path, out: Path, *, today: dt.date, **options: Any) -> str:
    """Build `root` into `out`; the summary line it printed. `options` are passed on
    (and may replace the defaults, e.g. `commit`)."""
    stdout = io.StringIO()
    settings: dict[str, Any] = {
        "engine_name": "wasm",
        "commit": "",
        "stamp": None,
        "base_url": "",
        "stderr": io.StringIO(),
        **options,
    }
    code = build(root, out=out, today=today, stdout=stdout, **settings)
    assert code == 0
    return stdout.getvalue()


def tree(folder: Path, *, manifest: bool = True) -> dict[str, bytes]:
    """Every file below `folder` by its relative path; without the build's manifest
    unless `manifest`."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (manifest or p.name != ".sosgen-manifest.json")
    }
