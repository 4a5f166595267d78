"""The parse cache: a warm load gives exactly what a cold one does, whatever happened
to the cache folder, and the cache never leaves it, follows a link or runs code."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synth import generate

from sosgen import cache, codec, parse_pool
from sosgen import model as m
from sosgen.cache import ParseCache
from sosgen.cache_folder import CACHE_DIR
from sosgen.repo import load_repository, read_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cache") / "org"
    generate(root, teams=5, meetings=45, seed=3)  # about 250 files
    return root


@pytest.fixture
def org(generated: Path, tmp_path: Path) -> Path:
    root = tmp_path / "org"
    shutil.copytree(generated, root)
    return root


def deep(value: Any) -> Any:
    """A comparable picture of a model value: every field, its type and its positions."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            type(value).__name__,
            *(
                (f.name, dict(getattr(value, f.name)))
                if f.name == "positions"
                else (f.name, deep(getattr(value, f.name)))
                for f in dataclasses.fields(value)
            ),
        ]
    if isinstance(value, tuple | list):
        return [deep(v) for v in value]
    if isinstance(value, Mapping):
        return {k: deep(v) for k, v in value.items()}
    if isinstance(value, frozenset):
        return sorted(value)
    return (type(value).__name__, value)


def load(root: Path, **options: Any) -> tuple[Any, list[str], cache.Stats]:
    documents = ParseCache(**options)
    repo, problems, _ = load_repository(root, documents=documents)
    return deep(repo), [str(p) for p in problems], documents.stats


def cold(root: Path) -> tuple[Any, list[str]]:
    repo, problems, _ = load_repository(root, reader=read_document)  # no cache, one by one
    return deep(repo), [str(p) for p in problems]


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_warm_load_equals_cold_load(org: Path) -> None:
    expected = cold(org)
    first = load(org)
    second = load(org)
    assert first[:2] == expected
    assert second[:2] == expected
    assert first[2].hits == 0
    assert second[2].hits == first[2].misses > 200


def test_trusted_stamps_skip_reading_and_still_match(
    org: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = cold(org)
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files were copied just before the shards
    load(org)
    warm = load(org)
    assert warm[:2] == expected
    assert warm[2].rehashed == 0


def test_a_changed_file_is_loaded_again(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    load(org)
    path = next((org / "meetings").glob("*/_meeting.yaml"))
    text = path.read_text()
    info = path.stat()
    # Same size and modification time: only the content (and the ctime) differ.
    at = text.index("facilitator: ") + len("facilitator: ")
    path.write_text(text[:at] + ("Z" if text[at] != "Z" else "Y") + text[at + 1 :])
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    warm = load(org)
    assert warm[:2] == cold(org)
    assert warm[2].misses == 1


def test_errors_are_cached_with_their_positions(org: Path) -> None:
    update = next((org / "meetings").glob("*/[!_]*.yaml"))
    update.write_text("ambassador: [unclosed\n")
    expected = cold(org)
    assert any("invalid YAML" in p for p in expected[1])
    load(org)
    assert load(org)[:2] == expected


def corrupt_payloads(root: Path, change: Callable[[str], str]) -> None:
    for shard in (root / CACHE_DIR).glob("*.jsonl"):
        header, *lines = shard.read_text().split("\n")
        out = [header]
        for line in lines:
            if line:
                head, payload = line.rsplit("\t", 1)
                line = f"{head}\t{change(payload)}"
            out.append(line)
        shard.write_text("\n".join(out))


class Evil:
    """Unpickling this creates a file: the proof a cache ran code."""

    marker = ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.marker, "w"))


def swap_first_text(payload: str) -> str:
    data = json.loads(payload)

    def swap(value: Any) -> Any:
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    value[i] = 12345
                    return True
                if swap(item):
                    return True
        return False

    swap(data)
    return json.dumps(data)


