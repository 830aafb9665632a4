"""A map: a marker per place, on Natural Earth's country outlines, zoomed to the places shown.

Plate carrée (longitude and latitude as x and −y) in the SVG's own coordinates, so the viewBox
does the zooming; markers and lines keep their size whatever the zoom (non-scaling strokes, radii
from the extent).
"""

from __future__ import annotations

from markupsafe import Markup

from ..format import local_path
from .basemap import countries, path_data
from .svg import number, text


def draw(encode: dict, rows: list[dict], label_of):
    places: dict = {}
    for row in rows:
        lat, lon = number(row.get(encode["lat"])), number(row.get(encode["long"]))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        key = str(row.get(encode.get("place"))) if encode.get("place") else (lat, lon)
        name = label_of(row, encode["label"]) if "label" in encode else f"{lat:.2f}, {lon:.2f}"
        place = places.setdefault(key, {"lat": lat, "lon": lon, "name": name, "rows": 0,
                                        "href": local_path(row.get(encode["place"])) or "" if encode.get("place") else ""})
        place["rows"] += 1
    if not places:
        return None, "Nothing to draw: no row has coordinates."
    lats = [p["lat"] for p in places.values()]
    lons = [p["lon"] for p in places.values()]
    # the extent of the places, padded, and never smaller than about a country
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.6, 12.0)
    cx, cy = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    w, h = span * 1.25, span * 1.25 / 1.6
    x0, y0 = cx - w / 2, -(cy + h / 2)
    box = (x0, -(y0 + h), x0 + w, -y0)  # lon/lat box shown
    r = w / 120
    out = [f'<svg class="picture map" viewBox="{x0:.2f} {y0:.2f} {w:.2f} {h:.2f}" width="100%" role="group" '
           f'aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
           f'<title id="map-title">Map of {len(places)} place(s)</title>',
           f'<rect x="{x0:.2f}" y="{y0:.2f}" width="{w:.2f}" height="{h:.2f}" class="sea"/>']
    for name, rings, (a, b, c, d) in countries():
        if c < box[0] or a > box[2] or d < box[1] or b > box[3]:
            continue
        out.append(f'<path class="land" d="{path_data(rings)}" vector-effect="non-scaling-stroke"><title>{text(name)}</title></path>')
    for p in sorted(places.values(), key=lambda p: (-p["rows"], p["name"])):
        title = f"{p['name']} ({p['rows']} row{'s' if p['rows'] != 1 else ''})"
        mark = (f'<circle class="marker" cx="{p["lon"]:.3f}" cy="{-p["lat"]:.3f}" r="{r:.3f}" '
                f'vector-effect="non-scaling-stroke"><title>{text(title)}</title></circle>')
        out.append(f'<a href="{text(p["href"])}" class="mark" aria-label="{text(title)}">{mark}</a>' if p["href"] else f'<g class="mark">{mark}</g>')
    out.append("</svg>")
    names = sorted(places.values(), key=lambda p: (-p["rows"], p["name"]))
    summary = (f"{len(places)} place(s) on the map; the most rows are at {names[0]['name'].rstrip('.')}"
               + (f", then {names[1]['name'].rstrip('.')}" if len(names) > 1 else "") + ".")
    return Markup("".join(out)), summary
