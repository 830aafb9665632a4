"""The cases index: filter by track, region, conflict, decade, mechanism, bridge type and outcome;
search by name; sort. Every filter is a query parameter, so every state is a shareable URL."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from tracktwo.namespaces import sparql_prologue

from ..paging import page_of

bp = Blueprint("browse", __name__)

ROWS = sparql_prologue() + """
SELECT ?case ?label ?summary ?conflict ?conflictLabel ?region ?regionLabel ?start
       (GROUP_CONCAT(DISTINCT STR(?track); separator=" ") AS ?tracks)
       (GROUP_CONCAT(DISTINCT STR(?mechanism); separator=" ") AS ?mechanisms)
       (GROUP_CONCAT(DISTINCT STR(?bridgeType); separator=" ") AS ?bridgeTypes)
       (GROUP_CONCAT(DISTINCT STR(?outcome); separator=" ") AS ?outcomes)
       (GROUP_CONCAT(DISTINCT ?outcomeLabel; separator=", ") AS ?outcomeLabels) WHERE {
  ?case a t2:Case ; rdfs:label ?label ; t2:summary ?summary ; t2:aboutConflict ?conflict .
  ?conflict rdfs:label ?conflictLabel .
  OPTIONAL { ?conflict t2:region ?region . ?region skos:prefLabel ?regionLabel }
  OPTIONAL { ?case t2:coversProcess/t2:track ?track }
  OPTIONAL { ?case t2:coversProcess/t2:mechanism ?mechanism }
  OPTIONAL { ?case t2:coversProcess/^t2:fromProcess/t2:bridgeType ?bridgeType }
  OPTIONAL { ?case t2:outcome ?outcome . ?outcome skos:prefLabel ?outcomeLabel }
  OPTIONAL { SELECT ?case (MIN(?s) AS ?start) WHERE {
      ?case t2:coversProcess ?p . ?p t2:startDate ?s .
      FILTER NOT EXISTS { ?case t2:coversProcess ?child . ?child t2:partOfProcess ?p } } GROUP BY ?case }
} GROUP BY ?case ?label ?summary ?conflict ?conflictLabel ?region ?regionLabel ?start"""

FACETS = sparql_prologue() + """
SELECT DISTINCT ?facet ?value ?label WHERE {
  ?case a t2:Case .
  { ?case t2:coversProcess/t2:track ?value . BIND ("track" AS ?facet) }
  UNION { ?case t2:aboutConflict/t2:region ?value . BIND ("region" AS ?facet) }
  UNION { ?case t2:aboutConflict ?value . BIND ("conflict" AS ?facet) }
  UNION { ?case t2:coversProcess/t2:mechanism ?value . BIND ("mechanism" AS ?facet) }
  UNION { ?case t2:coversProcess/^t2:fromProcess/t2:bridgeType ?value . BIND ("bridge" AS ?facet) }
  UNION { ?case t2:outcome ?value . BIND ("outcome" AS ?facet) }
  ?value rdfs:label|skos:prefLabel ?label .
} ORDER BY ?facet ?label"""

FILTERS = {"track": "tracks", "mechanism": "mechanisms", "bridge": "bridgeTypes", "outcome": "outcomes"}
SORTS = {"date": lambda r: (str(r.get("start") or "9999"), str(r["label"])),
         "name": lambda r: str(r["label"]).casefold(),
         "conflict": lambda r: (str(r["conflictLabel"]), str(r["label"]))}


def case_rows() -> list[dict]:
    """Every case with what the index filters on, read once per process (the store does not change
    while the app runs): at 10,000 synthetic cases reading them took 3.5 s."""
    cache = current_app.extensions
    if "tracktwo.case_rows" not in cache:
        cache["tracktwo.case_rows"] = cache["tracktwo.repo"].select(ROWS)
    return list(cache["tracktwo.case_rows"])


def facets() -> dict:
    """facet -> [(value, label)], read once per process like the rows."""
    cache = current_app.extensions
    if "tracktwo.facets" not in cache:
        found: dict = {}
        for r in cache["tracktwo.repo"].select(FACETS):
            found.setdefault(str(r["facet"]), []).append((str(r["value"]), str(r["label"])))
        cache["tracktwo.facets"] = found
    return cache["tracktwo.facets"]


@bp.get("/cases")
def cases():
    rows = case_rows()
    decades = sorted({str(r["start"])[:3] + "0" for r in rows if r.get("start")})
    chosen = {k: request.args.get(k, "") for k in ("track", "region", "conflict", "mechanism", "bridge", "outcome", "decade", "q", "sort")}
    # Filtering happens on values the store returned: request text is compared, never put into a query.
    for key, column in FILTERS.items():
        if chosen[key]:
            rows = [r for r in rows if chosen[key] in str(r.get(column, "")).split()]
    if chosen["region"]:
        rows = [r for r in rows if str(r.get("region", "")) == chosen["region"]]
    if chosen["conflict"]:
        rows = [r for r in rows if str(r["conflict"]) == chosen["conflict"]]
    if chosen["decade"].isdigit():
        rows = [r for r in rows if r.get("start") and str(r["start"])[:3] == chosen["decade"][:3]]
    if chosen["q"]:
        needle = chosen["q"].casefold()
        rows = [r for r in rows if needle in str(r["label"]).casefold() or needle in str(r["summary"]).casefold()]
    rows.sort(key=SORTS.get(chosen["sort"], SORTS["date"]))
    return render_template("cases.html", page=page_of(rows), facets=facets(), chosen=chosen, decades=decades)
