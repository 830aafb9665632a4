"""Every resource IRI dereferences: an HTML page, or its description as Turtle, JSON-LD or N-Triples.

`/id/{kind}/{slug}` answers by content negotiation; `.ttl`, `.jsonld` and `.nt` suffixes pick a
format directly. The description is the resource's own triples (with the citations and value
claims hanging off it) plus the labels of what it links to.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request
from rdflib import URIRef

from tracktwo.citations import STYLES, bibliography, csl_item
from tracktwo.citations import SOURCES as SOURCE_FIELDS
from tracktwo.namespaces import ID, bind_prefixes, sparql_prologue
from tracktwo.queries import with_labels
from tracktwo.store import Result

from ..cache import cached_page
from ..schemaorg import json_ld

bp = Blueprint("resources", __name__)

RDF_FORMATS = {"text/turtle": ("turtle", "ttl"), "application/ld+json": ("json-ld", "jsonld"),
               "application/n-triples": ("nt", "nt")}
SUFFIXES = {suffix: media for media, (_, suffix) in RDF_FORMATS.items()}

DESCRIBE = sparql_prologue() + """
CONSTRUCT { ?r ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . ?o rdfs:label ?label . ?o skos:prefLabel ?pref }
WHERE {
  ?r ?p ?o .
  OPTIONAL { ?o ?p2 ?o2 . FILTER (isBlank(?o))
             OPTIONAL { ?o2 ?p3 ?o3 . FILTER (isBlank(?o2)) } }
  OPTIONAL { ?o rdfs:label ?label . FILTER (isIRI(?o)) }
  OPTIONAL { ?o skos:prefLabel ?pref . FILTER (isIRI(?o)) }
}"""

OUTGOING = sparql_prologue() + """
SELECT ?r ?p ?o ?oLabel WHERE {
  ?r ?p ?o . FILTER (!isBlank(?o))
  OPTIONAL { ?o rdfs:label|skos:prefLabel ?oLabel }
} ORDER BY ?p ?o"""

INCOMING = sparql_prologue() + """
SELECT ?r ?s ?p ?sLabel WHERE {
  ?s ?p ?r . FILTER (isIRI(?s))
  OPTIONAL { ?s rdfs:label|skos:prefLabel ?sLabel }
} ORDER BY ?p ?s LIMIT 500"""

CITED = sparql_prologue() + """
SELECT ?r ?source ?sourceLabel ?locator WHERE {
  ?r t2:citation ?c . ?c t2:source ?source . OPTIONAL { ?source rdfs:label ?sourceLabel } OPTIONAL { ?c t2:locator ?locator }
} ORDER BY ?sourceLabel ?locator"""


def description(iri: URIRef):
    graph = current_app.extensions["tracktwo.repo"].query(DESCRIBE, {"r": iri}).graph
    return bind_prefixes(graph) if graph is not None else None


def negotiate(iri: URIRef, suffix: str | None):
    """A Response with the description when RDF was asked for, else None (show the page)."""
    if suffix:
        media = SUFFIXES.get(suffix)
        if media is None:
            abort(404)
    else:
        media = request.accept_mimetypes.best_match(["text/html", *RDF_FORMATS], default="text/html")
        if media == "text/html":
            return None
    graph = description(iri)
    if graph is None or not len(graph):
        abort(404)
    fmt = RDF_FORMATS[media][0]
    response = Response(graph.serialize(format=fmt, encoding="utf-8"), mimetype=media)
    response.headers["Vary"] = "Accept"
    return response


def split(slug: str) -> tuple[str, str | None]:
    stem, dot, suffix = slug.rpartition(".")
    return (stem, suffix) if dot and suffix in SUFFIXES else (slug, None)


# Our identifiers are lowercase ASCII slugs; anything outside RFC 3986's unreserved characters
# cannot name one of them, and a space, quote, bracket, control character or non-ASCII text would
# make an IRI that rdflib will not write and Oxigraph will not parse
SEGMENT = re.compile(r"[A-Za-z0-9._~-]{1,200}")


def resource_iri(kind: str, slug: str) -> URIRef:
    """The IRI /id/{kind}/{slug} names, or a 404 saying why there cannot be such a resource."""
    if not (SEGMENT.fullmatch(kind) and SEGMENT.fullmatch(slug)):
        shown = f"{kind}/{slug}" if len(kind) + len(slug) <= 80 else f"{kind}/{slug}"[:80] + "…"
        message = (f"There is no resource {shown!r}: identifiers are made of letters, digits, "
                   "hyphens, dots, underscores and tildes.")
        abort(make_response(render_template("error.html", title="Not found", message=message), 404))
    return URIRef(f"{ID}{kind}/{slug}")


@bp.get("/id/<kind>/<slug>")
@cached_page
def resource(kind: str, slug: str):
    slug, suffix = split(slug)
    iri = resource_iri(kind, slug)
    negotiated = negotiate(iri, suffix)
    if negotiated is not None:
        return negotiated
    repo = current_app.extensions["tracktwo.repo"]
    outgoing = repo.select(OUTGOING, {"r": iri})
    incoming = repo.select(INCOMING, {"r": iri})
    if not outgoing and not incoming:
        abort(404)
    label = repo.labels().get(str(iri))
    return render_template("resource.html", iri=iri, kind=kind, label=label, outgoing=outgoing,
                           incoming=incoming, cited=repo.select(CITED, {"r": iri}),
                           sections=[(s, rows) for s in _sections(kind) if (rows := run_section(s, iri))],
                           citations=citations(iri) if kind == "source" else {},
                           json_ld=(data := json_ld(repo, iri, kind)), description=(data or {}).get("description"))


def _sections(kind: str):
    return current_app.extensions["tracktwo.sections"].get(kind, [])


def run_section(section, iri: URIRef) -> Result | None:
    """The section's rows for this resource (with labels), or None when it has none."""
    repo = current_app.extensions["tracktwo.repo"]
    if section.saved:
        query = current_app.extensions["tracktwo.queries"].get(section.saved)
        param = next(p for p in query.params if p.type == "iri")
        result = query.run(repo, {param.name: f"<{iri}>"})
        result.link = f"/queries/{query.name}?" + urlencode({param.name: str(iri)})  # the same rows on the query page
    else:
        result = with_labels(repo, repo.query(section.text, {"r": iri}))
        result.variables = [v for v in result.variables if v != "r"]
    return result if result.rows else None


def citations(iri: URIRef) -> dict[str, str]:
    """The source formatted in each CSL style the project offers, by style label."""
    rows = current_app.extensions["tracktwo.repo"].select(SOURCE_FIELDS, {"s": iri})
    if not rows:
        return {}
    item = csl_item(rows[0])
    return {label: bibliography([item], style).get(item["id"], "") for style, label in STYLES.items()}
