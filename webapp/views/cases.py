"""The case list and the case page: what happened, who, where, when, and what it led to."""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, Response, abort, current_app, render_template, request
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from tracktwo.namespaces import GRAPH, T2, bind_prefixes, sparql_prologue

from ..cache import cached_page
from .browse import case_rows
from .resources import RDF_FORMATS, SUFFIXES, resource_iri, split

bp = Blueprint("cases", __name__)

HEADER = sparql_prologue() + """
SELECT ?case ?label ?summary ?conflict ?conflictLabel ?region ?regionLabel ?outcomeNote WHERE {
  ?case a t2:Case ; rdfs:label ?label ; t2:summary ?summary ; t2:aboutConflict ?conflict .
  ?conflict rdfs:label ?conflictLabel .
  OPTIONAL { ?conflict t2:region ?region . ?region skos:prefLabel ?regionLabel }
  OPTIONAL { ?case t2:outcomeNote ?outcomeNote }
}"""
OUTCOMES = sparql_prologue() + "SELECT ?case ?outcome ?label WHERE { ?case t2:outcome ?outcome . ?outcome skos:prefLabel ?label } ORDER BY ?label"
LESSONS = sparql_prologue() + "SELECT ?case ?lesson WHERE { ?case t2:lesson ?lesson } ORDER BY ?lesson"

PROCESSES = sparql_prologue() + """
SELECT ?case ?process ?label ?kind ?description ?start ?startPrecision ?end ?endPrecision
       (GROUP_CONCAT(DISTINCT ?trackLabel; separator=", ") AS ?tracks)
       (GROUP_CONCAT(DISTINCT ?mechanismLabel; separator=", ") AS ?mechanisms) WHERE {
  ?case t2:coversProcess ?process .
  ?process rdfs:label ?label ; a ?kind .
  FILTER (?kind IN (t2:Initiative, t2:OfficialProcess))
  OPTIONAL { ?process t2:description ?description }
  # nested rather than one two-pattern OPTIONAL, which Oxigraph evaluated over every process in the
  # store before joining (12 ms instead of 0.1 ms on 1,000 synthetic cases); the shapes require a
  # precision with every date, so the answers are the same
  OPTIONAL { ?process t2:startDate ?start OPTIONAL { ?process t2:startDatePrecision ?startPrecision } }
  OPTIONAL { ?process t2:endDate ?end OPTIONAL { ?process t2:endDatePrecision ?endPrecision } }
  OPTIONAL { ?process t2:track/skos:prefLabel ?trackLabel }
  OPTIONAL { ?process t2:mechanism/skos:prefLabel ?mechanismLabel }
} GROUP BY ?case ?process ?label ?kind ?description ?start ?startPrecision ?end ?endPrecision
ORDER BY ?start ?label"""

TIMELINE = sparql_prologue() + """
SELECT ?case ?event ?label ?description ?date ?precision ?endDate ?endPrecision ?type ?process ?processLabel
       ?kind ?place ?placeLabel (EXISTS { ?event t2:valueClaim ?c } AS ?disputed) WHERE {
  ?case t2:coversProcess ?process .
  ?process rdfs:label ?processLabel ; a ?kind .
  FILTER (?kind IN (t2:Initiative, t2:OfficialProcess))
  ?event t2:inProcess ?process ; rdfs:label ?label ; t2:date ?date ; t2:datePrecision ?precision .
  OPTIONAL { ?event t2:description ?description }
  OPTIONAL { ?event t2:endDate ?endDate ; t2:endDatePrecision ?endPrecision }
  OPTIONAL { ?event t2:eventType/skos:prefLabel ?type }
  OPTIONAL { ?event t2:atPlace ?place . ?place rdfs:label ?placeLabel }
} ORDER BY ?date ?label"""

