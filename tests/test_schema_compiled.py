"""The validator compiles each schema once: what a schema means must not depend on
that (`$ref`s, `anyOf`, errors of the schema itself, schemas made on the fly)."""

from __future__ import annotations

from typing import Any

import pytest

from sosgen.load import load_bytes
from sosgen.schema import Arr, Obj, Schema, load_schema, validate

TREE: Schema = {
    "$ref": "#/$defs/tree",
    "$defs": {
        "tree": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "children": {"type": "array", "items": {"$ref": "#/$defs/tree"}},
            },
        }
    },
}


def _validate(text: str, schema: Schema) -> tuple[Any, list[str]]:
    node, problems = load_bytes(text.encode(), "x.yaml")
    assert problems == []
    value, problems = validate(node, schema, "x.yaml")
    return value, [str(p) for p in problems]


def test_a_schema_that_refers_to_itself_validates_at_every_depth() -> None:
    text = "name: a\nchildren:\n  - name: b\n    children:\n      - name: ''\n        age: 3\n"
    value, problems = _validate(text, TREE)
    assert problems == [
        "x.yaml:5:15: error: must not be empty [schema]",
        "x.yaml:6:9: error: unknown key 'age'; allowed: name, children [unknown-key]",
    ]
    assert isinstance(value, Obj) and isinstance(value["children"], Arr)
    assert value["children"][0]["children"][0] == {"name": ""}
    assert value.at("children").line == 3 and value["children"].at(0).column == 5


def test_an_unsupported_ref_fails_only_when_a_value_reaches_it() -> None:
    schema: Schema = {
        "type": "object",
        "properties": {"ok": {"type": "string"}, "odd": {"$ref": "other.json#/x"}},
    }
    assert _validate("ok: fine\n", schema) == ({"ok": "fine"}, [])
    with pytest.raises(ValueError, match=r"unsupported \$ref other\.json#/x"):
        _validate("odd: 1\n", schema)


def test_schemas_made_on_the_fly_are_each_their_own() -> None:
    for minimum in range(40):
        schema: Schema = {"type": "integer", "minimum": minimum}
        value, problems = _validate("20\n", schema)
        assert value == 20
        assert problems == (
            [] if minimum <= 20 else [f"x.yaml:1:1: error: must be at least {minimum} [schema]"]
        )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("none", []),
        ("[]", ["an empty list is not an answer: list the items, or write `none`"]),
        ("[{text: x, colour: 1}]", ["unknown key 'colour'; allowed: text, for, dependency"]),
        ("{text: x}", ["expected a list of items, or the word none, got a mapping"]),
        ("nothing", ["expected a list of items, or the word none, got 'nothing'"]),
        ("", ["question 1 (completed) has no answer yet: list what you finished"]),
    ],
)
def test_an_answer_reports_the_problems_of_the_one_shape_it_has(
    answer: str, expected: list[str]
) -> None:
    text = f"ambassador: alice\ncompleted: {answer}\nnext: none\nblockers: none\nheads_up: none\n"
    _, problems = _validate(text, load_schema("update"))
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert start in problem
