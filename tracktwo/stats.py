"""Counts of what the built dataset holds, and the statements that lack a citation."""

from __future__ import annotations

from .namespaces import qname, sparql_prologue
from .store import Repository

INSTANCES = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?class { t2:Case t2:Conflict t2:Initiative t2:OfficialProcess t2:Event t2:Participation
                  t2:Accord t2:Bridge t2:Person t2:Organization t2:State t2:Place t2:Source
                  t2:ValueClaim t2:TrackCrosser }
  ?x a ?class .
} GROUP BY ?class ORDER BY DESC(?n)
"""

UNCITED = """
SELECT DISTINCT ?x ?class WHERE {
  VALUES ?class { t2:Event t2:Participation t2:Accord t2:Bridge t2:Process }
  ?x a ?class .
  FILTER NOT EXISTS { ?x t2:citation/t2:source ?s }
} ORDER BY ?x
"""

NO_LOCATOR = """
SELECT ?case (COUNT(?c) AS ?n) WHERE {
  GRAPH ?g { ?x t2:citation ?c . FILTER NOT EXISTS { ?c t2:locator ?l } }
  BIND (STRAFTER(STR(?g), "/graph/") AS ?case)
} GROUP BY ?case ORDER BY ?case
"""

CASES = """
SELECT ?case ?label (COUNT(DISTINCT ?event) AS ?events) (COUNT(DISTINCT ?source) AS ?sources) WHERE {
  ?case a t2:Case ; rdfs:label ?label ; t2:coversProcess ?p .
  OPTIONAL { ?event t2:inProcess ?p }
  OPTIONAL { { ?case t2:keySource ?source } UNION { ?p t2:citation/t2:source ?source }
             UNION { ?e2 t2:inProcess ?p ; t2:citation/t2:source ?source } }
} GROUP BY ?case ?label ORDER BY ?label
"""


# External identifiers per kind: how many of that kind carry one (issue 18 asks for coverage)
IDENTIFIERS = """
SELECT ?kind ?identifier (COUNT(DISTINCT ?x) AS ?n) (COUNT(DISTINCT ?with) AS ?with_id) WHERE {
  VALUES (?kind ?identifier) { (t2:Accord t2:paxId) (t2:Accord t2:unPeacemakerUrl) (t2:Conflict t2:ucdpId)
                               (t2:Person t2:wikidata) (t2:Organization t2:wikidata) (t2:State t2:wikidata)
                               (t2:Place t2:wikidata) (t2:Conflict t2:wikidata) (t2:Accord t2:wikidata) }
  ?x a ?kind .
  OPTIONAL { ?x ?identifier ?id . BIND (?x AS ?with) }
} GROUP BY ?kind ?identifier ORDER BY ?kind ?identifier
"""


def collect(repo: Repository) -> dict:
    run = lambda q: repo.select(sparql_prologue() + q)
    return {
        "instances": [(qname(r["class"]), int(r["n"])) for r in run(INSTANCES)],
        "cases": [(str(r["label"]), int(r["events"]), int(r["sources"])) for r in run(CASES)],
        "uncited": [(qname(r["x"]), qname(r["class"])) for r in run(UNCITED)],
        "without_locator": [(str(r["case"]), int(r["n"])) for r in run(NO_LOCATOR)],
        "identifiers": [(qname(r["kind"]), qname(r["identifier"]), int(r["with_id"]), int(r["n"]))
                        for r in run(IDENTIFIERS)],
    }


def render(stats: dict) -> str:
    out = ["Instances per class:"]
    out += [f"  {name:<22} {n:>5}" for name, n in stats["instances"]]
    out += ["", "Cases (events, distinct sources cited):"]
    out += [f"  {label:<60} {e:>4} events {s:>4} sources" for label, e, s in stats["cases"]]
    out += ["", "Statements without a citation:"]
    out += [f"  {x} ({cls})" for x, cls in stats["uncited"]] or ["  none"]
    out += ["", "External identifiers (resources that carry one, of all of that kind):"]
    out += [f"  {kind:<16} {ident:<20} {w:>4} of {n:>4}" for kind, ident, w, n in stats["identifiers"]]
    out += ["", "Citations without a page or section locator, per file:"]
    out += [f"  {f:<40} {n:>4}" for f, n in stats["without_locator"]] or ["  none"]
    return "\n".join(out)