# Things in a case are reached by property paths from its processes, not by UNION branches:
# Oxigraph evaluates a UNION branch over every case before joining on this one.
# (t2:hasEvent, the inverse of t2:inProcess that the build materialises, rather than ^t2:inProcess:
# measured on 1,000 synthetic cases, the disputes query took 0.4 ms instead of 10.6 ms.)
IN_CASE = "(t2:hasEvent|^t2:participationIn|^t2:fromProcess|^t2:producedBy|t2:hasEvent/^t2:participationIn)?"

# Who took part in the case's processes, and in their events: two queries rather than one path with
# an alternative, which Oxigraph planned from every participation (8 ms instead of 0.5 ms on 1,000
# synthetic cases). The rows are merged and sorted in Python.
PEOPLE_TAIL = """
  ?p t2:participant ?actor ; t2:role ?role .
  ?actor rdfs:label ?actorLabel . ?role skos:prefLabel ?roleLabel . ?where rdfs:label ?whereLabel .
  OPTIONAL { ?p t2:capacity/skos:prefLabel ?capacityLabel }
}"""
PEOPLE_HEAD = sparql_prologue() + """
SELECT ?case ?role ?roleLabel ?actor ?actorLabel ?capacityLabel ?where ?whereLabel ?kind WHERE {
  ?case t2:coversProcess ?process .
  ?process a ?kind . FILTER (?kind IN (t2:Initiative, t2:OfficialProcess))"""
PEOPLE_IN_PROCESSES = PEOPLE_HEAD + "\n  ?p t2:participationIn ?process . BIND (?process AS ?where)" + PEOPLE_TAIL
PEOPLE_IN_EVENTS = PEOPLE_HEAD + "\n  ?process t2:hasEvent ?where . ?p t2:participationIn ?where ." + PEOPLE_TAIL

BRIDGES = sparql_prologue() + """
SELECT ?case ?bridge ?label ?description ?date ?precision ?from ?fromLabel ?to ?toLabel ?grade ?gradeLabel
       ?accord ?accordLabel ?signedOn ?months (GROUP_CONCAT(DISTINCT ?typeLabel; separator=" / ") AS ?types) WHERE {
  ?case t2:coversProcess ?from .
  ?bridge t2:fromProcess ?from ; rdfs:label ?label ; t2:date ?date ; t2:datePrecision ?precision ;
          t2:toProcess ?to ; t2:bridgeType/skos:prefLabel ?typeLabel .
  ?from rdfs:label ?fromLabel . ?to rdfs:label ?toLabel .
  OPTIONAL { ?bridge t2:description ?description }
  # nested OPTIONALs: a flat multi-pattern one was evaluated over every bridge in the store (the
  # shapes require an accord's label and date and a grade's label, so the answers are the same)
  OPTIONAL { ?bridge t2:evidenceGrade ?grade OPTIONAL { ?grade skos:prefLabel ?gradeLabel } }
  OPTIONAL { ?bridge t2:contributedTo ?accord OPTIONAL { ?accord rdfs:label ?accordLabel } OPTIONAL { ?accord t2:signedOn ?signedOn } }
  BIND ((YEAR(?signedOn) - YEAR(?date)) * 12 + MONTH(?signedOn) - MONTH(?date) AS ?months)
} GROUP BY ?case ?bridge ?label ?description ?date ?precision ?from ?fromLabel ?to ?toLabel ?grade ?gradeLabel
           ?accord ?accordLabel ?signedOn ?months
ORDER BY ?date ?label ?accordLabel"""

ACCORDS = sparql_prologue() + """
SELECT ?case ?accord ?label ?signedOn ?precision ?signedAtLabel ?initialledOn ?initialledPrecision ?initialledAtLabel
       ?description WHERE {
  ?case t2:coversProcess ?process .
  ?accord t2:producedBy ?process ; rdfs:label ?label ; t2:signedOn ?signedOn ; t2:datePrecision ?precision .
  OPTIONAL { ?accord t2:signedAt/rdfs:label ?signedAtLabel }
  OPTIONAL { ?accord t2:initialledOn ?initialledOn ; t2:initialledPrecision ?initialledPrecision }
  OPTIONAL { ?accord t2:initialledAt/rdfs:label ?initialledAtLabel }
  OPTIONAL { ?accord t2:description ?description }
} ORDER BY ?signedOn"""

