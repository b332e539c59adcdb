"""Inline SVG charts for the printed reports (no JavaScript: WeasyPrint draws SVG itself).

Every label is escaped; the functions return markup strings the templates mark safe (built
here from numbers and escaped text only).
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 640, 220
PAD_L, PAD_R, PAD_T, PAD_B = 44, 12, 24, 36
COLOURS = ["#2563eb", "#16a34a", "#ea580c", "#9333ea", "#dc2626"]


def _nice_max(value: float) -> float:
    """A top for the y axis whose four grid steps are whole numbers."""
    import math

    return max(4, math.ceil(value / 4) * 4)


def _frame(title: str, body: list[str], legend: list[tuple[str, str]]) -> str:
    items = []
    x = PAD_L
    for colour, label in legend:
        items.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="15" font-size="10">{escape(label)}</text>')
        x += 24 + 11 * len(label)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'aria-label="{escape(title)}" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Noto Sans CJK SC, sans-serif">'
            + "".join(items) + "".join(body) + "</svg>")


def _axes(top: float, percent: bool) -> list[str]:
    parts = []
    plot_h = HEIGHT - PAD_T - PAD_B
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - PAD_B - plot_h * i / 4
        label = f"{value * 100:.0f}%" if percent else f"{value:g}"
        parts.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{WIDTH - PAD_R}" y2="{y:.1f}" '
                     f'stroke="#e5e7eb" stroke-width="1"/>'
                     f'<text x="{PAD_L - 4}" y="{y + 3:.1f}" font-size="9" '
                     f'text-anchor="end">{label}</text>')
    return parts


def _x_labels(labels: list[str], slot: float) -> list[str]:
    every = max(1, len(labels) // 12 + (1 if len(labels) % 12 else 0)) if len(labels) > 12 else 1
    parts = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = PAD_L + slot * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - PAD_B + 14}" font-size="9" '
                     f'text-anchor="middle">{escape(label)}</text>')
    return parts


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list]], *,
              percent: bool = False, target: float | None = None) -> str:
    """Grouped bars: one group per label, one bar per series. None values are left out."""
    values = [v for _name, vs in series for v in vs if v is not None]
    top = 1.0 if percent else _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    slot = plot_w / max(1, len(labels))
    bar_w = slot * 0.8 / max(1, len(series))
    body = _axes(top, percent)
    for s, (_name, vs) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        for i, value in enumerate(vs):
            if value is None:
                continue
            h = plot_h * min(value, top) / top
            x = PAD_L + slot * i + slot * 0.1 + bar_w * s
            body.append(f'<rect x="{x:.1f}" y="{HEIGHT - PAD_B - h:.1f}" width="{bar_w:.1f}" '
                        f'height="{h:.1f}" fill="{colour}"/>')
    if target is not None:
        y = HEIGHT - PAD_B - plot_h * min(target, top) / top
        body.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{WIDTH - PAD_R}" y2="{y:.1f}" '
                    f'stroke="#dc2626" stroke-dasharray="4 3" stroke-width="1.5"/>')
    body += _x_labels(labels, slot)
    return _frame(title, body, [(COLOURS[i % len(COLOURS)], name)
                                for i, (name, _vs) in enumerate(series)])


def line_chart(title: str, labels: list[str], series: list[tuple[str, list]], *,
               percent: bool = False) -> str:
    """One polyline per series over the labels (gaps where a value is None)."""
    values = [v for _name, vs in series for v in vs if v is not None]
    top = 1.0 if percent else _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    slot = plot_w / max(1, len(labels))
    body = _axes(top, percent)
    for s, (_name, vs) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = []
        for i, value in enumerate(vs):
            if value is None:
                continue
            x = PAD_L + slot * (i + 0.5)
            y = HEIGHT - PAD_B - plot_h * min(value, top) / top
            points.append(f"{x:.1f},{y:.1f}")
        if points:
            body.append(f'<polyline points="{" ".join(points)}" fill="none" '
                        f'stroke="{colour}" stroke-width="2"/>')
    body += _x_labels(labels, slot)
    return _frame(title, body, [(COLOURS[i % len(COLOURS)], name)
                                for i, (name, _vs) in enumerate(series)])
