"""A file's model value and diagnostics as JSON, for the parse cache.

The cache keeps what loading a file produces: its model value (`model.Update`,
`MeetingRecord`, `Org`, or the dependencies and dismissals) and its diagnostics.
The encoding follows the model's type hints, so it carries no type names and
nothing that could run code (no pickle):

    dataclass      -> [field, field, ...] in field order; a `Located` one starts with
                      line, column and its positions [key, line, column, ...]
    date           -> its ordinal;  tuple -> list;  frozenset -> sorted list
    Mapping[str, X] -> {key: X};  X | None -> X or null;  str, int, bool -> themselves
    Diagnostic     -> [severity, rule, message, line, column]

Positions are written without the path (the reader's file supplies it). Decoding
checks every value against the hint it must match and raises `Corrupt` otherwise,
so a damaged or hostile entry is a cache miss, never a value of the wrong type.
Positions are checked at once but made into `Pos` objects only when asked for:
rules ask for a few; a build asks for none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sosgen import model as m
from sosgen.diagnostics import Diagnostic, Pos, Severity

_MAX_ORDINAL = dt.date.max.toordinal()
_SEVERITIES = {s.value: s for s in Severity}
_LOCATED = ("pos", "positions")
_INT, _LIST = frozenset({int}), frozenset({list})
_WORD = 40  # characters: text up to this long is interned when decoded

Decoder = Callable[[Any, str], Any]
Encoder = Callable[[Any, str], Any]

# The model value of each schema's file (see `repo.to_model`).
SCHEMA_TYPES: dict[str, Any] = {
    "teams": m.Org | None,
    "dependencies": tuple[tuple[m.Dependency, ...], tuple[m.Dismissal, ...]],
    "meeting": m.MeetingRecord | None,
    "update": m.Update | None,
}


class Unencodable(Exception):
    """A value the cache cannot give back exactly: it is then simply not cached."""


class Corrupt(Exception):
    """A cache entry that is not what sosgen writes."""


class Positions(Mapping[str, Pos]):
    """Where each value of a model object was written, kept as the cache's flat list
    (its types checked when decoded) and made into `Pos` objects on first use. An
    entry with a line or column below 1 is left out, so whatever the cache held,
    this maps text to valid `Pos` objects."""

    __slots__ = ("_flat", "_made", "_path")

    def __init__(self, path: str, flat: Sequence[Any]) -> None:
        self._path = path
        self._flat = flat  # [key, line, column, key, line, column, ...]
        self._made: dict[str, Pos] | None = None

    def _all(self) -> dict[str, Pos]:
        made = self._made
        if made is None:
            made = self._made = {}
            flat, path = self._flat, self._path
            for i in range(0, len(flat) - 2, 3):
                key, line, column = flat[i], flat[i + 1], flat[i + 2]
                if type(key) is str and key not in made and _place(line) and _place(column):
                    made[key] = Pos(path, line, column)
            self._flat = []
        return made

    def __getitem__(self, key: str) -> Pos:
        return self._all()[key]

    def get(self, key: str, default: Any = None) -> Any:
        """One position, made without making the others (rules ask for one or two)."""
        if self._made is not None:
            return self._made.get(key, default)
        flat = self._flat
        try:
            i = flat.index(key)
        except ValueError:
            return default
        if i % 3 or i + 2 >= len(flat) or type(key) is not str:
            return self._all().get(key, default)
        line, column = flat[i + 1], flat[i + 2]
        return Pos(self._path, line, column) if _place(line) and _place(column) else default

    def __contains__(self, key: object) -> bool:
        return self.get(key, _MISSING) is not _MISSING  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return f"Positions({self._all()!r})"


_MISSING = object()


def compact_positions(path: str, positions: Mapping[str, Pos]) -> Mapping[str, Pos]:
    """`positions` (all in `path`) as a `Positions`: three list slots each instead of a
    `Pos` object and a dict entry, and each key one interned string. The loaded model
    holds hundreds of thousands of positions at a few thousand files; a build reads
    none of them, rules read a few. Given as they are if any is elsewhere."""
    flat: list[Any] = []
    for key, pos in positions.items():
        if type(pos) is not Pos or pos.path != path or type(key) is not str:
            return positions
        flat += (sys.intern(key), pos.line, pos.column)
    return Positions(path, tuple(flat))


def _place(number: Any) -> bool:
    return type(number) is int and number >= 1


@functools.cache
def _flat_types(size: int) -> tuple[type, ...]:
    """The types of a flat list of `size // 3` positions: (str, int, int) repeated."""
    return (str, int, int) * (size // 3)


def encode(schema: str, value: Any, diagnostics: list[Diagnostic], path: str) -> list[Any]:
    """`[value, diagnostics]` as JSON-ready data; every position must be in `path`."""
    encoded = _CODERS[schema][0](value, path)
    return [encoded, [_encode_diagnostic(d, path) for d in diagnostics]]


def decode(schema: str, data: Any, path: str) -> tuple[Any, list[Diagnostic]]:
    """The value and diagnostics that `encode` was given, positioned in `path`."""
    if type(data) is not list or len(data) != 2 or type(data[1]) is not list:
        raise Corrupt("not a [value, diagnostics] pair")
    if schema not in _CODERS:
        raise Corrupt(f"no such schema: {schema}")
    value = _CODERS[schema][1](data[0], path)
    return value, [_decode_diagnostic(d, path) for d in data[1]]


def _encode_diagnostic(d: Diagnostic, path: str) -> list[Any]:
    if d.pos.path != path:
        raise Unencodable(f"a diagnostic in {d.pos.path}, not {path}")
    return [d.severity.value, d.rule, d.message, d.pos.line, d.pos.column]


def _decode_diagnostic(data: Any, path: str) -> Diagnostic:
    if type(data) is not list or len(data) != 5:
        raise Corrupt("a diagnostic of the wrong shape")
    severity, rule, message, line, column = data
    if type(severity) is not str or severity not in _SEVERITIES:
        raise Corrupt("a diagnostic with an unknown severity")
    if type(rule) is not str or type(message) is not str:
        raise Corrupt("a diagnostic whose rule or message is not text")
    _check_places([line, column])
    return Diagnostic(Pos(path, line, column), _SEVERITIES[severity], message, rule)


def _check_places(numbers: list[Any]) -> None:
    if numbers and (set(map(type, numbers)) != {int} or min(numbers) < 1):
        raise Corrupt("a position that is not positive whole numbers")


# Coders, built once per type from the model's hints.


def _coders(hint: Any) -> tuple[Encoder, Decoder]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in _LEAF_CODERS:
        return _LEAF_CODERS[hint]
    if hint in _CLASS_CODERS:
        return _CLASS_CODERS[hint]
    if origin in (types.UnionType, typing.Union):
        others = [a for a in args if a is not type(None)]
        if len(others) != 1 or len(args) != 2:
            raise TypeError(f"unsupported union {hint}")
        return _optional(*_coders(others[0]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if args[0] in (str, int, bool):
            return _leaf_sequence(args[0])
        return _sequence(*_coders(args[0]))
    if origin is tuple:
        return _fixed(tuple(_coders(a) for a in args))
    if origin is frozenset and args == (str,):
        return _frozenset_of_str()
    if origin in (Mapping, dict) and args[0] is str:
        return _mapping(*_coders(args[1]))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _dataclass(hint)
    raise TypeError(f"no coder for {hint}")


def _leaf(kind: type) -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        if type(value) is not kind:
            raise Unencodable(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def dec(data: Any, path: str) -> Any:
        if type(data) is not kind:
            raise Corrupt(f"expected {kind.__name__}, got {type(data).__name__}")
        return data

    return enc, dec


def _date() -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        if type(value) is not dt.date:
            raise Unencodable(f"expected a date, got {type(value).__name__}")
        return value.toordinal()

    def dec(data: Any, path: str) -> Any:
        if type(data) is not int or not 1 <= data <= _MAX_ORDINAL:
            raise Corrupt("a date that is not a day number")
        return dt.date.fromordinal(data)

    return enc, dec


_LEAF_CODERS: dict[Any, tuple[Encoder, Decoder]] = {
    str: _leaf(str),
    int: _leaf(int),
    bool: _leaf(bool),
    dt.date: _date(),
}


def _optional(enc_item: Encoder, dec_item: Decoder) -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        return None if value is None else enc_item(value, path)

    def dec(data: Any, path: str) -> Any:
        return None if data is None else dec_item(data, path)

    return enc, dec


def _sequence(enc_item: Encoder, dec_item: Decoder) -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        if type(value) is not tuple:
            raise Unencodable(f"expected a tuple, got {type(value).__name__}")
        return [enc_item(v, path) for v in value]

    def dec(data: Any, path: str) -> Any:
        if type(data) is not list:
            raise Corrupt("expected a list")
        return tuple([dec_item(v, path) for v in data])

    return enc, dec


def _leaf_sequence(kind: type) -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        if type(value) is not tuple or not all(type(v) is kind for v in value):
            raise Unencodable(f"expected a tuple of {kind.__name__}")
        return list(value)

    expected = frozenset({kind})

    def dec(data: Any, path: str) -> Any:
        if type(data) is not list:
            raise Corrupt(f"expected a list of {kind.__name__}")
        if kind is str:
            try:
                "".join(data)  # the quickest check that every item is text
            except TypeError:
                raise Corrupt("expected a list of text") from None
            return tuple(map(sys.intern, data))  # ids, repeated thousands of times
        if data and set(map(type, data)) != expected:
            raise Corrupt(f"expected a list of {kind.__name__}")
        return tuple(data)

    return enc, dec


def _fixed(parts: tuple[tuple[Encoder, Decoder], ...]) -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        if type(value) is not tuple or len(value) != len(parts):
            raise Unencodable(f"expected a tuple of {len(parts)}")
        return [e(v, path) for (e, _), v in zip(parts, value, strict=True)]

    def dec(data: Any, path: str) -> Any:
        if type(data) is not list or len(data) != len(parts):
            raise Corrupt(f"expected a list of {len(parts)}")
        return tuple(d(v, path) for (_, d), v in zip(parts, data, strict=True))

    return enc, dec


def _frozenset_of_str() -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        if type(value) is not frozenset or not all(type(v) is str for v in value):
            raise Unencodable("expected a frozenset of text")
        return sorted(value)

    def dec(data: Any, path: str) -> Any:
        if type(data) is not list or (data and set(map(type, data)) != {str}):
            raise Corrupt("expected a list of text")
        return frozenset(data)

    return enc, dec


def _mapping(enc_item: Encoder, dec_item: Decoder) -> tuple[Encoder, Decoder]:
    def enc(value: Any, path: str) -> Any:
        if type(value) is not dict:
            raise Unencodable(f"expected a dict, got {type(value).__name__}")
        return {k: enc_item(v, path) for k, v in value.items()}

    def dec(data: Any, path: str) -> Any:
        if type(data) is not dict:
            raise Corrupt("expected a mapping")
        return {k: dec_item(v, path) for k, v in data.items()}

    return enc, dec


def _encode_positions(positions: Mapping[str, Pos], path: str) -> list[Any]:
    if type(positions) is Positions and positions._made is None and positions._path == path:
        return list(positions._flat)  # valid triples (checked when made), none made yet
    flat: list[Any] = []
    for key, pos in positions.items():
        if type(pos) is not Pos or pos.path != path or type(key) is not str:
            raise Unencodable(f"a position not in {path}")
        flat += (key, pos.line, pos.column)
    return flat


def _json_types(hint: Any) -> frozenset[type]:
    """The JSON types that may encode a value of `hint`."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return frozenset().union(*(_json_types(a) for a in args))
    if hint is type(None):
        return frozenset({type(None)})
    if hint in (str, int, bool):
        return frozenset({hint})
    if hint is dt.date:
        return frozenset({int})
    if origin in (Mapping, dict):
        return frozenset({dict})
    return frozenset({list})


