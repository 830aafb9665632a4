"""Shortcut triples derived from the 0.2 model's n-ary nodes, so that simple questions stay simple.

Case files state a bridge's contributions (`t2:contribution [ t2:toAccord …; t2:evidenceGrade … ]`)
and an accord's signatures (`t2:signature [ t2:signer …; t2:onBehalfOf … ]`). The build adds the
direct links a reader of 0.1 would look for — `bridge t2:contributedTo accord` and `accord
t2:signatory actor` (every signer and every party signed for), and the nodes' classes
(t2:Contribution, t2:Signature) — into the inferred graph. They are
derived afresh on every build from the parsed data, like the date bounds.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph
from rdflib.namespace import RDF

from .namespaces import T2

# Bump when a rule changes, so a build whose inputs did not change is not skipped.
SHORTCUTS_VERSION = "1"


def derive_shortcuts(graphs: Iterable[Graph]) -> set[tuple]:
    graphs = list(graphs)
    out = set()
    to_accord = {c: a for g in graphs for c, a in g.subject_objects(T2.toAccord)}
    for g in graphs:
        for bridge, contribution in g.subject_objects(T2.contribution):
            out.add((contribution, RDF.type, T2.Contribution))
            if contribution in to_accord:
                out.add((bridge, T2.contributedTo, to_accord[contribution]))
    parties = {}
    for g in graphs:
        for p in (T2.signer, T2.onBehalfOf):
            for signature, actor in g.subject_objects(p):
                parties.setdefault(signature, set()).add(actor)
    for g in graphs:
        for accord, signature in g.subject_objects(T2.signature):
            out.add((signature, RDF.type, T2.Signature))
            for actor in parties.get(signature, ()):
                out.add((accord, T2.signatory, actor))
    return out
