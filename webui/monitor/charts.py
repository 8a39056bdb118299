"""Small charts drawn on the server as SVG (no chart library in the browser)."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

STARTED = "#1565c0"
FINISHED = "#2e7d32"


def _ticks(value: float, count: int = 4) -> tuple[float, float]:
    """A whole, round tick step (1, 2 or 5 times a power of ten) and the axis top for counts up to ``value``."""
    rough = max(1.0, value / count)
    power = 1.0
    while power * 10 <= rough:
        power *= 10
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return step, step * max(1, -(-value // step))


def weekly_bars(weeks: Sequence[tuple[str, int, int]], labels: tuple[str, str], title: str,
                width: int = 760, height: int = 240) -> Markup:
    """Grouped bars per week: started and finished cases.

    Args:
        weeks: ``(week label, started, finished)`` oldest first.
        labels: legend texts for started and finished.
        title: the chart's accessible title.
    """
    left, right, top, bottom = 40, 10, 24, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    step, peak = _ticks(max([max(s, f) for _, s, f in weeks] or [0]))
    slot = plot_w / max(1, len(weeks))
    bar = max(2.0, slot * 0.36)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>']
    for i in range(int(peak // step) + 1):
        value = step * i
        y = top + plot_h - plot_h * value / peak
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#616e7c">'
                     f'{value:g}</text>')
    for i, (label, started, finished) in enumerate(weeks):
        x = left + i * slot + (slot - 2 * bar) / 2
        for j, (value, colour) in enumerate(((started, STARTED), (finished, FINISHED))):
            h = plot_h * value / peak
            parts.append(f'<rect x="{x + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{colour}" data-value="{value}">'
                         f'<title>{escape(label)}: {escape(labels[j])} {value}</title></rect>')
        if len(weeks) <= 16 or i % 2 == 0:
            parts.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
                         f'text-anchor="middle" fill="#616e7c">{escape(label)}</text>')
    lx = left
    for text, colour in ((labels[0], STARTED), (labels[1], FINISHED)):
        parts.append(f'<rect x="{lx}" y="4" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 16}" y="14" font-size="12" fill="#1f2933">{escape(text)}</text>')
        lx += 24 + 13 * len(text)
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(items: Sequence[tuple[str, float, str, str]], title: str, width: int = 760,
                    row_h: int = 26) -> Markup:
    """One bar per item: ``(label, value, colour, value text)``, longest first."""
    label_w, right = 220, 110
    height = max(1, len(items)) * row_h + 10
    peak = max([v for _, v, _, _ in items] or [0]) or 1
    plot_w = width - label_w - right
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>']
    for i, (label, value, colour, text) in enumerate(items):
        y = 5 + i * row_h
        w = max(1.0, plot_w * value / peak)
        parts.append(f'<text x="{label_w - 8}" y="{y + row_h * 0.65:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#1f2933">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + row_h * 0.65:.1f}" font-size="12" '
                     f'fill="#616e7c">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