# Everything in the case that carries claims: processes, their events, participations, bridges, accords.
DISPUTES = sparql_prologue() + """
SELECT DISTINCT ?case ?resource ?resourceLabel ?property ?value ?precision ?preferred ?why ?source ?sourceLabel ?locator WHERE {
  ?case t2:coversProcess ?process .
  ?process """ + IN_CASE + """ ?resource .
  ?resource t2:valueClaim ?claim .
  OPTIONAL { ?resource rdfs:label ?resourceLabel }
  ?claim t2:onProperty ?property ; t2:claimedValue ?value ; t2:preferred ?preferred ; t2:citation ?c .
  ?c t2:source ?source . ?source rdfs:label ?sourceLabel .
  OPTIONAL { ?c t2:locator ?locator }
  OPTIONAL { ?claim t2:claimedPrecision ?precision }
  OPTIONAL { ?claim t2:description ?why }
} ORDER BY ?resource ?property DESC(?preferred) ?value ?sourceLabel"""

# The case's sources: those cited by anything in it (with their locators), and its key sources.
# Two queries rather than a UNION, which Oxigraph would evaluate over every case.
CITED_SOURCES = sparql_prologue() + """
SELECT ?case ?s (GROUP_CONCAT(DISTINCT ?locator; separator="; ") AS ?locators) WHERE {
  ?case t2:coversProcess ?process .
  ?process """ + IN_CASE + """ ?x .
  ?x (t2:citation|t2:valueClaim/t2:citation) ?c .
  ?c t2:source ?s .
  OPTIONAL { ?c t2:locator ?locator }
} GROUP BY ?case ?s"""
KEY_SOURCES = sparql_prologue() + "SELECT ?case ?s WHERE { ?case t2:keySource ?s }"

# Their bibliographic fields come as (source, property, value) rows, set side by side in Python: the
# same fields as fifteen OPTIONALs took Oxigraph 3-6 ms a query at 10,000 synthetic cases (its
# planning grows with the number of OPTIONALs), the rows take 0.1 ms.
FIELDS = {DCTERMS.title: "title", T2.authors: "authors", T2.editors: "editors", T2.year: "year",
          T2.publisher: "publisher", T2.publisherPlace: "place", T2.journal: "journal", T2.volume: "volume",
          T2.issue: "issue", T2.pages: "pages", T2.url: "url", T2.doi: "doi", T2.isbn: "isbn", T2.inBook: "inBook"}
BOOK_FIELDS = {DCTERMS.title: "inBookTitle", T2.editors: "inBookEditors", T2.publisher: "inBookPublisher"}
PROPERTIES = "SELECT ?s ?property ?value WHERE {{ VALUES ?s {{ {} }} ?s ?property ?value }}"


def _properties(repo, iris, names: dict) -> dict:
    """iri -> {name: value} for the properties named, one value each (the least, for a stable page)."""
    out: dict = {iri: {} for iri in iris}
    if not iris:
        return out
    rows = repo.select(PROPERTIES.format(" ".join(iri.n3() for iri in sorted(iris))))
    for row in sorted(rows, key=lambda r: str(r["value"])):
        name = names.get(row["property"])
        if name is not None:
            out[row["s"]].setdefault(name, row["value"])
    return out


def case_sources(repo, bind: dict) -> list[dict]:
    """The case's sources as rows (s, locators, title, authors … inBookTitle), ordered by creator,
    year and title; a source without a title (which the shapes forbid) is left out."""
    found = {row["s"]: {} for row in repo.select(KEY_SOURCES, bind)}
    found.update({row["s"]: {"locators": row.get("locators") or None} for row in repo.select(CITED_SOURCES, bind)})
    fields = _properties(repo, found, FIELDS)
    books = _properties(repo, {f["inBook"] for f in fields.values() if "inBook" in f}, BOOK_FIELDS)
    rows = [{"s": s, **extra, **fields[s], **books.get(fields[s].get("inBook"), {})}
            for s, extra in found.items() if "title" in fields[s]]
    return sorted(rows, key=lambda r: (str(r.get("authors") or r.get("editors") or r.get("publisher") or ""),
                                       str(r.get("year") or ""), str(r["title"])))


