"""Room for every label of a drawn graph.

dot sizes its drawing from the positions it gave nodes and labels, but the label of
an edge between two nodes of the same rank can end up partly outside it: with
`rankdir=LR` such a label is centred on the nodes' column, and a long one reaches past
the last column. A browser clips whatever lies outside an inline SVG's viewBox, so the
reader sees half a sentence. `fit_text` widens the drawing until every text fits,
measured with Helvetica's advance widths (the font the graphs ask for) plus a margin
for the wider fonts a browser may put in its place. A drawing that already holds its
texts is returned unchanged.
"""

from __future__ import annotations

import html
import math
import re

# Helvetica's advance widths in thousandths of an em (Adobe's AFM), printable ASCII.
_ASCII = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 "
    "556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 "
    "1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 "
    "333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 "
    "556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII.split())}
_WIDTHS.update({"·": 278, "…": 1000, "\u2014": 1000, "\u2013": 556})
_OTHER = 556  # any other character: an average letter
SUBSTITUTE = 1.15  # a browser without Helvetica draws with a font up to this much wider

_HEAD = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="([^"]+)"')
_GRAPH = re.compile(r'(class="graph" transform="scale\(1 1\) rotate\(0\) translate\()([-\d.]+)')
_BACKGROUND = re.compile(r'(<polygon fill="[^"]*" stroke="none" points=")([^"]+)(")')
_TEXT = re.compile(
    r'<text\b[^>]*?text-anchor="(start|middle|end)" x="([-\d.]+)"'
    r'[^>]*?font-size="([\d.]+)"[^>]*>([^<]*)</text>'
)


def text_width(text: str, size: float) -> float:
    """The width of `text` at `size` points, as a browser may draw it."""
    thousandths = sum(_WIDTHS.get(c, _OTHER) for c in html.unescape(text))
    return thousandths * size / 1000 * SUBSTITUTE


def fit_text(svg: str) -> str:
    """`svg` (as Graphviz writes it) widened so that no text reaches past its edges."""
    head, graph = _HEAD.search(svg), _GRAPH.search(svg)
    if head is None or graph is None:
        return svg
    width = float(head.group(1))
    shift = float(graph.group(2))
    left, right = 0.0, width
    for match in _TEXT.finditer(svg):
        anchor, x, size, text = match.groups()
        span = text_width(text, float(size))
        start = float(x) + shift - {"start": 0, "middle": span / 2, "end": span}[anchor]
        left, right = min(left, start), max(right, start + span)
    grow_left, grow_right = math.ceil(-left), math.ceil(right - width)
    if grow_left <= 0 and grow_right <= 0:
        return svg
    grow_left, grow_right = max(grow_left, 0), max(grow_right, 0)
    wide = width + grow_left + grow_right
    box = head.group(3).split()
    fitted = (
        svg[: head.start()]
        + f'<svg width="{_num(wide)}pt" height="{head.group(2)}pt"\n'
        + f' viewBox="{box[0]} {box[1]} {wide:.2f} {box[3]}"'
        + svg[head.end() : graph.start()]
        + graph.group(1)
        + _num(shift + grow_left)
        + svg[graph.end() :]
    )
    return _BACKGROUND.sub(lambda m: _widen(m, grow_left, grow_right), fitted, count=1)


def _widen(match: re.Match[str], grow_left: int, grow_right: int) -> str:
    """The background polygon, stretched over the new room on either side."""
    points = [p.split(",") for p in match.group(2).split()]
    xs = [float(x) for x, _ in points]
    low, high = min(xs), max(xs)
    moved = []
    for (x, y), value in zip(points, xs, strict=True):
        if value == low:
            x = _num(value - grow_left)
        elif value == high:
            x = _num(value + grow_right)
        moved.append(f"{x},{y}")
    return match.group(1) + " ".join(moved) + match.group(3)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
