"""A timeline: one lane per item (a process, an initiative), a mark per row at its date, a bar to
its end where it has one. Dates are read from their first ten characters (xsd:date or dateTime)."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from ..format import local_path
from .svg import colours, text

LANE, LABEL_W, PLOT_W, PAD, AXIS = 24, 260, 600, 10, 28


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def draw(encode: dict, rows: list[dict], label_of):
    marks = []
    for row in rows:
        start = _day(row.get(encode["start"]))
        if start is None:
            continue
        end = _day(row.get(encode["end"])) if "end" in encode else None
        lane = label_of(row, encode["item"]) if "item" in encode else ""
        label = label_of(row, encode["label"]) if "label" in encode else str(start)
        href = local_path(row.get(encode["label"])) if "label" in encode else None
        marks.append((lane, start, end if end and end >= start else None, label, href))
    if not marks:
        return None, "Nothing to draw: no row has a date."
    first = min(m[1] for m in marks)
    last = max((m[2] or m[1]) for m in marks)
    days = max((last - first).days, 1)
    lanes = list(dict.fromkeys(m[0] for m in marks))
    palette = colours(lanes)
    x = lambda d: LABEL_W + (d - first).days / days * PLOT_W
    height = AXIS + len(lanes) * LANE + 2 * PAD
    width = LABEL_W + PLOT_W + 40
    out = [f'<svg class="picture timeline" viewBox="0 0 {width} {height}" width="100%" role="group" '
           f'aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="timeline-title">Timeline of {len(marks)} dated row(s), {first.year}–{last.year}</title>']
    years = range(first.year, last.year + 2)
    step = max(1, len(years) // 10)
    for year in years[::step]:
        d = dt.date(year, 1, 1)
        if first <= d <= last:
            out.append(f'<line x1="{x(d):.1f}" x2="{x(d):.1f}" y1="{PAD}" y2="{height - PAD}" class="grid"/>'
                       f'<text x="{x(d):.1f}" y="{PAD + 12}" text-anchor="middle" class="axis">{year}</text>')
    for i, lane in enumerate(lanes):
        y = AXIS + PAD + i * LANE
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end">{text(lane[:40] + ("…" if len(lane) > 40 else ""))}</text>')
    for lane, start, end, label, href in marks:
        y = AXIS + PAD + lanes.index(lane) * LANE + LANE / 2
        when = start.isoformat() + (f" to {end.isoformat()}" if end else "")
        shape = (f'<rect x="{x(start):.1f}" y="{y - 5:.1f}" width="{max(x(end) - x(start), 2):.1f}" height="10" fill="{palette[lane]}"/>'
                 if end else f'<circle cx="{x(start):.1f}" cy="{y:.1f}" r="5" fill="{palette[lane]}"/>')
        mark = f'<title>{text(label)} ({when})</title>{shape}'
        out.append(f'<a href="{text(href)}" class="mark" aria-label="{text(label)} ({when})">{mark}</a>' if href else f'<g class="mark">{mark}</g>')
    out.append("</svg>")
    summary = f"{len(marks)} dated row(s) in {len(lanes)} lane(s), from {first.isoformat()} to {last.isoformat()}."
    return Markup("".join(out)), summary
