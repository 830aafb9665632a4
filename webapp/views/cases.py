"""The case list and the case page: what happened, who, where, when, and what it led to."""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, Response, abort, render_template
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from tracktwo import cite
from tracktwo.namespaces import GRAPH, T2, bind_prefixes

from .. import negotiation, runner
from ..cache import cached_page
from ..caseindex import case_rows
from ..pictures import draw
from ..resolve import RDF_FORMATS, SUFFIXES, resource_iri, split
from ..timeline_svg import case_timeline

bp = Blueprint("cases", __name__)

# Their bibliographic fields come as (source, property, value) rows, set side by side in Python: the
# same fields as fifteen OPTIONALs took Oxigraph 3-6 ms a query at 10,000 synthetic cases (its
# planning grows with the number of OPTIONALs), the rows take 0.1 ms.
FIELDS = {DCTERMS.title: "title", T2.authors: "authors", T2.editors: "editors", T2.year: "year",
          T2.publisher: "publisher", T2.publisherPlace: "place", T2.journal: "journal", T2.volume: "volume",
          T2.issue: "issue", T2.pages: "pages", T2.url: "url", T2.doi: "doi", T2.isbn: "isbn", T2.inBook: "inBook"}
BOOK_FIELDS = {DCTERMS.title: "inBookTitle", T2.editors: "inBookEditors", T2.publisher: "inBookPublisher"}


def _properties(iris, names: dict) -> dict:
    """iri -> {name: value} for the properties named, one value each (the least, for a stable page)."""
    out: dict = {iri: {} for iri in iris}
    if not iris:
        return out
    for row in sorted(runner.rows("resource-fields", s=sorted(iris)), key=lambda r: str(r["value"])):
        name = names.get(row["property"])
        if name is not None:
            out[row["s"]].setdefault(name, row["value"])
    return out


def case_map(rows: list[dict]):
    """The case's map (events' places and accords' signing places) and its places, most used first."""
    if not rows:
        return None
    picture = draw("map", {"lat": "lat", "long": "long", "label": "place", "place": "place"}, rows,
                   lambda row, column: str(row.get(f"{column}Label") or row.get(column)))
    places: OrderedDict = OrderedDict()
    for row in rows:
        places.setdefault(str(row["place"]), {"place": row["place"], "label": row["placeLabel"], "what": []})["what"].append(row)
    return picture, sorted(places.values(), key=lambda p: (-len(p["what"]), str(p["label"])))


def case_sources(iri: URIRef) -> list[dict]:
    """The case's sources as rows (s, locators, title, authors … inBookTitle), ordered by creator,
    year and title; a source without a title (which the shapes forbid) is left out. Locators are
    gathered here rather than by GROUP_CONCAT, which rdflib cannot do over an unbound value."""
    found: dict = {row["s"]: {} for row in runner.rows("case-key-sources", case=iri)}
    locators: dict = {}
    for row in runner.rows("case-cited-sources", case=iri):
        found.setdefault(row["s"], {})
        if row.get("locator") is not None:
            locators.setdefault(row["s"], set()).add(str(row["locator"]))
    for s, seen in locators.items():
        found[s]["locators"] = "; ".join(sorted(seen))
    fields = _properties(found, FIELDS)
    books = _properties({f["inBook"] for f in fields.values() if "inBook" in f}, BOOK_FIELDS)
    rows = [{"s": s, **extra, **fields[s], **books.get(fields[s].get("inBook"), {})}
            for s, extra in found.items() if "title" in fields[s]]
    return sorted(rows, key=lambda r: (str(r.get("authors") or r.get("editors") or r.get("publisher") or ""),
                                       str(r.get("year") or ""), str(r["title"])))


@bp.get("/")
@cached_page
def index():
    counts = {str(r["class"]).rsplit("#", 1)[-1]: int(r["n"]) for r in runner.rows("home-counts")}
    order = ["Track 1.5", "Track 2", "Track 3"]
    definitions = sorted(runner.rows("home-track-definitions"),
                         key=lambda r: order.index(str(r["label"])) if str(r["label"]) in order else 9)
    rows = sorted(case_rows(), key=lambda r: (str(r.get("start") or "9999"), str(r["label"])))
    return render_template("index.html", featured=featured(rows), total=len(rows), counts=counts, definitions=definitions,
                           citation=cite.text())


def featured(rows: list[dict], n: int = 6) -> list[dict]:
    """A few cases to start from, spread over regions: the earliest of each region, then the next."""
    chosen, seen = [], set()
    for row in rows:
        regions = set(str(row.get("region", "")).split())  # a case may sit in two regions
        if not regions & seen:
            seen |= regions
            chosen.append(row)
    chosen += [r for r in rows if r not in chosen]
    return chosen[:n]


@bp.get("/id/case/<slug>")
@cached_page
def case(slug: str):
    slug, suffix = split(slug)
    iri = resource_iri("case", slug)
    media = SUFFIXES.get(suffix) if suffix else negotiation.choose(["text/html", *RDF_FORMATS], "text/html", None)
    if media not in (None, "text/html"):
        # "download this case": everything its file says, as built
        graph = runner.result("case-graph", g=URIRef(f"{GRAPH}cases/{slug}")).graph
        if graph is None or not len(graph):
            abort(404)
        return Response(bind_prefixes(graph).serialize(format=RDF_FORMATS[media][0], encoding="utf-8"), mimetype=media)
    header = runner.rows("case-header", case=iri)
    if not header:
        abort(404)
    people: OrderedDict = OrderedDict()
    found = runner.rows("case-people-in-processes", case=iri) + runner.rows("case-people-in-events", case=iri)
    for row in sorted(found, key=lambda r: (str(r["roleLabel"]), str(r["actorLabel"]), str(r["whereLabel"]))):
        people.setdefault(str(row["roleLabel"]), []).append(row)
    part = lambda name: runner.rows(name, case=iri)
    processes, events, bridges = part("case-processes"), part("case-events"), part("case-bridges")
    produced = part("case-accords")  # one row per accord and the process that produced it
    accords = list({str(a["accord"]): a for a in reversed(produced)}.values())[::-1]
    return render_template(
        "case.html", iri=iri, case=header[0], outcomes=part("case-outcomes"), lessons=part("case-lessons"),
        processes=processes, timeline=events, people=people, bridges=bridges, accords=accords,
        drawing=case_timeline(processes, events, bridges, produced), where=case_map(part("case-places")),
        disputes=part("case-disputes"), sources=case_sources(iri), readings=part("case-readings"),
        citation=cite.text(str(header[0]["label"]), str(iri)),
    )
