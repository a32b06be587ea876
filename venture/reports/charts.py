"""Server-made SVG charts: no JavaScript, no internet, allowed by the CSP (presentation
attributes only, no style attributes), readable when printed, each with a title, a
description and its numbers for a text alternative.

Every function returns a :class:`Chart`; templates render ``chart.svg`` and the table of
``chart.rows`` beside it (macro ``chart_figure`` in ``templates/reports/_chart.html``).
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup, escape

PALETTE = ["#0b5394", "#e69138", "#6aa84f", "#a64d79", "#3d85c6", "#cc0000", "#999999", "#b45f06"]
WIDTH = 640
ROW_HEIGHT = 28
_ids = itertools.count(1)


@dataclass
class Chart:
    title: str
    description: str
    svg: Markup
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)


def _fmt(value) -> str:
    if isinstance(value, float | Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> Markup:
    n = next(_ids)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="chart-t{n} chart-d{n}" font-family="sans-serif" font-size="12">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _text(x, y, content, anchor="start", weight=None, fill="#212529", size=None) -> str:
    extra = (f' font-weight="{weight}"' if weight else "") + (
        f' font-size="{size}"' if size else ""
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(content)}</text>'


def bar_chart(
    title: str,
    description: str,
    items: Sequence[tuple[str, float]],
    *,
    value_header: str,
    label_header: str,
    formatter=_fmt,
) -> Chart:
    """Horizontal bars, one per label (reads well with long Chinese labels)."""
    label_width, right = 170, 80
    plot = WIDTH - label_width - right
    top = max((float(v) for _, v in items), default=0.0)
    scale = plot / _nice_max(top)
    height = 20 + ROW_HEIGHT * max(len(items), 1)
    body = []
    for i, (label, value) in enumerate(items):
        y = 10 + i * ROW_HEIGHT
        w = max(float(value) * scale, 0.0)
        body.append(_text(label_width - 8, y + 17, _clip(label, 14), anchor="end"))
        body.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{ROW_HEIGHT - 10}" '
            f'fill="{PALETTE[0]}"/>'
        )
        body.append(_text(label_width + w + 6, y + 17, formatter(value)))
    if not items:
        body.append(_text(WIDTH / 2, 30, "—", anchor="middle"))
    return Chart(
        title,
        description,
        _svg(WIDTH, height, title, description, body),
        [label_header, value_header],
        [[label, formatter(value)] for label, value in items],
    )


def grouped_bar_chart(
    title: str,
    description: str,
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    label_header: str,
    formatter=_fmt,
) -> Chart:
    """Several values per label side by side (e.g. requested vs budget per category)."""
    label_width, right, legend = 170, 90, 24
    names = list(series)
    plot = WIDTH - label_width - right
    top = max((float(v) for values in series.values() for v in values), default=0.0)
    scale = plot / _nice_max(top)
    bar = (ROW_HEIGHT - 8) / max(len(names), 1)
    group = ROW_HEIGHT + 8 * (len(names) - 1)
    height = legend + 16 + group * max(len(labels), 1)
    body = _legend(names, 0)
    for i, label in enumerate(labels):
        y = legend + 10 + i * group
        body.append(_text(label_width - 8, y + group / 2 + 4, _clip(label, 14), anchor="end"))
        for j, name in enumerate(names):
            value = float(series[name][i])
            w = max(value * scale, 0.0)
            by = y + j * (bar + 4)
            body.append(
                f'<rect x="{label_width}" y="{by:.1f}" width="{w:.1f}" height="{bar:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            )
            body.append(
                _text(label_width + w + 4, by + bar - 2, formatter(series[name][i]), size=10)
            )
    rows = [[label] + [formatter(series[n][i]) for n in names] for i, label in enumerate(labels)]
    return Chart(
        title,
        description,
        _svg(WIDTH, height, title, description, body),
        [label_header, *names],
        rows,
    )


def stacked_bar_chart(
    title: str,
    description: str,
    labels: Sequence[str],
    series: dict[str, Sequence[int]],
    *,
    label_header: str,
) -> Chart:
    """Counts stacked per label (e.g. applications per category by status)."""
    label_width, right, legend = 170, 60, 24
    names = list(series)
    totals = [sum(int(series[n][i]) for n in names) for i in range(len(labels))]
    scale = (WIDTH - label_width - right) / _nice_max(max(totals, default=0))
    height = legend + 16 + ROW_HEIGHT * max(len(labels), 1)
    body = _legend(names, 0)
    for i, label in enumerate(labels):
        y = legend + 10 + i * ROW_HEIGHT
        x = float(label_width)
        body.append(_text(label_width - 8, y + 17, _clip(label, 14), anchor="end"))
        for j, name in enumerate(names):
            w = int(series[name][i]) * scale
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{ROW_HEIGHT - 10}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}" stroke="#ffffff"/>'
                )
            x += w
        body.append(_text(x + 6, y + 17, _fmt(totals[i])))
    rows = [
        [label] + [int(series[n][i]) for n in names] + [totals[i]] for i, label in enumerate(labels)
    ]
    return Chart(
        title,
        description,
        _svg(WIDTH, height, title, description, body),
        [label_header, *names, "Σ"],
        rows,
    )


def box_plot(
    title: str,
    description: str,
    groups: dict[str, Sequence[float]],
    *,
    label_header: str,
    headers: tuple[str, str, str, str, str, str],
    lo: float = 0.0,
    hi: float = 100.0,
    highlight: dict[str, str] | None = None,
    digits: int = 2,
) -> Chart:
    """One box per group (quartiles, whiskers at min/max) with every value as a dot: a harsh
    or lenient judge stands out at a glance. ``headers``: n, min, Q1, median, Q3, max.
    ``highlight`` gives some groups a box colour of their own (and a bold label)."""
    highlight = highlight or {}
    label_width, right = 170, 30
    plot = WIDTH - label_width - right
    height = 40 + ROW_HEIGHT * max(len(groups), 1)

    def x(v: float) -> float:
        return label_width + (min(max(v, lo), hi) - lo) / (hi - lo) * plot

    body = _axis(x, lo, hi, 10 + ROW_HEIGHT * len(groups))
    rows = []
    overall = (
        statistics.median([v for vs in groups.values() for v in vs])
        if any(groups.values())
        else None
    )
    if overall is not None:
        body.append(
            f'<line x1="{x(overall):.1f}" y1="4" x2="{x(overall):.1f}" y2="{10 + ROW_HEIGHT * len(groups)}" '
            f'stroke="#6c757d" stroke-dasharray="4 3"/>'
        )
    for i, (label, values) in enumerate(groups.items()):
        y = 10 + i * ROW_HEIGHT
        mid = y + ROW_HEIGHT / 2
        body.append(
            _text(
                label_width - 8,
                mid + 4,
                _clip(label, 14),
                anchor="end",
                weight="bold" if label in highlight else None,
                fill=highlight.get(label, "#212529"),
            )
        )
        values = sorted(float(v) for v in values)
        if not values:
            rows.append([label, 0, "", "", "", "", ""])
            continue
        q1, med, q3 = _quartiles(values)
        body.append(
            f'<line x1="{x(values[0]):.1f}" y1="{mid}" x2="{x(values[-1]):.1f}" y2="{mid}" stroke="#495057"/>'
        )
        colour = highlight.get(label, PALETTE[0])
        body.append(
            f'<rect x="{x(q1):.1f}" y="{y + 5}" width="{max(x(q3) - x(q1), 1):.1f}" '
            f'height="{ROW_HEIGHT - 10}" fill="{"#cfe2ff" if label not in highlight else "#ffffff"}" '
            f'stroke="{colour}" stroke-width="{2 if label in highlight else 1}"/>'
        )
        body.append(
            f'<line x1="{x(med):.1f}" y1="{y + 5}" x2="{x(med):.1f}" y2="{y + ROW_HEIGHT - 5}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        for v in values:
            body.append(
                f'<circle cx="{x(v):.1f}" cy="{mid}" r="2" fill="{PALETTE[1]}" fill-opacity="0.7"/>'
            )
        rows.append(
            [label, len(values), *(round(v, digits) for v in (values[0], q1, med, q3, values[-1]))]
        )
    return Chart(
        title,
        description,
        _svg(WIDTH, height, title, description, body),
        [label_header, *headers],
        rows,
    )


def histogram(
    title: str,
    description: str,
    values: Sequence[float],
    *,
    bins: int = 10,
    lo: float = 0.0,
    hi: float = 100.0,
    headers: tuple[str, str] = ("range", "count"),
) -> Chart:
    width = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        index = min(int((float(v) - lo) // width), bins - 1) if width else 0
        counts[max(index, 0)] += 1
    left, bottom, top_pad = 40, 30, 10
    plot_w, plot_h = WIDTH - left - 10, 180
    top = _nice_max(max(counts, default=0))
    body = []
    bar_w = plot_w / bins
    for i, count in enumerate(counts):
        h = count / top * plot_h
        bx = left + i * bar_w
        body.append(
            f'<rect x="{bx + 1:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar_w - 2:.1f}" '
            f'height="{h:.1f}" fill="{PALETTE[0]}"/>'
        )
        if count:
            body.append(
                _text(
                    bx + bar_w / 2, top_pad + plot_h - h - 3, str(count), anchor="middle", size=10
                )
            )
        body.append(
            _text(bx, top_pad + plot_h + 14, _fmt(lo + i * width), anchor="middle", size=10)
        )
    body.append(_text(left + plot_w, top_pad + plot_h + 14, _fmt(hi), anchor="middle", size=10))
    body.append(
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" '
        f'stroke="#495057"/>'
    )
    rows = [
        [f"{_fmt(lo + i * width)}–{_fmt(lo + (i + 1) * width)}", c] for i, c in enumerate(counts)
    ]
    return Chart(
        title,
        description,
        _svg(WIDTH, top_pad + plot_h + bottom, title, description, body),
        list(headers),
        rows,
    )


def line_chart(
    title: str,
    description: str,
    points: Sequence[tuple[str, float]],
    *,
    label_header: str,
    value_header: str,
    formatter=_fmt,
) -> Chart:
    """A cumulative or periodic series over labelled points (e.g. months)."""
    left, bottom, top_pad, right = 70, 40, 14, 20
    plot_w, plot_h = WIDTH - left - right, 200
    top = _nice_max(max((float(v) for _, v in points), default=0.0))
    step = plot_w / max(len(points) - 1, 1)
    coords = [
        (left + i * step, top_pad + plot_h - float(v) / top * plot_h)
        for i, (_, v) in enumerate(points)
    ]
    body = [
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="#495057"/>',
        f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="#495057"/>',
        _text(left - 6, top_pad + 4, formatter(top), anchor="end", size=10),
        _text(left - 6, top_pad + plot_h, "0", anchor="end", size=10),
    ]
    if coords:
        body.append(
            '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
                PALETTE[0], " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            )
        )
    for (cx, cy), (label, _v) in zip(coords, points, strict=True):
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{PALETTE[0]}"/>')
        body.append(_text(cx, top_pad + plot_h + 16, _clip(label, 8), anchor="middle", size=10))
    return Chart(
        title,
        description,
        _svg(WIDTH, top_pad + plot_h + bottom, title, description, body),
        [label_header, value_header],
        [[label, formatter(v)] for label, v in points],
    )


def diverging_bar_chart(
    title: str,
    description: str,
    items: Sequence[tuple[str, float]],
    *,
    value_header: str,
    label_header: str,
    positive: str = "",
    negative: str = "",
    formatter=_fmt,
) -> Chart:
    """Bars left (negative) and right (positive) of a middle line, one per label: e.g.
    places gained or lost between two rankings."""
    label_width, right, legend = 170, 40, 24 if positive or negative else 0
    plot = WIDTH - label_width - right
    middle = label_width + plot / 2
    top = _nice_max(max((abs(float(v)) for _, v in items), default=0.0))
    scale = (plot / 2 - 30) / top
    height = legend + 20 + ROW_HEIGHT * max(len(items), 1)
    body = []
    if legend:
        body.append(_text(middle - 6, 16, negative, anchor="end", fill=PALETTE[5]))
        body.append(_text(middle + 6, 16, positive, fill=PALETTE[2]))
    body.append(
        f'<line x1="{middle:.1f}" y1="{legend + 4}" x2="{middle:.1f}" y2="{height - 6}" stroke="#495057"/>'
    )
    for i, (label, value) in enumerate(items):
        y = legend + 10 + i * ROW_HEIGHT
        v = float(value)
        w = abs(v) * scale
        x = middle if v >= 0 else middle - w
        body.append(_text(label_width - 8, y + 17, _clip(label, 14), anchor="end"))
        body.append(
            f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{ROW_HEIGHT - 10}" '
            f'fill="{PALETTE[2] if v >= 0 else PALETTE[5]}"/>'
        )
        text_x, anchor = (x + w + 4, "start") if v >= 0 else (x - 4, "end")
        body.append(_text(text_x, y + 17, ("+" if v > 0 else "") + formatter(value), anchor=anchor))
    if not items:
        body.append(_text(WIDTH / 2, legend + 30, "—", anchor="middle"))
    return Chart(
        title,
        description,
        _svg(WIDTH, height, title, description, body),
        [label_header, value_header],
        [[label, formatter(value)] for label, value in items],
    )


def _legend(names: Sequence[str], y: float) -> list[str]:
    body, x = [], 10.0
    for j, name in enumerate(names):
        body.append(
            f'<rect x="{x:.1f}" y="{y + 6}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>'
        )
        body.append(_text(x + 16, y + 16, name))
        x += 30 + 13 * len(str(name))
    return body


def _axis(x, lo: float, hi: float, bottom: float) -> list[str]:
    body = []
    for tick in range(int(lo), int(hi) + 1, max(int((hi - lo) / 10), 1)):
        body.append(
            f'<line x1="{x(tick):.1f}" y1="{bottom}" x2="{x(tick):.1f}" y2="{bottom + 4}" stroke="#495057"/>'
        )
        body.append(_text(x(tick), bottom + 16, str(tick), anchor="middle", size=10))
    return body


def _quartiles(sorted_values: list[float]) -> tuple[float, float, float]:
    if len(sorted_values) == 1:
        v = sorted_values[0]
        return v, v, v
    q1, med, q3 = statistics.quantiles(sorted_values, n=4, method="inclusive")
    return q1, med, q3


def _clip(text: str, length: int) -> str:
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"
