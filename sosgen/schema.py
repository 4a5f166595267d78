"""Validate a positioned node tree against one of sosgen's JSON Schemas.

The schemas in `sosgen/schemas/` are ordinary JSON Schema (editors use them
through the `# yaml-language-server: $schema=` line); this module interprets
the subset they use on the strict loader's nodes and returns typed values:
scalars get their type from the schema, never from YAML. Every problem is a
diagnostic; validation never stops at the first.

Each schema is compiled once into a function per sub-schema (its `$ref`s resolved,
its keywords read, its patterns compiled), so validating a file only walks the file.

Typed values: `Obj` (a dict with the positions of its keys' values), `Arr` (a list
with its items' positions), str, int, bool, None and `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from sosgen.diagnostics import Diagnostic, Pos, error
from sosgen.load import Map, Node, Scalar, Seq

Schema = dict[str, Any]
# A compiled sub-schema: the typed value of a node; its problems go to the list.
Check = Callable[[Node, list[Diagnostic]], Any]
MapCheck = Callable[[Map, list[Diagnostic]], Any]
SeqCheck = Callable[[Seq, list[Diagnostic]], Any]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing",
    "array": "a list",
    "object": "a mapping of keys",
}


class Obj(dict[str, Any]):
    """A validated mapping; `pos` is where it starts, `at(key)` where a value is."""

    __slots__ = ("pos", "positions")

    def __init__(self, pos: Pos) -> None:
        self.pos = pos
        self.positions: dict[str, Pos] = {}

    def at(self, key: str) -> Pos:
        return self.positions.get(key, self.pos)


class Arr(list[Any]):
    """A validated sequence; `at(i)` is where item i is."""

    __slots__ = ("pos", "positions")

    def __init__(self, pos: Pos) -> None:
        self.pos = pos
        self.positions: list[Pos] = []

    def at(self, i: int) -> Pos:
        return self.positions[i] if 0 <= i < len(self.positions) else self.pos


@cache
def load_schema(name: str) -> Schema:
    """Load `sosgen/schemas/<name>.schema.json`."""
    text = resources.files("sosgen").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    schema: Schema = json.loads(text)
    return schema


def validate(node: Node | None, schema: Schema, path: str) -> tuple[Any, list[Diagnostic]]:
    """Return the typed value of `node` and every problem found against `schema`.
    (`schema` is compiled on first use: it must not be changed afterwards.)"""
    if node is None:
        return None, [error(Pos(path), "schema", "file is empty; see the format in the README")]
    problems: list[Diagnostic] = []
    value = _compiled(schema)(node, problems)
    return value, problems


def describe(schema: Schema) -> str:
    if "x-expect" in schema:
        return str(schema["x-expect"])
    if "const" in schema:
        return repr(schema["const"])
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("format") == "date":
        return "a date (YYYY-MM-DD)"
    types = schema.get("type")
    if isinstance(types, str):
        return _TYPE_WORDS.get(types, types)
    if isinstance(types, list):
        return " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in types)
    return "a value"


_compiled_schemas: dict[int, tuple[Schema, Check]] = {}


def _compiled(schema: Schema) -> Check:
    found = _compiled_schemas.get(id(schema))
    if found is not None and found[0] is schema:
        return found[1]
    check = _Compiler(schema).compile(schema)
    if len(_compiled_schemas) >= 32:  # schemas made on the fly (tests): do not keep them all
        _compiled_schemas.clear()
    _compiled_schemas[id(schema)] = (schema, check)
    return check


class _Compiler:
    """Turns each sub-schema of `root` into a `Check`, once each (so a `$ref` cycle
    ends). A sub-schema that cannot be compiled (a `$ref` sosgen does not support...)
    raises its error when a node reaches it, as interpreting it would."""

    def __init__(self, root: Schema) -> None:
        self.root = root
        self.done: dict[int, tuple[Any, Check]] = {}  # keeps each sub-schema alive: ids stay

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"unsupported $ref {ref}")
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**self.root["$defs"][ref.removeprefix("#/$defs/")], **merged}
        return schema

    def compile(self, schema: Schema) -> Check:
        found = self.done.get(id(schema))
        if found is not None:
            return found[1]
        later: list[Check] = []  # a $ref cycle reaching `schema` again calls it through this
        self.done[id(schema)] = (schema, lambda node, problems: later[0](node, problems))
        try:
            check = self.build(self.resolve(schema))
        except Exception as exc:  # raised when a node reaches it
            check = _raiser(exc)
        later.append(check)
        self.done[id(schema)] = (schema, check)
        return check

    def build(self, schema: Schema) -> Check:
        if "anyOf" in schema:
            return self.any_of(schema)
        allowed = _allowed(schema)
        scalar = self.scalar(schema, allowed)
        if allowed and "object" not in allowed and "array" not in allowed:
            return scalar  # it refuses a mapping or a list itself
        refused = _mismatch(schema)
        mapping: MapCheck = self.mapping(schema) if "object" in allowed or not allowed else refused
        sequence: SeqCheck = self.sequence(schema) if "array" in allowed or not allowed else refused

        def check(node: Node, problems: list[Diagnostic]) -> Any:
            if isinstance(node, Scalar):
                return scalar(node, problems)
            if isinstance(node, Map):
                return mapping(node, problems)
            return sequence(node, problems)

        return check

    def any_of(self, schema: Schema) -> Check:
        refused = _mismatch(schema)
        # Per branch: its check, and for a mapping and a list whether the branch
        # refuses it by type alone (it then fails and does not fit: it is skipped)
        # or fits it (the right shape: its problems are reported if it is the only one).
        branches: list[tuple[Check, bool, bool, bool, bool]] = []
        for branch in schema["anyOf"]:
            try:
                resolved = self.resolve(branch)
                kinds = _allowed(resolved)
                gate = "anyOf" not in resolved and bool(kinds)
                fits_map, fits_seq = "object" in kinds, "array" in kinds
            except Exception:  # the branch's check raises it
                gate = fits_map = fits_seq = False
            check = self.compile(branch)
            branches.append(
                (check, gate and not fits_map, gate and not fits_seq, fits_map, fits_seq)
            )

        def any_of(node: Node, problems: list[Diagnostic]) -> Any:
            is_map, is_seq = isinstance(node, Map), isinstance(node, Seq)
            fitting: list[list[Diagnostic]] = []
            for check, skip_map, skip_seq, fits_map, fits_seq in branches:
                if (skip_map and is_map) or (skip_seq and is_seq):
                    continue
                found: list[Diagnostic] = []
                value = check(node, found)
                if not found:
                    return value
                if (fits_map and is_map) or (fits_seq and is_seq):
                    fitting.append(found)
            if len(fitting) == 1:  # the value had the right shape: say what is wrong inside
                problems.extend(fitting[0])
            else:
                refused(node, problems)
            return None

        return any_of

    def mapping(self, schema: Schema) -> MapCheck:
        props: dict[str, Schema] = schema.get("properties", {})
        checks = {n: _nothing if sub is None else self.compile(sub) for n, sub in props.items()}
        extra = schema.get("additionalProperties", True)
        extra_check = self.compile(extra) if isinstance(extra, dict) else None
        names = schema.get("propertyNames")
        valid_name = re.compile(names.get("pattern", ".*")).fullmatch if names else None
        not_valid = f"is not a valid id: {describe(names)}" if names else ""
        required: list[str] = schema.get("required", [])
        messages: dict[str, str | list[str]] = schema.get("x-missing", {})

        def mapping(node: Map, problems: list[Diagnostic]) -> Obj:
            obj = Obj(node.pos)
            positions = obj.positions
            for key, value in node.items:
                name = key.value
                check = checks.get(name)
                if check is None:
                    if extra_check is not None:
                        check = extra_check
                        if valid_name is not None and not valid_name(name):
                            message = f"'{_short(name)}' {not_valid}"
                            problems.append(error(key.pos, "schema", message))
                    elif extra is False:
                        problems.append(error(key.pos, "unknown-key", _unknown_key(name, props)))
                        continue
                obj[name] = None if check is None else check(value, problems)
                positions[name] = value.pos
            for name in required:
                if name not in obj:
                    custom = messages.get(name, f"missing required key '{name}'")
                    rule, text = custom if isinstance(custom, list) else ("missing-key", custom)
                    problems.append(error(node.pos, rule, text))
            return obj

        return mapping

    def sequence(self, schema: Schema) -> SeqCheck:
        check = self.compile(schema.get("items", _ANY))
        min_items = schema.get("minItems", 0)
        unique = schema.get("uniqueItems")

        def sequence(node: Seq, problems: list[Diagnostic]) -> Arr:
            arr = Arr(node.pos)
            children = node.items
            arr.extend([check(child, problems) for child in children])
            arr.positions = [child.pos for child in children]
            if len(arr) < min_items:
                message = schema.get("x-empty", "list must not be empty")
                problems.append(error(node.pos, "schema", message))
            if unique and len(set(map(str, arr))) != len(arr):
                problems.append(
                    error(node.pos, "schema", "list has repeated entries; list each once")
                )
            return arr

        return sequence

    def scalar(self, schema: Schema, allowed: list[str]) -> Check:
        """The check of a scalar (and of a mapping or a list, which it refuses)."""
        refused = _mismatch(schema)
        if not allowed:

            def anything(node: Node, problems: list[Diagnostic]) -> Any:
                if not isinstance(node, Scalar):
                    return refused(node, problems)
                return None if node.plain and node.value in _NULLS else node.value

            return anything
        null_ok, int_ok, bool_ok = "null" in allowed, "integer" in allowed, "boolean" in allowed
        text_ok = "string" in allowed
        has_minimum, minimum = "minimum" in schema, schema.get("minimum")
        has_enum, choices = "enum" in schema, schema.get("enum", ())
        has_const, const = "const" in schema, schema.get("const")
        min_length = schema.get("minLength", 0)
        pattern = schema.get("pattern")
        search = re.compile(pattern).search if pattern else None
        is_date = schema.get("format") == "date"

        def scalar(node: Node, problems: list[Diagnostic]) -> Any:
            if not isinstance(node, Scalar):
                return refused(node, problems)
            text = node.value
            is_null = node.plain and text in _NULLS
            value: Any
            if is_null and null_ok:
                return None
            if int_ok and node.plain and _INT.match(text):
                value = int(text)
                if has_minimum and value < minimum:
                    problems.append(error(node.pos, "schema", f"must be at least {minimum}"))
            elif bool_ok and node.plain and text in ("true", "false"):
                value = text == "true"
            elif text_ok and not is_null:
                value = text
                if len(text) < min_length:
                    problems.append(error(node.pos, "schema", "must not be empty"))
                if search is not None and not search(text):
                    message = f"'{_short(text)}' is not {describe(schema)}"
                    problems.append(error(node.pos, "schema", message))
                elif is_date:
                    value = _date(node, problems)
            else:
                refused(node, problems)
                return None
            if has_enum and value not in choices:
                listed = ", ".join(str(v) for v in choices)
                problems.append(
                    error(node.pos, "schema", f"'{_short(text)}' is not one of: {listed}")
                )
            if has_const and value != const:
                refused(node, problems)
            return value

        return scalar


_ANY: Schema = {}


def _nothing(node: Node, problems: list[Diagnostic]) -> None:
    return None


def _allowed(schema: Schema) -> list[str]:
    types = schema.get("type")
    return [types] if isinstance(types, str) else list(types or [])


def _date(node: Scalar, problems: list[Diagnostic]) -> dt.date | None:
    text = node.value
    if not _DATE.match(text):
        message = f"'{_short(text)}' is not a date; write it as YYYY-MM-DD"
        problems.append(error(node.pos, "schema", message))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = f"'{text}' is not a valid date (no such day)"
        problems.append(error(node.pos, "schema", message))
        return None


def _raiser(exc: Exception) -> Check:
    def check(node: Node, problems: list[Diagnostic]) -> Any:
        raise exc.with_traceback(None)

    return check


def _mismatch(schema: Schema) -> Check:
    """The problem of a node `schema` does not accept at all."""

    def refused(node: Node, problems: list[Diagnostic]) -> None:
        if isinstance(node, Scalar) and node.plain and node.value in _NULLS:
            # `key:` with nothing after it: a skeleton not filled in yet, not a wrong value
            custom: str | list[str] = schema.get("x-null", f"no value: write {describe(schema)}")
            rule, text = custom if isinstance(custom, list) else ("schema", custom)
            problems.append(error(node.pos, rule, text))
            return
        got = "a mapping" if isinstance(node, Map) else "a list"
        if isinstance(node, Scalar):
            got = f"'{_short(node.value)}'"
        problems.append(error(node.pos, "schema", f"expected {describe(schema)}, got {got}"))

    return refused


def _unknown_key(name: str, props: dict[str, Schema]) -> str:
    close = difflib.get_close_matches(name, list(props), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(props)}"
    return f"unknown key '{_short(name)}'{hint}"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
