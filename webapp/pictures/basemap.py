"""Country outlines for the maps, from the vendored Natural Earth 1:110m TopoJSON (world-atlas).

TopoJSON stores shared borders once as quantised, delta-encoded arcs; a polygon lists the arcs it
is made of (a negative index means the arc reversed). Decoded once per process into rings of
(longitude, latitude) points, each country kept with its bounding box so that a map draws only the
countries it shows.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TOPOLOGY = Path(__file__).resolve().parent.parent / "static" / "vendor" / "world-atlas-2.0.2" / "countries-110m.json"


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)
    # a ring that crosses the antimeridian (Chukotka, Fiji) jumps from 180° to −180°: unwrap it so
    # that it stays continuous, else its outline would cross the whole map
    out, shift = ring[:1], 0.0
    for (lon0, _), (lon, lat) in zip(ring, ring[1:]):
        if lon - lon0 > 180:
            shift -= 360
        elif lon0 - lon > 180:
            shift += 360
        out.append((lon + shift, lat))
    return out


@lru_cache(maxsize=1)
def countries() -> list[tuple[str, list[list[tuple[float, float]]], tuple[float, float, float, float]]]:
    """(name, rings, (min lon, min lat, max lon, max lat)) for every country."""
    topology = json.loads(TOPOLOGY.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
        rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
        points = [p for ring in rings for p in ring]
        if not points:
            continue
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        out.append((geometry.get("properties", {}).get("name", ""), rings, (min(lons), min(lats), max(lons), max(lats))))
    return out


def path_data(rings) -> str:
    """SVG path data with x = longitude and y = −latitude (north up)."""
    return " ".join("M" + " L".join(f"{lon:.2f},{-lat:.2f}" for lon, lat in ring) + "Z" for ring in rings if ring)
