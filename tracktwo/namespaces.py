"""The project's namespaces and the prefixes used when printing IRIs."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

T2 = Namespace("https://w3id.org/tracktwo/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/tracktwo/ontology")
ID = "https://w3id.org/tracktwo/id/"
GRAPH = "https://w3id.org/tracktwo/graph/"
INFERRED_GRAPH = URIRef(GRAPH + "inferred")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
PROV = Namespace("http://www.w3.org/ns/prov#")

# Data prefixes: one per kind of resource (DESIGN.md, "Identifiers").
KINDS = [
    "case", "conflict", "process", "event", "accord", "bridge", "participation", "person",
    "organization", "state", "place", "source", "reading", "track", "role", "capacity",
    "mechanism", "scheme",
]
EXTRA = {"bridgetype": "bridge-type", "evidence": "evidence-grade", "outcome": "outcome",
         "region": "region", "eventtype": "event-type", "sourcetype": "source-type",
         "readingkind": "reading-kind", "accordstage": "accord-stage"}

PREFIXES = {
    "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), "owl": str(OWL), "skos": str(SKOS),
    "dcterms": str(DCTERMS), "geo": str(GEO), "prov": str(PROV), "t2": str(T2),
    **{k: ID + k + "/" for k in KINDS},
    **{k: ID + v + "/" for k, v in EXTRA.items()},
}


def bind_prefixes(graph):
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def sparql_prologue() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def qname(term) -> str:
    """A short, readable form of an IRI (t2:Case, event:oslo-signing) or the IRI itself."""
    text = str(term)
    best = None
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    if best is not None:
        local = text[len(PREFIXES[best]):]
        if local and "/" not in local and "#" not in local:
            return f"{best}:{local}"
    return f"<{text}>"
