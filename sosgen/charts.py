"""Tiny inline SVG bar charts: deterministic text, no script, no style attribute.

Colours come from `style.css` through classes, so the charts follow dark mode and the
Content-Security-Policy needs no `unsafe-inline`. Every chart is an image with a
title and a description that says its figures in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 320
HEIGHT = 80
GAP = 1


@dataclass(frozen=True, slots=True)
class Point:
    label: str  # e.g. the meeting date
    value: float | None  # None: no figure for this point


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: same text everywhere."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def bar_chart(
    ident: str,
    title: str,
    points: Sequence[Point],
    *,
    maximum: float | None = None,
    unit: str = "",
) -> Markup:
    """A bar per point, left to right; `maximum` fixes the scale (e.g. 1 for shares)."""
    values = [p.value for p in points if p.value is not None]
    top = maximum if maximum is not None else max(values, default=0.0)
    top = top if top > 0 else 1.0
    step = WIDTH / max(len(points), 1)
    bars = []
    for i, point in enumerate(points):
        if point.value is None:
            continue
        h = max(point.value, 0.0) / top * (HEIGHT - 2)
        bars.append(
            f'<rect class="bar" x="{_num(i * step)}" y="{_num(HEIGHT - h)}" '
            f'width="{_num(max(step - GAP, 0.5))}" height="{_num(h)}">'
            f"<title>{escape(point.label)}: {escape(format_value(point.value, unit))}</title>"
            "</rect>"
        )
    desc = describe(points, unit)
    svg = (
        f'<svg class="chart" id="{escape(ident)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{escape(ident)}-title {escape(ident)}-desc">'
        f'<title id="{escape(ident)}-title">{escape(title)}</title>'
        f'<desc id="{escape(ident)}-desc">{escape(desc)}</desc>'
        f'<line class="axis" x1="0" y1="{HEIGHT}" x2="{WIDTH}" y2="{HEIGHT}"/>'
        + "".join(bars)
        + "</svg>"
    )
    return Markup(svg)


def format_value(value: float, unit: str) -> str:
    if unit == "%":
        return f"{round(value * 100)}%"
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}".strip()


def describe(points: Sequence[Point], unit: str) -> str:
    shown = [p for p in points if p.value is not None]
    if not shown:
        return "No figures yet."
    first, last = shown[0], shown[-1]
    assert first.value is not None and last.value is not None
    low = min(p.value for p in shown if p.value is not None)
    high = max(p.value for p in shown if p.value is not None)
    count = f"{len(shown)} figure{'' if len(shown) == 1 else 's'}"
    return (
        f"{count} from {first.label} to {last.label}; latest "
        f"{format_value(last.value, unit)}, lowest {format_value(low, unit)}, "
        f"highest {format_value(high, unit)}."
    )
