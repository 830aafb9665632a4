"""What a valid case still lacks against the project's case standard (cases/README.md).

The standard is stated in the shapes, as sh:Warning results ("The case standard" in
ontology/shapes.ttl), so that any SHACL tool sees the same gaps; SHACL violations decide validity.
This module only counts the warnings per case file, by kind of resource: "12 events, 30
participations without a source locator". Gaps are things to fill, not errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph
from rdflib.term import Node

from .namespaces import T2

PREFIX = "standard: "
# what a count is of, by the class of the resource the warning is about (in this order)
KINDS = [(T2.Event, "events"), (T2.Participation, "participations"), (T2.Bridge, "bridges"), (T2.Accord, "accords")]


@dataclass
class Warning:
    file: str | None   # the file that states the resource
    focus: Node
    message: str       # the shape's message, "standard: …"


@dataclass
class Gap:
    file: str
    case: str
    message: str

    def __str__(self):
        return f"{self.file}: standard: {self.case}: {self.message}"


def gaps(warnings: list[Warning], case_graphs: dict[str, Graph]) -> list[Gap]:
    """The warnings about resources of the given case files, counted per file and message."""
    out = []
    for name, graph in sorted(case_graphs.items()):
        cases = sorted(graph.subjects(RDF.type, T2.Case))
        if not cases:
            continue
        label = str(graph.value(cases[0], RDFS.label) or cases[0])
        counts: dict[str, Counter] = {}
        for w in warnings:
            if w.file != name:
                continue
            message = w.message.removeprefix(PREFIX)
            if w.focus in cases:
                out.append(Gap(name, label, message))
                continue
            kind = next((k for cls, k in KINDS if (w.focus, RDF.type, cls) in graph), "resources")
            counts.setdefault(message, Counter())[kind] += 1
        for message, by_kind in counts.items():
            order = [k for _, k in KINDS] + ["resources"]
            shown = ", ".join(f"{by_kind[k]} {k}" for k in order if by_kind[k])
            out.append(Gap(name, label, f"{shown} {message}"))
    return out
