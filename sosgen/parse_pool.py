"""Read and parse many files, on several cores when there are many.

Each file is read once: its stamp (size, times, inode) is taken before the bytes are
read, the bytes are hashed and parsed, so the cache always stores the result of the
very bytes it names. On a cold build a worker process takes chunks from the front of
the list while this process takes them from the back (cancelling the chunks no worker
has started), so two cores stay busy whatever each chunk costs. Workers send their
results as the codec's JSON text, which decodes in a fraction of the parse time.
Forking is only done from a process without other threads; otherwise, and for a few
files, everything is parsed here.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sosgen import codec
from sosgen.diagnostics import Pos, error
from sosgen.repo import Loaded, load_document

PARALLEL_FROM = 200  # files: below this, a second process costs more than it saves
Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


@dataclass(frozen=True, slots=True)
class Read:
    """One file read and loaded; `encoded` is the codec's JSON text, when asked for."""

    relpath: str
    loaded: Loaded
    stamp: Stamp | None  # None when the file could not be read: never cached
    sha: str
    encoded: str | None


def stamp_of(info: os.stat_result) -> Stamp:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def stamp_of_text(text: str) -> Stamp:
    """The stamp that `write.stamp_text` wrote as text."""
    size, mtime, ctime, inode = map(int, text.split(":"))
    return size, mtime, ctime, inode


def read_file(root: Path, relpath: str, schema: str, *, encode: bool) -> Read:
    try:
        fd = os.open(os.path.join(root, relpath), os.O_RDONLY | os.O_CLOEXEC)
        try:
            stamp = stamp_of(os.fstat(fd))
            data = _read(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        problem = error(Pos(relpath), "yaml-syntax", f"cannot read file: {exc.strerror}")
        return Read(relpath, (None, [problem]), None, "", None)
    return loaded_bytes(relpath, schema, data, stamp, encode=encode)


def _read(fd: int) -> bytes:
    """Up to MAX_BYTES + 1 bytes (one more than a file may have, so that a larger one
    is refused), read straight from `fd`: no file object (that cost more, measured)."""
    # Imported here (with PyYAML): a run whose files are all cache hits needs neither.
    from sosgen.load import MAX_BYTES

    chunks = []
    left = MAX_BYTES + 1
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def loaded_bytes(relpath: str, schema: str, data: bytes, stamp: Stamp, *, encode: bool) -> Read:
    """Load the bytes of one file: an update in the common shape through
    `fast_update`, anything else (and any file with a problem) the general way."""
    # Imported here (with PyYAML): a run whose files are all cache hits needs neither.
    from sosgen import fast_update

    sha = hashlib.sha256(data).hexdigest()
    fast = fast_update.update(data, relpath) if schema == "update" else None
    if fast is not None:
        value, encoded_value = fast
        encoded = _json([encoded_value, []]) if encode else None
        return Read(relpath, (value, []), stamp, sha, encoded)
    loaded = load_document(data, relpath, schema)
    encoded = encode_loaded(schema, loaded, relpath) if encode else None
    return Read(relpath, loaded, stamp, sha, encoded)


def encode_loaded(schema: str, loaded: Loaded, relpath: str) -> str | None:
    try:
        data = codec.encode(schema, loaded[0], loaded[1], relpath)
    except codec.Unencodable:
        return None
    return _json(data)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def read_all(
    root: Path, jobs: Sequence[tuple[str, str]], *, workers: int, encode: bool = False
) -> Iterator[Read]:
    """A `Read` for every (relpath, schema) of `jobs`, in any order."""
    if workers < 2 or len(jobs) < PARALLEL_FROM or not _can_fork():
        for relpath, schema in jobs:
            yield read_file(root, relpath, schema, encode=encode)
        return
    yield from _shared(root, list(jobs), workers, encode)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _shared(root: Path, jobs: list[tuple[str, str]], workers: int, encode: bool) -> Iterator[Read]:
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor, wait

    # Small chunks: at the end this process waits for the chunks a worker holds (the
    # one it parses and the next one, queued to it), ~1/4 s with 12 chunks a worker.
    size = max(16, len(jobs) // (48 * workers))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    pool = ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("fork"))
    try:
        queued: list[tuple[list[tuple[str, str]], Future[list[Any]]]] = [
            (chunk, pool.submit(_work, root, chunk)) for chunk in chunks
        ]
        while queued:
            for done in [q for q in queued if q[1].done()]:
                queued.remove(done)
                yield from _received(done[1].result(), dict(done[0]), encode)
            if not queued:
                break
            chunk, last = queued[-1]
            if last.cancel():  # no worker has it: parse it here
                queued.pop()
                for relpath, schema in chunk:
                    yield read_file(root, relpath, schema, encode=encode)
            else:
                wait([f for _, f in queued], return_when="FIRST_COMPLETED")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _work(root: Path, chunk: list[tuple[str, str]]) -> list[Any]:
    """In a worker: each file's result as JSON text (or, if the codec cannot carry it,
    as the value itself, which the pool pickles back to us, never to disk)."""
    out: list[Any] = []
    for relpath, schema in chunk:
        read = read_file(root, relpath, schema, encode=True)
        carried = None if read.encoded is not None else read.loaded
        out.append((relpath, read.stamp, read.sha, read.encoded, carried))
    return out


def _received(results: list[Any], schemas: dict[str, str], encode: bool) -> Iterator[Read]:
    for relpath, stamp, sha, encoded, carried in results:
        if encoded is None:
            loaded = carried
        else:
            loaded = codec.decode(schemas[relpath], json.loads(encoded), relpath)
        yield Read(relpath, loaded, stamp, sha, encoded if encode else None)
