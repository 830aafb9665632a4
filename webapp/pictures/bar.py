"""A horizontal bar chart: one bar per row, its length the value, its colour the series."""

from __future__ import annotations

from markupsafe import Markup

from .svg import colours, fmt, number, text

ROW, LABEL_W, BAR_W, PAD = 22, 300, 360, 8


def draw(encode: dict, rows: list[dict], label_of):
    bars = []
    for row in rows:
        value = number(row.get(encode["value"]))
        if value is None:
            continue
        series = label_of(row, encode["colour"]) if "colour" in encode else ""
        bars.append((label_of(row, encode["label"]), series, value))
    if not bars:
        return None, "Nothing to draw: no row has a number in the value column."
    top = max(max(v for _, _, v in bars), 0) or 1
    palette = colours([s for _, s, _ in bars])
    legend = [s for s in palette if s]
    legend_h = (len(legend) * ROW + PAD) if legend else 0
    height = legend_h + len(bars) * ROW + 2 * PAD
    width = LABEL_W + BAR_W + 60
    value_name = encode["value"]
    out = [f'<svg class="picture bar" viewBox="0 0 {width} {height}" width="100%" role="img" '
           f'aria-labelledby="bar-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="bar-title">Bar chart: {text(value_name)} by {text(encode["label"])}</title>']
    for i, series in enumerate(legend):
        y = PAD + i * ROW
        out.append(f'<rect x="{LABEL_W}" y="{y + 4}" width="14" height="14" fill="{palette[series]}"/>'
                   f'<text x="{LABEL_W + 20}" y="{y + 16}" class="legend">{text(series)}</text>')
    for i, (label, series, value) in enumerate(bars):
        y = legend_h + PAD + i * ROW
        length = max(value, 0) / top * BAR_W
        shown = f"{label} ({series})" if series else label
        out.append(f'<g class="mark"><title>{text(shown)}: {fmt(value)}</title>'
                   f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{text(_short(label))}</text>'
                   f'<rect x="{LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{ROW - 6}" fill="{palette[series]}"/>'
                   f'<text x="{LABEL_W + length + 4:.1f}" y="{y + 15}">{fmt(value)}</text></g>')
    out.append("</svg>")
    best = max(bars, key=lambda b: b[2])
    summary = (f"{len(bars)} bars of {value_name}; the longest is {best[0]}"
               f"{' (' + best[1] + ')' if best[1] else ''} at {fmt(best[2])}.")
    return Markup("".join(out)), summary


def _short(label: str, limit: int = 46) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"
