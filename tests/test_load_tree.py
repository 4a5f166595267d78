"""The strict loader's tree: what it builds from libyaml's events, where it says a
refused file goes wrong, and the fast constructors it builds nodes with."""

from __future__ import annotations

import dataclasses

import pytest

from sosgen.diagnostics import Pos
from sosgen.load import MAX_DEPTH, Map, Scalar, Seq, load_bytes, maker


def _problem(data: bytes) -> str:
    node, problems = load_bytes(data, "x.yaml")
    assert node is None and len(problems) == 1
    return str(problems[0])


def test_the_tree_keeps_text_positions_and_key_order() -> None:
    node, problems = load_bytes(b"b: 1\na:\n  - 'x'\n  - {c: ~}\n", "x.yaml")
    assert problems == []
    assert isinstance(node, Map)
    assert node.keys() == ["b", "a"]
    assert node.pos == Pos("x.yaml", 1, 1)
    assert node.get("b") == Scalar("1", Pos("x.yaml", 1, 4), True)
    items = node.get("a")
    assert isinstance(items, Seq) and items.pos == Pos("x.yaml", 3, 3)
    assert items.items[0] == Scalar("x", Pos("x.yaml", 3, 5), False)
    inner = items.items[1]
    assert isinstance(inner, Map) and inner.get("c") == Scalar("~", Pos("x.yaml", 4, 9), True)
    assert node.get("missing") is None


def test_a_root_scalar_and_an_empty_document() -> None:
    assert load_bytes(b"just text\n", "x.yaml") == (Scalar("just text", Pos("x.yaml"), True), [])
    assert load_bytes(b"# nothing\n", "x.yaml") == (None, [])


def test_the_non_specific_tag_is_allowed() -> None:
    node, problems = load_bytes(b"a: ! 12\n", "x.yaml")
    assert problems == []
    assert isinstance(node, Map) and node.get("a") == Scalar("12", Pos("x.yaml", 1, 4), True)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a: 1\nb: 2\na: 3\n", "x.yaml:3:1: error: duplicate key 'a' (first at line 1)"),
        (b"k:\n  x: 1\n  x: 2\n", "x.yaml:3:3: error: duplicate key 'x' (first at line 2)"),
        (b"? [a, b]\n: 1\n", "x.yaml:1:3: error: mapping keys must be plain text"),
        (b"? {a: &n 1}\n: 1\n", "x.yaml:1:7: error: anchors (&n) are not allowed"),
        (b"a: !!str 1\n", "x.yaml:1:4: error: explicit tags (tag:yaml.org,2002:str) are"),
        (b"a: [1, *x]\n", "x.yaml:1:8: error: aliases (*name) are not allowed"),
        (b"a: 1\n---\nb: 2\n", "x.yaml:2:1: error: more than one YAML document"),
        (b"a: [1, 2\nb: 3\n", "x.yaml:2:2: error: invalid YAML: did not find expected ',' or ']'"),
    ],
)
def test_a_refused_file_names_the_first_problem(data: bytes, expected: str) -> None:
    assert _problem(data).startswith(expected)


def test_a_value_inside_more_than_the_allowed_containers_is_refused() -> None:
    def nested(depth: int) -> bytes:
        return b"[" * depth + b"1" + b"]" * depth + b"\n"

    assert load_bytes(nested(MAX_DEPTH - 1), "x.yaml")[1] == []
    assert load_bytes(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, "x.yaml")[1] == []
    message = f"x.yaml:1:{MAX_DEPTH + 1}: error: nesting deeper than {MAX_DEPTH} levels"
    assert _problem(nested(MAX_DEPTH)).startswith(message)
    levels = MAX_DEPTH - 1
    block = b"".join(b"  " * i + b"k:\n" for i in range(levels)) + b"  " * levels + b"v: 1\n"
    assert _problem(block).startswith(f"x.yaml:{MAX_DEPTH}:{2 * levels + 1}: error: nesting")


def test_maker_builds_what_the_dataclass_builds() -> None:
    make = maker(Pos)
    made, built = make("a.yaml", 3, 7), Pos("a.yaml", 3, 7)
    assert type(made) is Pos and made == built and hash(made) == hash(built)
    assert repr(made) == repr(built) and not (made < built or built < made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.line = 4  # type: ignore[misc]
    assert maker(Seq)((), built) == Seq((), built)


def test_maker_refuses_a_class_it_cannot_make_faithfully() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            assert self.n > 0

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        n: int

    for cls in (Checked, Unslotted):
        with pytest.raises(TypeError):
            maker(cls)
