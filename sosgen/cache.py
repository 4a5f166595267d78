"""The parse cache: what loading each data file gave, kept between runs in `.sosgen-cache/`.

Parsing and validating YAML is most of the cost of loading a repository (about
0.6 ms a file); decoding the file's model value from JSON costs a tenth of that.
`ParseCache` is a `repo.Documents`: it answers each file from the cache when the
file's bytes are the ones it loaded, and loads the rest (on several cores when there
are many; `sosgen.parse_pool`). What it keeps is the model value (`sosgen.codec`),
not the validator's typed tree: rebuilding a tree of positioned values costs as much
as a third of parsing; the model objects are few and their positions are made on
demand.

- Where: `<repo>/.sosgen-cache/` (`sosgen.cache_folder`: git-ignored, never through a
  symbolic link, written atomically).
- What: one JSON Lines shard per schema and month (`update-2025-11.jsonl`): a header
  naming the code that wrote it, then `relpath, size, mtime, ctime, inode, sha256,
  value` per file. Only the lines asked for are decoded. A shard whose header names
  other code (another sosgen version, loader, validator, converter, model, codec or
  schema) is ignored.
- When an entry is used: its file's stamp (size, times, inode) is unchanged and the
  file was last changed well before the shard was written (else the file is read and
  its SHA-256 compared, as Git does with racily clean files), and the entry decodes
  to exactly the types the model declares. Anything else is a miss: a damaged,
  stale or hostile cache can cost time, never give a wrong type or run code (JSON
  only: no pickle). It cannot tell a well-formed lie from the truth, though: a build
  that must not trust the folder it was given runs with `--no-cache`.
- Writing: a shard that changed is written again once every file of it has been
  answered; entries that failed to decode are dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sosgen import __version__, codec
from sosgen.cache_folder import CacheFolder
from sosgen.parse_pool import Read, Stamp, loaded_bytes, read_all, stamp_of, stamp_of_text
from sosgen.repo import Loaded

FORMAT = 1
RACY_NS = 2_000_000_000  # a file changed this close to the shard's writing is re-hashed
_MONTH = re.compile(r"meetings/([0-9]{4}-[0-9]{2})-[0-9]{2}/[^/\t\n]+\Z")


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    rehashed: int = 0  # files read again because their stamp could not be trusted
    shards_written: int = 0
    refused: str = ""  # why the cache was not used, if it was not


@dataclass
class _Shard:
    name: str
    schema: str
    lines: dict[str, str] = field(default_factory=dict)  # relpath -> entry line
    written_ns: int = 0  # the shard file's mtime
    dirty: bool = False
    pending: int = 0  # files of this run not yet answered


class ParseCache:
    """A `repo.Documents` backed by `<root>/.sosgen-cache/`; `enabled=False` parses
    everything (still on several cores) and neither reads nor writes the cache."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        workers: int | None = None,
        stamps: Mapping[str, str] | None = None,
    ) -> None:
        self.enabled = enabled
        # Files stamped a moment ago by the caller (`build_state.inputs`, which walks
        # them all anyway), by relative path, as `write.stamp_text` writes a stamp:
        # not stat'ed again.
        self.stamps: Mapping[str, str] = stamps or {}
        self.workers = workers if workers is not None else min(os.cpu_count() or 1, 2)
        self.stats = Stats()
        # The SHA-256 of the bytes each file's answer came from, for the last call's
        # files, when asked for (`sosgen.live` sets a dict, takes them out, and keeps
        # the very object of a file saved unchanged); None: not kept.
        self.shas: dict[str, str] | None = None

    def __call__(
        self, root: Path, wanted: Sequence[tuple[str, str]]
    ) -> Iterator[tuple[str, Loaded]]:
        if self.shas is not None:
            self.shas.clear()
        folder = CacheFolder.open(root) if self.enabled else None
        if folder is None or isinstance(folder, str):
            self.stats.refused = folder or "disabled"
            for read in read_all(root, wanted, workers=self.workers, encode=False):
                self.stats.misses += 1
                if read.stamp is not None:
                    self._came_from(read.relpath, read.sha)
                yield read.relpath, read.loaded
            return
        try:
            yield from self._cached(root, folder, wanted)
        finally:
            folder.close()

    def _cached(
        self, root: Path, folder: CacheFolder, wanted: Sequence[tuple[str, str]]
    ) -> Iterator[tuple[str, Loaded]]:
        shards: dict[str, _Shard] = {}
        shard_of: dict[str, _Shard] = {}
        misses: list[tuple[str, str]] = []
        for relpath, schema in wanted:
            name = shard_name(relpath, schema)
            shard = shards.get(name)
            if shard is None:
                shard = shards[name] = _load(folder, name, schema)
            shard.pending += 1
            shard_of[relpath] = shard
        for relpath, schema in wanted:
            shard = shard_of[relpath]
            answer = self._lookup(root, relpath, schema, shard)
            if answer is None:
                misses.append((relpath, schema))
                continue
            yield relpath, answer
            self._answered(folder, shard)
        for read in read_all(root, misses, workers=self.workers, encode=True):
            self.stats.misses += 1
            shard = shard_of[read.relpath]
            if read.stamp is not None:
                self._came_from(read.relpath, read.sha)
            if read.stamp is not None and read.encoded is not None:
                shard.lines[read.relpath] = _line(read.relpath, read.stamp, read.sha, read.encoded)
                shard.dirty = True
            yield read.relpath, read.loaded
            self._answered(folder, shard)

    def _lookup(self, root: Path, relpath: str, schema: str, shard: _Shard) -> Loaded | None:
        entry = _entry(shard.lines.get(relpath), relpath)
        if entry is None:
            return None
        stamp, sha, encoded = entry
        text = self.stamps.get(relpath)
        if text is not None:
            now = stamp_of_text(text)
        else:
            try:
                now = stamp_of(os.stat(os.path.join(root, relpath)))
            except OSError:
                return None
        if now != stamp or max(stamp[1], stamp[2]) >= shard.written_ns - RACY_NS:
            self.stats.rehashed += 1
            read = _verify(root, relpath, schema, sha)
            if read is None:
                return None
            if read.encoded is not None:  # the bytes changed: parsed from the ones hashed
                shard.lines[relpath] = _line(relpath, read.stamp or now, read.sha, read.encoded)
                shard.dirty = True
                self.stats.misses += 1
                self._came_from(relpath, read.sha)
                return read.loaded
            shard.lines[relpath] = _line(relpath, read.stamp or now, sha, encoded)
            shard.dirty = True  # same bytes, new stamp: trusted from the next run on
        try:
            loaded = codec.decode(schema, json.loads(encoded), relpath)
        except Exception:  # whatever a damaged or hostile entry provokes: a miss
            del shard.lines[relpath]
            shard.dirty = True
            return None
        self.stats.hits += 1
        self._came_from(relpath, sha)
        return loaded

    def _came_from(self, relpath: str, sha: str) -> None:
        """`relpath`'s answer came from the bytes hashing to `sha` (kept if asked)."""
        if self.shas is not None:
            self.shas[relpath] = sha

    def _answered(self, folder: CacheFolder, shard: _Shard) -> None:
        shard.pending -= 1
        if shard.pending:
            return
        if shard.dirty and _save(folder, shard):
            self.stats.shards_written += 1
        shard.lines.clear()  # the shard is done with: free it


