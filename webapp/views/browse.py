"""The cases index: filter by track, region, conflict, decade, mechanism, bridge type and outcome;
search by name; sort. Every filter is a query parameter, so every state is a shareable URL."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from tracktwo.namespaces import PREFIXES

from ..caseindex import case_rows, facets
from ..paging import page_of

bp = Blueprint("browse", __name__)

KINDS = {"track": "track", "region": "region", "conflict": "conflict", "mechanism": "mechanism",
         "bridge": "bridgetype", "outcome": "outcome"}
FILTERS = {"track": "tracks", "mechanism": "mechanisms", "bridge": "bridgeTypes", "outcome": "outcomes"}
SORTS = {"date": lambda r: (str(r.get("start") or "9999"), str(r["label"])),
         "name": lambda r: str(r["label"]).casefold(),
         "conflict": lambda r: (str(r["conflictLabel"]), str(r["label"]))}


@bp.get("/cases")
def cases():
    rows = case_rows()
    decades = sorted({str(r["start"])[:3] + "0" for r in rows if r.get("start")})
    chosen = {k: request.args.get(k, "") for k in ("track", "region", "conflict", "mechanism", "bridge", "outcome", "decade", "q", "sort")}
    for key, value in chosen.items():  # a short name (region=central-asia) means the full IRI, as on query pages
        if key in KINDS and value and ":" not in value:
            chosen[key] = PREFIXES[KINDS[key]] + value
    # Filtering happens on values the store returned: request text is compared, never put into a query.
    for key, column in FILTERS.items():
        if chosen[key]:
            rows = [r for r in rows if chosen[key] in str(r.get(column, "")).split()]
    if chosen["region"]:
        rows = [r for r in rows if chosen["region"] in str(r.get("region", "")).split()]
    if chosen["conflict"]:
        rows = [r for r in rows if str(r["conflict"]) == chosen["conflict"]]
    if chosen["decade"].isdigit():
        rows = [r for r in rows if r.get("start") and str(r["start"])[:3] == chosen["decade"][:3]]
    if chosen["q"]:
        needle = chosen["q"].casefold()
        rows = [r for r in rows if needle in str(r["label"]).casefold() or needle in str(r["summary"]).casefold()]
    rows.sort(key=SORTS.get(chosen["sort"], SORTS["date"]))
    compact = request.args.get("view") == "compact"
    return render_template("cases.html", page=page_of(rows), facets=facets(), chosen=chosen, decades=decades,
                           counts=facet_counts(rows), compact=compact)


def facet_counts(rows: list[dict]) -> dict:
    """facet -> value -> how many of the cases shown have it, for the counts beside the filters."""
    counts: dict = {}
    for r in rows:
        for key, column in FILTERS.items():
            for value in set(str(r.get(column, "")).split()):
                counts.setdefault(key, {}).setdefault(value, 0)
                counts[key][value] += 1
        for value in set(str(r.get("region", "")).split()):
            counts.setdefault("region", {}).setdefault(value, 0)
            counts["region"][value] += 1
        conflict = str(r.get("conflict", ""))
        counts.setdefault("conflict", {}).setdefault(conflict, 0)
        counts["conflict"][conflict] += 1
    return counts