HOSTILE: dict[str, Callable[[str], str]] = {
    "not JSON": lambda payload: "{not json",
    "truncated": lambda payload: payload[: len(payload) // 2],
    "deep nesting": lambda payload: "[" * 100_000 + "]" * 100_000,
    "wrong shape": lambda payload: json.dumps({"__reduce__": ["os.system", ["true"]]}),
    "wrong type": swap_first_text,
    "numbers for text": lambda payload: payload.replace('"', "").replace(",", ",1,"),
    "huge number": lambda payload: "[" + "9" * 5000 + ",[]]",
    "bad dates": lambda payload: payload.replace("7", "-7"),
    "pickle": lambda payload: pickle.dumps(Evil()).hex(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_entries_are_misses(org: Path, tmp_path: Path, name: str) -> None:
    Evil.marker = str(tmp_path / "pwned")
    expected = cold(org)
    load(org)
    corrupt_payloads(org, HOSTILE[name])
    assert load(org)[:2] == expected
    assert load(org)[:2] == expected  # and the damaged entries were replaced
    assert not (tmp_path / "pwned").exists()


SHARD_DAMAGE: dict[str, Callable[[Path], None]] = {
    "deleted": lambda shard: shard.unlink(),
    "truncated": lambda shard: shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 3]),
    "emptied": lambda shard: shard.write_bytes(b""),
    "garbage": lambda shard: shard.write_bytes(os.urandom(4096)),
    "pickled": lambda shard: shard.write_bytes(pickle.dumps(Evil())),
    "other version": lambda shard: shard.write_text(
        shard.read_text().replace('"sosgen-cache": 1', '"sosgen-cache": 0', 1)
    ),
    "a folder": lambda shard: (shard.unlink(), shard.mkdir()),
    "wrong stamps": lambda shard: shard.write_text(
        "\n".join(
            "\t".join([f.split("\t")[0], "x", "-1", "1e9", "99999999999999999999999999", "0", ""])
            if "\t" in f
            else f
            for f in shard.read_text().split("\n")
        )
    ),
}


@pytest.mark.parametrize("name", sorted(SHARD_DAMAGE))
def test_damaged_shards_give_the_same_load(org: Path, tmp_path: Path, name: str) -> None:
    Evil.marker = str(tmp_path / "pwned")
    expected = cold(org)
    load(org)
    for shard in sorted((org / CACHE_DIR).glob("*.jsonl"))[::2]:
        SHARD_DAMAGE[name](shard)
    assert load(org)[:2] == expected
    assert not (tmp_path / "pwned").exists()


def test_deleting_the_cache_folder_gives_the_same_load(org: Path) -> None:
    expected = cold(org)
    load(org)
    shutil.rmtree(org / CACHE_DIR)
    assert load(org)[:2] == expected
    assert load(org)[2].hits > 200


def test_the_cache_stays_in_its_folder(org: Path) -> None:
    before = files_under(org)
    load(org)
    load(org)
    added = files_under(org) - before
    assert added
    assert all(path.startswith(f"{CACHE_DIR}/") for path in added)
    names = {path.removeprefix(f"{CACHE_DIR}/") for path in added}
    assert not [n for n in names if n.startswith(".tmp-")]  # no temporary file left
    assert (org / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    assert ".sosgen-cache/" in (ROOT / ".gitignore").read_text().splitlines()


def test_a_symlinked_cache_folder_is_refused(org: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (org / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    expected = cold(org)
    warm = load(org)
    assert warm[:2] == expected
    assert "not a folder" in warm[2].refused
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_shard_is_neither_read_nor_written_through(org: Path, tmp_path: Path) -> None:
    load(org)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    shard = sorted((org / CACHE_DIR).glob("meeting-*.jsonl"))[0]
    shard.unlink()
    shard.symlink_to(victim)
    assert load(org)[:2] == cold(org)
    assert victim.read_text() == "precious"
    assert not shard.is_symlink()  # replaced by a real shard, the link's target untouched


def test_another_version_misses(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(org)
    monkeypatch.setattr(cache, "__version__", "99.0")
    monkeypatch.setattr(cache, "_fingerprints", {})
    warm = load(org)
    assert warm[2].hits == 0
    assert warm[:2] == cold(org)


def test_no_cache_neither_reads_nor_writes(org: Path) -> None:
    warm = load(org, enabled=False)
    assert warm[:2] == cold(org)
    assert not (org / CACHE_DIR).exists()


def test_check_no_cache_writes_nothing(org: Path, run: Callable[..., Any]) -> None:
    with_cache = run("-C", org, "check", "--today", "2025-01-01")
    assert (org / CACHE_DIR).is_dir()
    shutil.rmtree(org / CACHE_DIR)
    without = run("-C", org, "check", "--today", "2025-01-01", "--no-cache")
    assert not (org / CACHE_DIR).exists()
    again = run("-C", org, "check", "--today", "2025-01-01")
    assert with_cache.out == without.out == again.out


def test_a_file_where_the_cache_folder_goes_is_left_alone(org: Path) -> None:
    (org / CACHE_DIR).write_text("mine")
    warm = load(org)
    assert warm[:2] == cold(org)
    assert warm[2].refused
    assert (org / CACHE_DIR).read_text() == "mine"


def test_two_processes_load_what_one_does(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_pool, "PARALLEL_FROM", 10)
    monkeypatch.setattr(parse_pool, "_can_fork", lambda: True)
    wanted = [
        (p.relative_to(org).as_posix(), "meeting" if p.name == "_meeting.yaml" else "update")
        for p in sorted((org / "meetings").glob("*/*.yaml"))
    ]
    serial = {
        r.relpath: deep(r.loaded) for r in parse_pool.read_all(org, wanted, workers=1, encode=True)
    }
    shared = {
        r.relpath: deep(r.loaded) for r in parse_pool.read_all(org, wanted, workers=2, encode=True)
    }
    assert shared == serial
    assert len(serial) == len(wanted)
    assert load(org, workers=2)[:2] == cold(org)


# The codec on its own.


def test_codec_round_trips_every_file(org: Path) -> None:
    for relpath, schema in [("teams.yaml", "teams"), ("dependencies.yaml", "dependencies")] + [
        (p.relative_to(org).as_posix(), "meeting" if p.name == "_meeting.yaml" else "update")
        for p in sorted((org / "meetings").glob("*/*.yaml"))[:60]
    ]:
        read = parse_pool.read_file(org, relpath, schema, encode=True)
        assert read.encoded is not None
        back = codec.decode(schema, json.loads(read.encoded), relpath)
        assert deep(back[0]) == deep(read.loaded[0])
        assert back[1] == read.loaded[1]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 800_000) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=40,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(schema=st.sampled_from(sorted(codec.SCHEMA_TYPES)), data=JSON)
def test_decoding_anything_is_the_right_type_or_corrupt(schema: str, data: Any) -> None:
    try:
        value, problems = codec.decode(schema, [data, []], "f.yaml")
    except codec.Corrupt:
        return
    # Whatever decoded encodes again: every part has the type the model declares.
    codec.encode(schema, value, problems, "f.yaml")
    deep(value)


@pytest.mark.parametrize("schema", ["meeting", "update"])
def test_decoding_a_mutated_entry_is_the_right_type_or_corrupt(org: Path, schema: str) -> None:
    files = sorted((org / "meetings").glob("*/*.yaml"))
    path = next(p for p in files if (p.name == "_meeting.yaml") == (schema == "meeting"))
    relpath = path.relative_to(org).as_posix()
    read = parse_pool.read_file(org, relpath, schema, encode=True)
    assert read.encoded is not None
    tokens = json.loads(read.encoded)
    replacements: list[Any] = [None, True, 0, -1, "x", [], {}, 1.5, [[]], ["x", 1, 1]]

    def paths(value: Any, here: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
        found = [here]
        if isinstance(value, list):
            for i, item in enumerate(value):
                found += paths(item, (*here, i))
        return found

    for where in paths(tokens)[1:]:
        for replacement in replacements:
            mutated = json.loads(read.encoded)
            parent = mutated
            for i in where[:-1]:
                parent = parent[i]
            parent[where[-1]] = replacement
            try:
                value, problems = codec.decode(schema, mutated, relpath)
            except codec.Corrupt:
                continue
            codec.encode(schema, value, problems, relpath)
            deep(value)


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    name: str
    size: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", max(self.size, 0))


def test_a_decoded_object_is_made_as_its_class_makes_it() -> None:
    # Objects are made slot by slot where that is what `__init__` does; a class with
    # a `__post_init__` is made through it.
    item = codec._coders(m.Item)[1]([3, 5, ["text", 3, 11], "next", "x", ["a"], ""], "f.yaml")
    assert item == m.Item(cache.codec.Pos("f.yaml", 3, 5), "next", "x", ("a",), "")
    assert item.at("text") == cache.codec.Pos("f.yaml", 3, 11)
    assert codec._coders(_Checked)[1](["n", -4], "f.yaml") == _Checked("n", 0)
    with pytest.raises(codec.Corrupt):
        codec._coders(_Checked)[1](["n", "4"], "f.yaml")


def test_lazy_positions_make_only_valid_positions() -> None:
    positions = codec.Positions("f.yaml", ["a", 1, 2, "b", 0, 1, 3, 4, 5, "a", 9, 9, "c", 2])
    assert positions.get("a") == cache.codec.Pos("f.yaml", 1, 2)
    assert positions.get("b", "default") == "default"
    assert dict(positions) == {"a": cache.codec.Pos("f.yaml", 1, 2)}
    assert "c" not in positions
