"""A case's timeline drawn to scale, on the server, as SVG: it prints, needs no script, and can be
tested as markup. One lane per process (unofficial initiatives above, official processes below),
each process as a bar over its span; events where they happened, a day as a dot and a month or year
as a band over the whole month or year (a date known to the month is not its first day); bridges
as arrows from the initiative's lane to the official one, drawn heavier the stronger their
evidence; accords as diamonds on the lane of the process that produced them; disputed dates with a
dashed outline. Every mark links to its page and names itself in a <title>.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from tracktwo.bounds import day_bounds
from tracktwo.namespaces import T2

from .format import date_at, local_path

WIDTH, LEFT, RIGHT, TOP, LANE = 960, 230, 940, 34, 34
COLOURS = {"unofficial": "#2e8b57", "official": "#b5542a"}
GRADE_WIDTH = {"strong": 3, "moderate": 2, "weak": 1}


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


def _bounds(value, precision) -> tuple[dt.date, dt.date] | None:
    day = _day(value)
    if day is None:
        return None
    return day_bounds(day, precision if precision is not None else T2.Day) or (day, day)


def _kind(row) -> str:
    return "official" if str(row.get("kind", "")).endswith("OfficialProcess") else "unofficial"


def _a(iri, title: str, inner: str) -> str:
    href = local_path(iri)
    body = f"<title>{escape(title)}</title>{inner}"
    return f'<a href="{escape(href)}">{body}</a>' if href else f"<g>{body}</g>"


def _ticks(first: int, last: int) -> list[int]:
    span = max(1, last - first)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100) if span / s <= 10)
    return [y for y in range((first // step) * step, last + 1, step) if y >= first]


def case_timeline(processes: list[dict], events: list[dict], bridges: list[dict], accords: list[dict]) -> Markup:
    """The SVG, or an empty Markup when nothing in the case is dated."""
    lanes = sorted(processes, key=lambda p: (_kind(p) == "official", str(p.get("start") or "9999"), str(p["label"])))
    row_of = {str(p["process"]): i for i, p in enumerate(lanes)}
    spans = [b for b in (
        [_bounds(p.get("start"), p.get("startPrecision")) for p in lanes]
        + [_bounds(p.get("end"), p.get("endPrecision")) for p in lanes]
        + [_bounds(e["date"], e.get("precision")) for e in events]
        + [_bounds(b["date"], b.get("precision")) for b in bridges]
        + [_bounds(a["signedOn"], a.get("precision")) for a in accords]) if b]
    if not spans or not lanes:
        return Markup("")
    start = dt.date(min(b[0] for b in spans).year, 1, 1)
    end = dt.date(max(b[1] for b in spans).year, 12, 31)
    days = (end - start).days or 1
    x = lambda d: LEFT + (d - start).days / days * (RIGHT - LEFT)
    y = lambda i: TOP + i * LANE + LANE / 2
    height = TOP + len(lanes) * LANE + 10
    out = [f'<svg class="case-timeline" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
           f'role="group" aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">',
           '<title id="timeline-title">The case drawn to scale: unofficial initiatives above, official '
           'processes below, bridges as arrows between them</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>']
    for year in _ticks(start.year, end.year):
        tx = x(dt.date(year, 1, 1))
        out.append(f'<line class="tick" x1="{tx:.1f}" y1="{TOP - 8}" x2="{tx:.1f}" y2="{height - 10}" stroke="#ddd"/>'
                   f'<text x="{tx:.1f}" y="{TOP - 12}" font-size="11" text-anchor="middle" fill="#555">{year}</text>')
    for i, p in enumerate(lanes):
        kind, first = _kind(p), _bounds(p.get("start"), p.get("startPrecision"))
        last = _bounds(p.get("end"), p.get("endPrecision"))
        label = str(p["label"])
        short = label if len(label) <= 34 else label[:33] + "…"
        out.append(_a(p["process"], f"{label} ({'official' if kind == 'official' else 'unofficial'})",
                      f'<text x="6" y="{y(i) + 4:.1f}" font-size="12" fill="#222">{escape(short)}</text>'))
        if first:
            x0, x1 = x(first[0]), x(last[1] if last else end)
            out.append(f'<rect class="process {kind}" x="{x0:.1f}" y="{y(i) - 3:.1f}" width="{max(2, x1 - x0):.1f}" '
                       f'height="6" rx="3" fill="{COLOURS[kind]}" opacity="0.35"/>')
    for e in events:
        lane, bounds = row_of.get(str(e["process"])), _bounds(e["date"], e.get("precision"))
        if lane is None or bounds is None:
            continue
        colour, dashed = COLOURS[_kind(e)], ' stroke-dasharray="3 2"' if _disputed(e) else ""
        when = date_at(e["date"], e.get("precision")) + (" (disputed)" if _disputed(e) else "")
        if bounds[0] == bounds[1]:
            mark = (f'<circle class="event{" disputed" if _disputed(e) else ""}" cx="{x(bounds[0]):.1f}" '
                    f'cy="{y(lane):.1f}" r="5" fill="{colour}" stroke="#222"{dashed}/>')
        else:
            x0, x1 = x(bounds[0]), x(bounds[1] + dt.timedelta(days=1))
            mark = (f'<rect class="event{" disputed" if _disputed(e) else ""}" x="{x0:.1f}" y="{y(lane) - 6:.1f}" '
                    f'width="{max(3, x1 - x0):.1f}" height="12" fill="{colour}" fill-opacity="0.6" stroke="#222"{dashed}/>')
        out.append(_a(e["event"], f"{e['label']} — {when}", mark))
    arrows = set()
    for b in bridges:  # (a row per bridge and accord: one arrow per bridge)
        start_lane, end_lane = row_of.get(str(b["from"])), row_of.get(str(b["to"]))
        bounds = _bounds(b["date"], b.get("precision"))
        if start_lane is None or end_lane is None or bounds is None or str(b["bridge"]) in arrows:
            continue
        arrows.add(str(b["bridge"]))
        grade = str(b.get("gradeLabel") or "")
        bx = x(bounds[0] + (bounds[1] - bounds[0]) / 2)
        width = GRADE_WIDTH.get(grade.split()[0].lower() if grade else "", 1)
        rise = 8 if end_lane > start_lane else -8
        out.append(_a(b["bridge"], f"Bridge: {b['label']} — {date_at(b['date'], b.get('precision'))}"
                      + (f" — evidence {grade}" if grade else ""),
                      f'<line class="bridge" x1="{bx:.1f}" y1="{y(start_lane) + rise:.1f}" x2="{bx:.1f}" '
                      f'y2="{y(end_lane) - rise:.1f}" stroke="#333" stroke-width="{width}" marker-end="url(#arrow)"/>'))
    drawn = set()
    for a in accords:
        lane, bounds = row_of.get(str(a.get("process"))), _bounds(a["signedOn"], a.get("precision"))
        if lane is None or bounds is None or str(a["accord"]) in drawn:
            continue
        drawn.add(str(a["accord"]))
        ax, ay = x(bounds[0]), y(lane)
        out.append(_a(a["accord"], f"Accord: {a['label']} — signed {date_at(a['signedOn'], a.get('precision'))}",
                      f'<polygon class="accord" points="{ax:.1f},{ay - 9:.1f} {ax + 7:.1f},{ay:.1f} {ax:.1f},{ay + 9:.1f} '
                      f'{ax - 7:.1f},{ay:.1f}" fill="#f2c14e" stroke="#222"/>'))
    out.append("</svg>")
    return Markup("\n".join(out))


def _disputed(row) -> bool:
    value = row.get("disputed")
    return bool(value.toPython()) if hasattr(value, "toPython") else bool(value)
