"""The loaded model's memory layout: positions kept compact (three list slots each,
made into `Pos` objects only when asked for) and ids one object per value. The model
reads the same either way; these tests pin that down."""

from __future__ import annotations

import json

from sosgen import codec
from sosgen.diagnostics import Pos
from sosgen.repo import load_document

UPDATE = b"""\
ambassador: bob
completed:
  - text: Shipped the order export
    for: [data, payments]
next: none
blockers:
  - {text: Nobody answers about the order stream, needs: data}
heads_up: none
"""
PATH = "meetings/2026-11-06/checkout.yaml"


def _update(data: bytes = UPDATE, path: str = PATH) -> object:
    value, problems = load_document(data, path, "update")
    assert problems == []
    return value


def test_positions_read_as_before_without_making_them_all() -> None:
    update = _update()
    item = update.completed[0]  # type: ignore[attr-defined]
    assert isinstance(item.positions, codec.Positions)
    assert item.pos == Pos(PATH, 3, 5)
    assert item.at("for") == Pos(PATH, 4, 10)
    assert "for" in item.positions and "needs" not in item.positions
    assert item.positions._made is None  # asked for one, made none of the others
    assert dict(item.positions) == {"text": Pos(PATH, 3, 11), "for": Pos(PATH, 4, 10)}
    assert update.at("blockers") == Pos(PATH, 7, 3)  # type: ignore[attr-defined]


def test_the_cache_encodes_compact_positions_as_it_encoded_a_dict() -> None:
    update = _update()
    encoded = codec.encode("update", update, [], PATH)
    item = update.completed[0]  # type: ignore[attr-defined]
    as_dict = codec._encode_positions(dict(item.positions), PATH)
    assert codec._encode_positions(item.positions, PATH) == as_dict
    value, _ = codec.decode("update", json.loads(json.dumps(encoded)), PATH)
    assert value == update
    assert dict(value.completed[0].positions) == dict(item.positions)


def test_ids_are_one_object_per_value() -> None:
    one = _update(path="meetings/2026-11-06/checkout.yaml")
    other = _update(UPDATE.replace(b"Shipped", b"Sent"), "meetings/2026-11-09/checkout.yaml")
    assert one.completed[0].teams[0] is other.completed[0].teams[0]  # type: ignore[attr-defined]
    assert one.ambassador is other.ambassador  # type: ignore[attr-defined]
    decoded = [
        codec.decode("update", json.loads(json.dumps(codec.encode("update", u, [], p))), p)[0]
        for u, p in ((one, PATH), (other, "meetings/2026-11-09/checkout.yaml"))
    ]
    assert decoded[0].completed[0].question is decoded[1].completed[0].question
