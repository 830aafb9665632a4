"""Every resource IRI dereferences: an HTML page, or its description as Turtle, JSON-LD or N-Triples.

`/id/{kind}/{slug}` answers by content negotiation; `.ttl`, `.jsonld` and `.nt` suffixes pick a
format directly. The description is the resource's own triples (with the citations and value
claims hanging off it) plus the labels of what it links to.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from rdflib import URIRef

from tracktwo.citations import STYLES, bibliography, csl_item
from tracktwo.citations import SOURCES as SOURCE_FIELDS
from tracktwo import cite
from tracktwo.namespaces import bind_prefixes, qname

from .. import negotiation, runner
from ..cache import cached_page
from ..resolve import RDF_FORMATS, SUFFIXES, resource_iri, split
from ..schemaorg import json_ld
from ..state import state

bp = Blueprint("resources", __name__)


def description(iri: URIRef):
    graph = runner.result("resource-description", r=iri).graph
    return bind_prefixes(graph) if graph is not None else None


def negotiate(iri: URIRef, suffix: str | None):
    """A Response with the description when RDF was asked for, else None (show the page)."""
    if suffix:
        media = SUFFIXES.get(suffix)
        if media is None:
            abort(404)
    else:
        media = negotiation.choose(["text/html", *RDF_FORMATS], default="text/html", param=None)
        if media in (None, "text/html"):
            return None
    graph = description(iri)
    if graph is None or not len(graph):
        abort(404)
    return Response(graph.serialize(format=RDF_FORMATS[media][0], encoding="utf-8"), mimetype=media)


@bp.get("/id/<kind>/<slug>")
@cached_page
def resource(kind: str, slug: str):
    slug, suffix = split(slug)
    iri = resource_iri(kind, slug)
    negotiated = negotiate(iri, suffix)
    if negotiated is not None:
        return negotiated
    repo = state().repo
    outgoing = runner.rows("resource-outgoing", r=iri)
    incoming = runner.rows("resource-incoming", r=iri)
    if not outgoing and not incoming:
        abort(404)
    label = repo.labels().get(str(iri))
    return render_template("resource.html", iri=iri, kind=kind, label=label, outgoing=outgoing,
                           incoming=incoming, cited=runner.rows("resource-citations", r=iri),
                           sections=[(s, rows) for s in state().catalogue.sections.get(kind, [])
                                     if (rows := runner.section(s, iri, kind))],
                           citations=citations(iri) if kind == "source" else {},
                           json_ld=(data := json_ld(iri, kind)), description=(data or {}).get("description"),
                           citation=cite.text(str(label) if label else qname(iri), str(iri)))


def citations(iri: URIRef) -> dict[str, str]:
    """The source formatted in each CSL style the project offers, by style label."""
    rows = state().repo.select(SOURCE_FIELDS, {"s": iri})
    if not rows:
        return {}
    item = csl_item(rows[0])
    return {label: bibliography([item], style).get(item["id"], "") for style, label in STYLES.items()}