READINGS = sparql_prologue() + """
SELECT ?case ?reading ?label ?level ?note WHERE {
  ?reading t2:servesCase ?case ; rdfs:label ?label ; t2:level ?level .
  OPTIONAL { ?reading t2:note ?note }
} ORDER BY ?level ?label"""


def _repo():
    return current_app.extensions["tracktwo.repo"]


COUNTS = sparql_prologue() + """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?class { t2:Case t2:Actor t2:Accord t2:Source t2:Event }
  ?x a ?class .
} GROUP BY ?class"""

DEFINITIONS = sparql_prologue() + """
SELECT ?concept ?label ?definition WHERE {
  VALUES ?concept { track:track-2 track:track-1-5 track:track-3 }
  ?concept skos:prefLabel ?label ; skos:definition ?definition .
}"""


@bp.get("/")
@cached_page
def index():
    repo = _repo()
    counts = {str(r["class"]).rsplit("#", 1)[-1]: int(r["n"]) for r in repo.select(COUNTS)}
    order = ["Track 1.5", "Track 2", "Track 3"]
    definitions = sorted(repo.select(DEFINITIONS), key=lambda r: order.index(str(r["label"])) if str(r["label"]) in order else 9)
    rows = sorted(case_rows(), key=lambda r: (str(r.get("start") or "9999"), str(r["label"])))
    return render_template("index.html", featured=featured(rows), total=len(rows), counts=counts, definitions=definitions)


def featured(rows: list[dict], n: int = 6) -> list[dict]:
    """A few cases to start from, spread over regions: the earliest of each region, then the next."""
    chosen, seen = [], set()
    for row in rows:
        if str(row.get("region")) not in seen:
            seen.add(str(row.get("region")))
            chosen.append(row)
    chosen += [r for r in rows if r not in chosen]
    return chosen[:n]


CASE_GRAPH = sparql_prologue() + "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


@bp.get("/id/case/<slug>")
@cached_page
def case(slug: str):
    slug, suffix = split(slug)
    iri = resource_iri("case", slug)
    repo, bind = _repo(), {"case": iri}
    media = SUFFIXES.get(suffix) if suffix else request.accept_mimetypes.best_match(["text/html", *RDF_FORMATS], default="text/html")
    if media != "text/html":
        # "download this case": everything its file says, as built
        graph = repo.query(CASE_GRAPH, {"g": URIRef(f"{GRAPH}cases/{slug}")}).graph
        if graph is None or not len(graph):
            abort(404)
        return Response(bind_prefixes(graph).serialize(format=RDF_FORMATS[media][0], encoding="utf-8"), mimetype=media)
    header = repo.select(HEADER, bind)
    if not header:
        abort(404)
    sources = case_sources(repo, bind)
    people: OrderedDict = OrderedDict()
    rows = repo.select(PEOPLE_IN_PROCESSES, bind) + repo.select(PEOPLE_IN_EVENTS, bind)
    for row in sorted(rows, key=lambda r: (str(r["roleLabel"]), str(r["actorLabel"]), str(r["whereLabel"]))):
        people.setdefault(str(row["roleLabel"]), []).append(row)
    return render_template(
        "case.html", iri=iri, case=header[0],
        outcomes=repo.select(OUTCOMES, bind), lessons=repo.select(LESSONS, bind),
        processes=repo.select(PROCESSES, bind), timeline=repo.select(TIMELINE, bind), people=people,
        bridges=repo.select(BRIDGES, bind), accords=repo.select(ACCORDS, bind),
        disputes=repo.select(DISPUTES, bind), sources=sources, readings=repo.select(READINGS, bind),
    )
