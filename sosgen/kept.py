"""Compiled forms of sosgen's own code, kept once per installation beside its bytecode.

Python keeps each module's compiled bytecode in the package's `__pycache__/`, which
only whoever installed the package can write, and loads it instead of compiling the
source again. sosgen keeps two more compiled forms there, as trusted as those: Graphviz
compiled from WebAssembly to native code (`sosgen.graphviz_worker`) and the packaged
Jinja templates compiled to Python bytecode (`sosgen.render`). Never anything of a
data repository's: its own templates are compiled every time, and nothing here is read
from or written to its cache folder.

A kept file is named by everything that decides its content, holds the SHA-256 of
that content on its first line and is used only when they match (a truncated or
damaged file is compiled again and replaced). It is written as Python writes
bytecode: atomically, with the mode of the package's own files, and not at all
under `PYTHONDONTWRITEBYTECODE` or where the folder cannot be written.

Standard library only: the Graphviz process imports it and nothing else of sosgen.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "__pycache__"


def read(path: Path) -> bytes | None:
    """The content kept at `path`, if it is there and whole."""
    try:
        digest, _, content = path.read_bytes().partition(b"\n")
    except OSError:
        return None
    return content if digest == hashlib.sha256(content).hexdigest().encode() else None


def write(path: Path, content: bytes | bytearray) -> None:
    """Keep `content` at `path` with its digest, atomically; silently not at all under
    `PYTHONDONTWRITEBYTECODE` or where the folder cannot be written (a read-only
    installation compiles every time)."""
    if sys.dont_write_bytecode:
        return
    digest = hashlib.sha256(content).hexdigest().encode()
    try:
        path.parent.mkdir(exist_ok=True)
        fd, staged = tempfile.mkstemp(prefix=".kept-", dir=path.parent)
        try:
            os.fchmod(fd, os.stat(__file__).st_mode & 0o666)  # as Python's bytecode
            with os.fdopen(fd, "wb") as f:
                f.write(digest + b"\n")
                f.write(content)
            os.replace(staged, path)
        except BaseException:
            Path(staged).unlink(missing_ok=True)
            raise
    except OSError:
        pass