def _dataclass(cls: type) -> tuple[Encoder, Decoder]:
    """A dataclass as the list of its field values. Decoding checks the JSON type of
    every field against the types its hint allows, converts the fields that need it
    (dates, lists, nested objects), then makes the object (`_decoder`)."""
    hints = typing.get_type_hints(cls)
    located = issubclass(cls, m.Located)
    fields = [f for f in dataclasses.fields(cls) if f.name not in _LOCATED]
    if any(f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: keyword-only fields are not supported")
    names = [f.name for f in fields]
    coders: list[tuple[Encoder, Decoder]] = []

    def enc(value: Any, path: str) -> Any:
        if type(value) is not cls:
            raise Unencodable(f"expected {cls.__name__}, got {type(value).__name__}")
        out: list[Any] = []
        if located:
            where = typing.cast(m.Located, value)
            if where.pos.path != path:
                raise Unencodable(f"a position not in {path}")
            out += (where.pos.line, where.pos.column, _encode_positions(where.positions, path))
        out += (e(getattr(value, name), path) for name, (e, _) in zip(names, coders, strict=True))
        return out

    decoders: list[Decoder | None] = []

    def dec(data: Any, path: str) -> Any:  # replaced below, once the fields' coders exist
        return made(data, path)

    _CLASS_CODERS[cls] = (enc, dec)  # before the fields: a class may contain itself
    for name in names:
        coder = _coders(hints[name])
        coders.append(coder)
        plain = hints[name] in (str, int, bool, str | None, int | None, bool | None)
        decoders.append(None if plain else coder[1])
    made = _decoder(cls, located, names, [_json_types(hints[n]) for n in names], decoders, hints)
    _CLASS_CODERS[cls] = (enc, made)
    return enc, made


def _decoder(
    cls: type,
    located: bool,
    names: list[str],
    allowed: list[frozenset[type]],
    decoders: list[Decoder | None],
    hints: dict[str, Any],
) -> Decoder:
    """The decoder of one dataclass, written out as straight-line code for its fields:
    a cache hit decodes tens of thousands of objects, and a loop over the fields with
    a call per field cost most of the load of a repository from the cache (measured).
    The source is made here from the class's own fields, never from cached data.

    It accepts exactly a list with one value per field (a `Located` class's position
    first: line, column, flat positions) of a JSON type its hint allows; anything else
    raises `Corrupt`. The object is made without the generated `__init__` where the
    class lets that be done field by field (frozen and slotted, no `__post_init__`),
    as `load.maker` does: it sets the same slots with half the calls."""
    start = 3 if located else 0
    values = [f"v{i}" for i in range(start + len(names))]
    env: dict[str, Any] = {
        "Corrupt": Corrupt,
        "Pos": Pos,
        "Positions": Positions,
        "intern": sys.intern,
        "flat_types": _flat_types,
        "new": object.__new__,
        "cls": cls,
        "WORD": _WORD,
        "not_this": f"not a {cls.__name__}",
        "bad_positions": "positions that are not (text, line, column) triples",
    }
    kinds = ([_INT, _INT, _LIST] if located else []) + allowed
    checks: list[str] = []
    for i, kind in enumerate(kinds):
        if len(kind) == 1:
            env[f"T{i}"] = next(iter(kind))
            checks.append(f"type(v{i}) is not T{i}")
        else:
            env[f"T{i}"] = kind
            checks.append(f"type(v{i}) not in T{i}")
    lines = [
        "def dec(data, path):",
        f"    if type(data) is not list or len(data) != {len(values)}:",
        "        raise Corrupt(not_this)",
        f"    {', '.join(values)}, = data",
        f"    if {' or '.join(checks)}:" if checks else "    if False:",
        "        raise Corrupt(not_this)",
    ]
    for i, decoder in enumerate(decoders):
        v = f"v{start + i}"
        if decoder is not None:
            env[f"D{i}"] = decoder
            lines.append(f"    {v} = D{i}({v}, path)")
        elif hints[names[i]] in (str, str | None):  # ids, names, states: one object each
            lines.append(f"    if {v} is not None and len({v}) <= WORD:")
            lines.append(f"        {v} = intern({v})")
    if located:
        lines += [
            "    n = len(v2)",
            "    if v0 < 1 or v1 < 1 or n % 3 or tuple(map(type, v2)) != flat_types(n):",
            "        raise Corrupt(bad_positions)",
            "    v2[0::3] = map(intern, v2[0::3])  # a few names, one object each",
        ]
    own = [f"v{start + i}" for i in range(len(names))]
    if _settable(cls, [*(_LOCATED if located else ()), *names]):
        slots = [*(_LOCATED if located else ()), *names]
        for j, name in enumerate(slots):
            env[f"S{j}"] = getattr(cls, name).__set__
        given = (["Pos(path, v0, v1)", "Positions(path, v2)"] if located else []) + own
        lines.append("    obj = new(cls)")
        lines += [f"    S{j}(obj, {value})" for j, value in enumerate(given)]
        lines.append("    return obj")
    elif located:
        listed = ", ".join(own)
        lines.append(f"    return cls(Pos(path, v0, v1), {listed}, positions=Positions(path, v2))")
    else:
        lines.append(f"    return cls({', '.join(own)})")
    exec("\n".join(lines), env)  # the class's own fields' code, see the docstring
    decode: Decoder = env["dec"]
    return decode


def _settable(cls: type, names: list[str]) -> bool:
    """Whether setting `names` slot by slot makes the object its `__init__` would."""
    if any("__post_init__" in vars(k) for k in cls.__mro__):
        return False
    fields = {f.name for f in dataclasses.fields(cls)}
    return fields == set(names) and all(
        type(getattr(cls, name, None)).__name__ == "member_descriptor" for name in names
    )


_CLASS_CODERS: dict[type, tuple[Encoder, Decoder]] = {}
_CODERS = {schema: _coders(hint) for schema, hint in SCHEMA_TYPES.items()}
