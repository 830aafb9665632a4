"""Query results in the SPARQL 1.1 result formats, by media type: the one set of writers that the
/sparql endpoint, the saved-query downloads and the command line share.

JSON, XML and CSV go through rdflib's serializers; TSV is written here (rdflib has none). XML 1.0
cannot carry some characters at all (NUL and most other C0 controls, even as character references),
so in XML results they are replaced by U+FFFD and the document stays well-formed.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, Variable
from rdflib.query import Result as RdflibResult

from .errors import TrackTwoError
from .store import Result

TABULAR = {  # media type -> rdflib result serializer
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
BOOLEAN = {k: v for k, v in TABULAR.items() if v in ("json", "xml")}
GRAPH = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
XML_MEDIA = {"application/sparql-results+xml", "application/rdf+xml"}
# Short names for the `format` request parameter and the command line's --format.
ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle", "turtle": "text/turtle",
           "nt": "application/n-triples", "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class UnwritableResult(TrackTwoError):
    """The result exists but cannot be written in the format asked for (e.g. RDF/XML needs every
    predicate IRI to split into an XML name)."""


def media_types(kind: str) -> dict:
    return {"select": TABULAR, "ask": BOOLEAN, "graph": GRAPH}[kind]


def media_type(name: str) -> str:
    """A short format name (json, csv, tsv, xml, ttl …) or a media type -> the media type."""
    return ALIASES.get(name.lower(), name)


def serialize(result: Result, media: str) -> bytes:
    """The result in the media type asked for; UnwritableResult if that format cannot carry it."""
    xml = media in XML_MEDIA
    if result.kind == "graph":
        graph = _xml_safe_graph(result.graph) if xml else result.graph
        try:
            return graph.serialize(format=GRAPH[media], encoding="utf-8")
        except Exception:  # noqa: BLE001 - rdflib's writers raise several kinds for unwritable terms
            raise UnwritableResult(f"this graph cannot be written as {media} (RDF/XML needs every predicate "
                                   "IRI to end in an XML name); ask for text/turtle, application/n-triples "
                                   "or application/ld+json") from None
    if result.kind == "select" and media == "text/tab-separated-values":
        return _tsv(result)
    out = RdflibResult("ASK" if result.kind == "ask" else "SELECT")
    if result.kind == "ask":
        out.askAnswer = bool(result.boolean)
    else:
        clean = _xml_safe if xml else (lambda term: term)
        out.vars = [Variable(v) for v in result.variables]
        out.bindings = [{Variable(k): clean(v) for k, v in row.items()} for row in result.rows]
    data = out.serialize(format=media_types(result.kind)[media], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _xml_safe(term):
    if isinstance(term, Literal) and _NOT_XML.search(str(term)):
        return Literal(_NOT_XML.sub("\ufffd", str(term)), lang=term.language,
                       datatype=None if term.language else term.datatype)
    return term


def _xml_safe_graph(graph: Graph) -> Graph:
    if not any(isinstance(o, Literal) and _NOT_XML.search(str(o)) for o in graph.objects()):
        return graph
    clean = Graph(namespace_manager=graph.namespace_manager)
    for s, p, o in graph:
        clean.add((s, p, _xml_safe(o)))
    return clean


def _tsv(result: Result) -> bytes:
    """SPARQL 1.1 TSV: `?var` headers, terms in N-Triples syntax (rdflib has no TSV writer)."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        cells = [row[v].n3().replace("\t", "\\t") if v in row else "" for v in result.variables]
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")
