"""A drawn graph holds every one of its labels: dot can place the label of an edge
between two nodes of the same rank partly outside the drawing, and the browser would
clip it."""

from __future__ import annotations

import re
import shutil

import pytest

from sosgen.graphviz_engine import clean_svg, get_engine
from sosgen.svg_fit import fit_text, text_width

# The label dot puts beside the column of two same-rank nodes, half of it outside.
FLAT_EDGE = (
    "digraph g { graph [rankdir=LR]; edge [fontname=Helvetica fontsize=10];"
    " a -> b; a -> c; {rank=same; b; c}"
    ' c -> b [label="DEP-12 Seller accounts with role-based access · by 2027-01-15"] }'
)

GRAPHVIZ_SHAPED = """\
<svg width="200pt" height="60pt"
 viewBox="0.00 0.00 200.00 60.00" xmlns="http://www.w3.org/2000/svg">
<g id="g" class="graph" transform="scale(1 1) rotate(0) translate(4 56)">
<title>g</title>
<polygon fill="#ffffff" stroke="none" points="-4,4 -4,-56 196,-56 196,4 -4,4"/>
<text xml:space="preserve" text-anchor="middle" x="{x}" y="-20" \
font-family="Helvetica,sans-Serif" font-size="10.00">{text}</text>
</g>
</svg>
"""


def overflow(svg: str) -> tuple[float, float]:
    """How far the texts reach past the left and the right edge (0 when inside)."""
    width = float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))  # type: ignore[union-attr]
    shift = float(re.search(r"translate\(([-\d.]+)", svg).group(1))  # type: ignore[union-attr]
    left = right = 0.0
    for anchor, x, size, text in re.findall(
        r'text-anchor="(\w+)" x="([-\d.]+)"[^>]*font-size="([\d.]+)"[^>]*>([^<]*)<', svg
    ):
        span = text_width(text, float(size))
        start = float(x) + shift - {"start": 0, "middle": span / 2, "end": span}[anchor]
        left, right = max(left, -start), max(right, start + span - width)
    return left, right


def test_a_label_past_the_right_edge_gets_room() -> None:
    svg = GRAPHVIZ_SHAPED.replace("{x}", "180").replace("{text}", "a long label " * 3)
    assert overflow(svg)[1] > 0
    fitted = fit_text(svg)
    assert overflow(fitted) == (0, 0)
    wide = float(re.search(r'width="([\d.]+)pt"', fitted).group(1))  # type: ignore[union-attr]
    assert wide > 200
    assert f'viewBox="0.00 0.00 {wide:.2f} 60.00"' in fitted
    # the background covers the new room, the drawing does not move
    assert f"{wide - 4:g},-56" in fitted
    assert "translate(4 56)" in fitted


def test_a_label_past_the_left_edge_moves_the_drawing_right() -> None:
    svg = GRAPHVIZ_SHAPED.replace("{x}", "10").replace("{text}", "a long label " * 3)
    fitted = fit_text(svg)
    assert overflow(fitted) == (0, 0)
    shift = float(re.search(r"translate\(([-\d.]+)", fitted).group(1))  # type: ignore[union-attr]
    assert shift > 4
    assert f"{-shift:g},4" in fitted  # the background starts at the new left edge


def test_a_drawing_that_holds_its_texts_is_left_as_it_is() -> None:
    svg = GRAPHVIZ_SHAPED.replace("{x}", "100").replace("{text}", "short")
    assert fit_text(svg) == svg
    assert fit_text("<svg>not Graphviz's</svg>") == "<svg>not Graphviz's</svg>"


def test_entities_count_as_one_character() -> None:
    assert text_width("a&#45;b", 10) == text_width("a-b", 10)
    assert text_width("&lt;b&gt;", 10) == text_width("<b>", 10)


@pytest.mark.parametrize(
    "engine",
    [
        "wasm",
        pytest.param(
            "dot",
            marks=pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot missing"),
        ),
    ],
)
def test_a_flat_edge_label_drawn_by_graphviz_fits_after_fitting(engine: str) -> None:
    svg = clean_svg(get_engine(engine).render_svg(FLAT_EDGE))
    assert overflow(svg)[1] > 50  # dot leaves most of the label outside
    fitted = fit_text(svg)
    assert overflow(fitted) == (0, 0)
    assert fit_text(fitted) == fitted
