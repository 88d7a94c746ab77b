"""Small inline SVG charts for the report: no script, no CDN, so the file opens and prints anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d")
OUTCOME_COLOURS = {"on_time": "#059669", "late": "#d97706", "open": "#94a3b8", "missed": "#dc2626"}


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def line_chart(
    series: dict[str, list[float | None]], x_labels: Sequence[str], *, label: str, y_max: float = 100
) -> str:
    """One line per series over the x labels; gaps where a value is missing; points carry `data-value`."""
    w, h, left, bottom, top = 640, 260, 40, 30, 10
    n = max(len(x_labels), 1)
    step = (w - left - 130) / max(n - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + (h - top - bottom) * (1 - v / y_max)

    parts = [
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 130}" y2="{h - bottom}" stroke="#94a3b8"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#94a3b8"/>',
    ]
    for tick in (0, 50, 100):
        _, y = xy(0, tick * y_max / 100)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick * y_max / 100:g}</text>'
        )
    for i, xl in enumerate(x_labels):
        x, _ = xy(i, 0)
        parts.append(f'<text x="{x:.1f}" y="{h - 10}" text-anchor="middle" font-size="10">{escape(xl)}</text>')
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        segment: list[str] = []
        for i, v in enumerate(values):
            if v is None:
                if len(segment) > 1:
                    parts.append(
                        f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(segment)}"/>'
                    )
                segment = []
                continue
            x, y = xy(i, v)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}" data-series="{escape(name)}" '
                f'data-value="{v:.1f}"><title>{escape(name)} {escape(x_labels[i])}: {v:.0f}</title></circle>'
            )
        if len(segment) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(segment)}"/>')
        parts.append(
            f'<rect x="{w - 120}" y="{top + k * 16}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{w - 105}" y="{top + k * 16 + 9}" font-size="11">{escape(name)}</text>'
        )
    return _svg(w, h, "".join(parts), label)


def bar_chart(rows: Sequence[tuple[str, float]], *, label: str, value_format: str = "{:g}") -> str:
    """Horizontal bars, longest = full width; each bar carries `data-value`."""
    w, row_h, left = 640, 24, 170
    peak = max((v for _, v in rows), default=0) or 1
    parts = []
    for i, (name, value) in enumerate(rows):
        y = i * row_h + 4
        width = (w - left - 60) * value / peak
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" font-size="11">{escape(name)}</text>'
            f'<rect class="bar" x="{left}" y="{y}" width="{width:.1f}" height="{row_h - 8}" fill="{PALETTE[0]}" '
            f'data-value="{value:g}"/>'
            f'<text x="{left + width + 6:.1f}" y="{y + 14}" font-size="11">{escape(value_format.format(value))}</text>'
        )
    return _svg(w, max(len(rows), 1) * row_h + 8, "".join(parts), label)


def stacked_bars(rows: Sequence[tuple[str, dict[str, int]]], outcome_labels: dict[str, str], *, label: str) -> str:
    """One 100 % bar per row, split by outcome, with a legend; each segment carries `data-value`."""
    w, row_h, left = 640, 24, 230
    parts = []
    for i, (name, counts) in enumerate(rows):
        y = i * row_h + 4
        total = sum(counts.values()) or 1
        x = float(left)
        parts.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" font-size="11">{escape(name)}</text>')
        for outcome, colour in OUTCOME_COLOURS.items():
            count = counts.get(outcome, 0)
            width = (w - left - 10) * count / total
            if count:
                parts.append(
                    f'<rect class="bar" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{row_h - 8}" fill="{colour}" '
                    f'data-value="{count}"><title>{escape(outcome_labels[outcome])}: {count}</title></rect>'
                )
            x += width
    legend_y = len(rows) * row_h + 8
    for k, (outcome, colour) in enumerate(OUTCOME_COLOURS.items()):
        x = left + k * 100
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{legend_y + 9}" font-size="11">{escape(outcome_labels[outcome])}</text>'
        )
    return _svg(w, legend_y + 20, "".join(parts), label)


def heat_map(
    rows: Sequence[tuple[str, dict[str, float]]],
    columns: Sequence[tuple[str, str]],
    bar: dict[str, float],
    *,
    label: str,
) -> str:
    """Reps x phases, cells coloured by score (0-100); a cell at or above the top quartile gets a dark border."""
    cell_w, cell_h, left, top = 70, 26, 150, 46
    w = left + cell_w * len(columns) + 10
    parts = []
    for j, (_, name) in enumerate(columns):
        x = left + j * cell_w + cell_w / 2
        parts.append(f'<text x="{x:.1f}" y="{top - 8}" text-anchor="middle" font-size="10">{escape(name[:8])}</text>')
    for i, (rep, scores) in enumerate(rows):
        y = top + i * cell_h
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="11">{escape(rep)}</text>')
        for j, (phase, _) in enumerate(columns):
            x = left + j * cell_w
            value = scores.get(phase)
            if value is None:
                parts.append(f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="#f1f5f9"/>')
                continue
            hue = 120 * max(0.0, min(value, 100.0)) / 100
            stroke = ' stroke="#0f172a" stroke-width="2"' if phase in bar and value >= bar[phase] else ""
            parts.append(
                f'<rect class="cell" x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="hsl({hue:.0f},70%,75%)"{stroke} data-value="{value:.1f}"/>'
                f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + 17}" text-anchor="middle" font-size="11">{value:.0f}</text>'
            )
    return _svg(w, top + cell_h * max(len(rows), 1) + 6, "".join(parts), label)