def shard_name(relpath: str, schema: str) -> str:
    month = _MONTH.match(relpath)
    return f"{schema}-{month.group(1)}" if month else schema


_fingerprints: dict[str, str] = {}


def fingerprint(schema: str) -> str:
    """What decides a file's model value besides its bytes: sosgen's version, the
    source of the loader, validator, converter, model, codec and the update fast path,
    and the schema."""
    found = _fingerprints.get(schema)
    if found is None:
        from importlib import resources, util

        digest = hashlib.sha256(f"{FORMAT}:{__version__}:{schema}".encode())
        sources = ("load", "schema", "convert", "model", "codec", "fast_update")
        for name in sources:  # found, not imported
            spec = util.find_spec(f"sosgen.{name}")
            digest.update(_source(spec.origin if spec else None))
        text = resources.files("sosgen").joinpath(f"schemas/{schema}.schema.json")
        digest.update(text.read_bytes() if text.is_file() else b"-")
        found = _fingerprints[schema] = digest.hexdigest()
    return found


def _source(path: str | None) -> bytes:
    try:
        return Path(path or "").read_bytes()
    except OSError:
        return b"-"


def _line(relpath: str, stamp: Stamp, sha: str, encoded: str) -> str:
    return "\t".join((relpath, *map(str, stamp), sha, encoded))


def _entry(line: str | None, relpath: str) -> tuple[Stamp, str, str] | None:
    """A shard line's stamp, SHA-256 and JSON text, or None if it is not well formed.
    (A wrong stamp or digest only makes the entry miss.)"""
    if line is None:
        return None
    parts = line.split("\t", 6)
    if len(parts) != 7 or parts[0] != relpath or max(map(len, parts[1:5])) > 24:
        return None
    try:
        stamp = (int(parts[1]), int(parts[2]), int(parts[3]), int(parts[4]))
    except ValueError:
        return None
    return stamp, parts[5], parts[6]


def _verify(root: Path, relpath: str, schema: str, sha: str) -> Read | None:
    """Read the file: `encoded` is None if its bytes still hash to `sha`, else it is
    parsed (from those same bytes). None if it cannot be read."""
    from sosgen.load import MAX_BYTES

    try:
        fd = os.open(os.path.join(root, relpath), os.O_RDONLY | os.O_CLOEXEC)
        try:
            stamp = stamp_of(os.fstat(fd))
            with os.fdopen(fd, "rb", closefd=False) as f:
                data = f.read(MAX_BYTES + 1)
        finally:
            os.close(fd)
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() == sha:
        return Read(relpath, (None, []), stamp, sha, None)
    read = loaded_bytes(relpath, schema, data, stamp, encode=True)
    return read if read.encoded is not None else None


def _load(folder: CacheFolder, name: str, schema: str) -> _Shard:
    shard = _Shard(name, schema)
    found = folder.read(f"{name}.jsonl")
    if found is None:
        return shard
    text, written_ns = found
    lines = text.split("\n")
    if lines[0] != _header(name, fingerprint(schema)):
        return shard
    shard.written_ns = written_ns
    shard.lines = {line.split("\t", 1)[0]: line for line in lines[1:] if line}
    return shard


def _save(folder: CacheFolder, shard: _Shard) -> bool:
    body = "\n".join(shard.lines[k] for k in sorted(shard.lines))
    header = _header(shard.name, fingerprint(shard.schema))
    return folder.write(f"{shard.name}.jsonl", f"{header}\n{body}\n")


def _header(name: str, code: str) -> str:
    return json.dumps({"sosgen-cache": FORMAT, "shard": name, "code": code}, sort_keys=True)
