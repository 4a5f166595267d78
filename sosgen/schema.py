"""Validate a positioned node tree against one of sosgen's JSON Schemas.

The schemas in `sosgen/schemas/` are ordinary JSON Schema (editors use them
through the `# yaml-language-server: $schema=` line); this module interprets
the subset they use on the strict loader's nodes and returns typed values:
scalars get their type from the schema, never from YAML. Every problem is a
diagnostic; validation never stops at the first.

Typed values: `Obj` (a dict with the positions of its keys' values), `Arr` (a list
with its items' positions), str, int, bool, None and `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from sosgen.diagnostics import Diagnostic, Pos, error
from sosgen.load import Map, Node, Scalar, Seq

Schema = dict[str, Any]

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

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.positions: dict[str, Pos] = {}

    def at(self, key: str) -> Pos:
        return self.positions.get(key, self.pos)


class Arr(list[Any]):
    """A validated sequence; `at(i)` is where item i is."""

    def __init__(self, pos: Pos) -> None:
        super().__init__()
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
    """Return the typed value of `node` and every problem found against `schema`."""
    checker = _Checker(schema)
    if node is None:
        return None, [error(Pos(path), "schema", "file is empty; see the format in the README")]
    value = checker.check(node, schema)
    return value, checker.problems


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


class _Checker:
    def __init__(self, root: Schema) -> None:
        self.root = root
        self.problems: list[Diagnostic] = []

    def fail(self, pos: Pos, message: str, rule: str = "schema") -> None:
        self.problems.append(error(pos, rule, message))

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"unsupported $ref {ref}")
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**self.root["$defs"][ref.removeprefix("#/$defs/")], **merged}
        return schema

    def check(self, node: Node, schema: Schema) -> Any:
        schema = self.resolve(schema)
        if "anyOf" in schema:
            return self.any_of(node, schema)
        types = schema.get("type")
        allowed = [types] if isinstance(types, str) else list(types or [])
        if isinstance(node, Map):
            if allowed and "object" not in allowed:
                return self.mismatch(node, schema)
            return self.mapping(node, schema)
        if isinstance(node, Seq):
            if allowed and "array" not in allowed:
                return self.mismatch(node, schema)
            return self.sequence(node, schema)
        return self.scalar(node, schema, allowed)

    def mismatch(self, node: Node, schema: Schema) -> None:
        if isinstance(node, Scalar) and node.plain and node.value in _NULLS:
            # `key:` with nothing after it: a skeleton not filled in yet, not a wrong value
            custom: str | list[str] = schema.get("x-null", f"no value: write {describe(schema)}")
            rule, text = custom if isinstance(custom, list) else ("schema", custom)
            self.fail(node.pos, text, rule=rule)
            return
        got = "a mapping" if isinstance(node, Map) else "a list"
        if isinstance(node, Scalar):
            got = f"'{_short(node.value)}'"
        self.fail(node.pos, f"expected {describe(schema)}, got {got}")

    def any_of(self, node: Node, schema: Schema) -> Any:
        saved = self.problems
        fitting: list[list[Diagnostic]] = []
        for branch in schema["anyOf"]:
            self.problems = []
            value = self.check(node, branch)
            if not self.problems:
                self.problems = saved
                return value
            if _fits(node, self.resolve(branch)):
                fitting.append(self.problems)
        self.problems = saved
        if len(fitting) == 1:
            self.problems.extend(
                fitting[0]
            )  # the value had the right shape: say what is wrong inside
        else:
            self.mismatch(node, schema)
        return None

    def mapping(self, node: Map, schema: Schema) -> Obj:
        obj = Obj(node.pos)
        props: dict[str, Schema] = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        names = schema.get("propertyNames")
        for key, value in node.items:
            name = key.value
            if name in props:
                sub: Schema | None = props[name]
            elif isinstance(extra, dict):
                sub = extra
                if names and not re.fullmatch(names.get("pattern", ".*"), name):
                    self.fail(key.pos, f"'{_short(name)}' is not a valid id: {describe(names)}")
            elif extra is False:
                self.fail(key.pos, _unknown_key(name, props), rule="unknown-key")
                continue
            else:
                sub = None
            obj[name] = self.check(value, sub) if sub is not None else None
            obj.positions[name] = value.pos
        messages: dict[str, str | list[str]] = schema.get("x-missing", {})
        for name in schema.get("required", []):
            if name not in obj:
                custom = messages.get(name, f"missing required key '{name}'")
                rule, text = custom if isinstance(custom, list) else ("missing-key", custom)
                self.fail(node.pos, text, rule=rule)
        return obj

    def sequence(self, node: Seq, schema: Schema) -> Arr:
        arr = Arr(node.pos)
        items = schema.get("items", {})
        for child in node.items:
            arr.append(self.check(child, items))
            arr.positions.append(child.pos)
        if len(arr) < schema.get("minItems", 0):
            self.fail(node.pos, schema.get("x-empty", "list must not be empty"))
        if schema.get("uniqueItems") and len(set(map(str, arr))) != len(arr):
            self.fail(node.pos, "list has repeated entries; list each once")
        return arr

    def scalar(self, node: Scalar, schema: Schema, allowed: list[str]) -> Any:
        text = node.value
        is_null = node.plain and text in _NULLS
        if is_null and "null" in allowed:
            return None
        if not allowed:
            return None if is_null else text
        value: Any
        if "integer" in allowed and node.plain and _INT.match(text):
            value = int(text)
            if value < schema.get("minimum", value):
                self.fail(node.pos, f"must be at least {schema['minimum']}")
        elif "boolean" in allowed and node.plain and text in ("true", "false"):
            value = text == "true"
        elif "string" in allowed and not is_null:
            value = self.string(node, schema)
        else:
            self.mismatch(node, schema)
            return None
        if "enum" in schema and value not in schema["enum"]:
            choices = ", ".join(str(v) for v in schema["enum"])
            self.fail(node.pos, f"'{_short(text)}' is not one of: {choices}")
        if "const" in schema and value != schema["const"]:
            self.mismatch(node, schema)
        return value

    def string(self, node: Scalar, schema: Schema) -> Any:
        text = node.value
        if len(text) < schema.get("minLength", 0):
            self.fail(node.pos, "must not be empty")
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, text):
            self.fail(node.pos, f"'{_short(text)}' is not {describe(schema)}")
            return text
        if schema.get("format") == "date":
            if not _DATE.match(text):
                self.fail(node.pos, f"'{_short(text)}' is not a date; write it as YYYY-MM-DD")
                return None
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.fail(node.pos, f"'{text}' is not a valid date (no such day)")
                return None
        return text


def _unknown_key(name: str, props: dict[str, Schema]) -> str:
    close = difflib.get_close_matches(name, list(props), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(props)}"
    return f"unknown key '{_short(name)}'{hint}"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _fits(node: Node, schema: Schema) -> bool:
    """Whether `node` has the container shape `schema` asks for (a list for a list...)."""
    types = schema.get("type")
    allowed = {types} if isinstance(types, str) else set(types or [])
    if isinstance(node, Seq):
        return "array" in allowed
    if isinstance(node, Map):
        return "object" in allowed
    return False
