"""What a valid case still lacks against the project's case standard (cases/README.md).

SHACL decides whether a file is valid; this reports, per case, what the standard asks for beyond
validity: enough dated events and distinct sources, locators on citations, places for events,
capacities for participants, lessons. These are gaps to fill, not errors: validation still passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Graph

from .namespaces import T2, sparql_prologue

MIN_EVENTS = 6
MIN_SOURCES = 3


@dataclass
class Gap:
    file: str
    case: str
    message: str

    def __str__(self):
        return f"{self.file}: standard: {self.case}: {self.message}"


# Things in a case are reached from its processes; each query answers for every case at once.
IN_CASE = "?case t2:coversProcess ?p ."
COUNTS = {
    "events": ("SELECT ?case (COUNT(DISTINCT ?e) AS ?n) WHERE { " + IN_CASE +
               " OPTIONAL { ?e t2:inProcess ?p ; t2:date ?d } } GROUP BY ?case"),
    "sources": ("SELECT ?case (COUNT(DISTINCT ?s) AS ?n) WHERE { " + IN_CASE +
                " OPTIONAL { { ?p t2:citation/t2:source ?s } UNION { ?x t2:inProcess|t2:participationIn|t2:fromProcess|t2:producedBy ?p ;"
                " t2:citation/t2:source ?s } UNION { ?x t2:inProcess ?p . ?y t2:participationIn ?x ; t2:citation/t2:source ?s } } }"
                " GROUP BY ?case"),
    "lessons": "SELECT ?case (COUNT(?l) AS ?n) WHERE { ?case a t2:Case . OPTIONAL { ?case t2:lesson ?l } } GROUP BY ?case",
}
# (kind, how it hangs off a process, what it lacks, message)
LACKS = [
    ("events", "?x t2:inProcess ?p .", "FILTER NOT EXISTS { ?x t2:citation/t2:locator ?l }", "without a source locator"),
    ("participations", "{ ?x t2:participationIn ?p } UNION { ?e t2:inProcess ?p . ?x t2:participationIn ?e }",
     "FILTER NOT EXISTS { ?x t2:citation/t2:locator ?l }", "without a source locator"),
    ("bridges", "?x t2:fromProcess ?p .", "FILTER NOT EXISTS { ?x t2:citation/t2:locator ?l }", "without a source locator"),
    ("accords", "?x t2:producedBy ?p .", "FILTER NOT EXISTS { ?x t2:citation/t2:locator ?l }", "without a source locator"),
    ("events", "?x t2:inProcess ?p .", "FILTER NOT EXISTS { ?x t2:atPlace ?place }", "without a place"),
    ("participations", "{ ?x t2:participationIn ?p } UNION { ?e t2:inProcess ?p . ?x t2:participationIn ?e }",
     "FILTER NOT EXISTS { ?x t2:capacity ?c }", "without a capacity"),
]


def gaps(case_graphs: dict[str, Graph], shared: Graph) -> list[Gap]:
    """Gaps per case file; `case_graphs` maps a file name to its graph, `shared` holds the rest.
    Every query runs once over all the cases, grouped by case (not once per case)."""
    data = Graph()
    data += shared
    for graph in case_graphs.values():
        data += graph
    ask = lambda q: data.query(sparql_prologue() + q)
    files = {case: name for name, graph in case_graphs.items() for case in graph.subjects(RDF.type, T2.Case)}
    labels = {row.case: str(row.label) for row in ask("SELECT ?case ?label WHERE { ?case a t2:Case ; rdfs:label ?label }")
              if row.case in files}
    counts = {key: {row.case: int(row.n) for row in ask(q)} for key, q in COUNTS.items()}
    lacking: dict = {}  # case -> message -> ["4 events", …]
    for kind, pattern, lack, message in LACKS:
        q = f"SELECT ?case (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {IN_CASE} {pattern} {lack} }} GROUP BY ?case"
        for row in ask(q):
            if int(row.n):
                lacking.setdefault(row.case, {}).setdefault(message, []).append(f"{int(row.n)} {kind}")
    out = []
    for case, label in sorted(labels.items(), key=lambda kv: (files[kv[0]], kv[1])):
        name = files[case]
        events, sources = counts["events"].get(case, 0), counts["sources"].get(case, 0)
        if events < MIN_EVENTS:
            out.append(Gap(name, label, f"{events} dated event(s); the standard asks for at least {MIN_EVENTS}"))
        if sources < MIN_SOURCES:
            out.append(Gap(name, label, f"{sources} distinct source(s) cited; the standard asks for at least {MIN_SOURCES}"))
        if not counts["lessons"].get(case):
            out.append(Gap(name, label, "no lessons (t2:lesson)"))
        out += [Gap(name, label, f"{', '.join(n)} {message}") for message, n in lacking.get(case, {}).items()]
    return out
