"""Query results in the SPARQL 1.1 result formats, by media type, through rdflib's serializers."""

from __future__ import annotations

from rdflib import Variable
from rdflib.query import Result as RdflibResult

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
# Short names for the `format` request parameter.
ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "csv": "text/csv", "tsv": "text/tab-separated-values", "ttl": "text/turtle", "turtle": "text/turtle",
           "nt": "application/n-triples", "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}


def media_types(kind: str) -> dict:
    return {"select": TABULAR, "ask": BOOLEAN, "graph": GRAPH}[kind]


def serialize(result: Result, media_type: str) -> bytes:
    if result.kind == "graph":
        return result.graph.serialize(format=GRAPH[media_type], encoding="utf-8")
    out = RdflibResult("ASK" if result.kind == "ask" else "SELECT")
    if result.kind == "ask":
        out.askAnswer = bool(result.boolean)
    else:
        out.vars = [Variable(v) for v in result.variables]
        out.bindings = [{Variable(k): v for k, v in row.items()} for row in result.rows]
    if media_type == "text/tab-separated-values":
        return _tsv(result)
    data = out.serialize(format=media_types(result.kind)[media_type], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _tsv(result: Result) -> bytes:
    """SPARQL 1.1 TSV: `?var` headers, terms in N-Triples syntax (rdflib has no TSV writer)."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        cells = [row[v].n3().replace("\t", "\\t") if v in row else "" for v in result.variables]
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")
