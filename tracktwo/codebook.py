"""The codebook: every column of the data package, and every property of the ontology with its
definition, what it applies to and takes, its allowed values (the concepts of its range with their
definitions) and what the SHACL shapes require of it. Generated from the ontology and the shapes,
never hand-copied; `codebook()` gives the content once, `markdown()` writes codebook.md and the
web app's /codebook renders the same content as HTML.
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from . import dataset
from .namespaces import T2, qname

KINDS = {OWL.ObjectProperty: "links to a resource", OWL.DatatypeProperty: "holds a value",
         OWL.AnnotationProperty: "a text for people"}
TARGETS = {SH.targetClass: "every {}", SH.targetSubjectsOf: "whatever has {}", SH.targetObjectsOf: "whatever {} points to"}


def _one_line(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def label(graph: Graph, term) -> str:
    """What a person reads for a term: its label, else its short name."""
    if isinstance(term, BNode):
        members = [m for m in (graph.value(term, OWL.unionOf),) if m is not None]
        if members:
            return " or ".join(label(graph, m) for m in Collection(graph, members[0]))
        return "(an anonymous class)"
    found = graph.value(term, RDFS.label) or graph.value(term, SKOS.prefLabel)
    return _one_line(found) if found is not None else qname(term)


def _values(graph: Graph, range_) -> list[dict]:
    """The concepts a property takes: members of its range class (a t2:Track …), ordered as the scheme orders them."""
    if not isinstance(range_, URIRef):
        return []
    concepts = [c for c in graph.subjects(RDF.type, range_) if isinstance(c, URIRef)]
    key = (lambda c: (_one_line(graph.value(c, SKOS.inScheme)), _one_line(graph.value(c, SKOS.notation)).zfill(4), str(c)))
    return [{"iri": str(c), "name": qname(c), "label": label(graph, c),
             "definition": _one_line(graph.value(c, SKOS.definition))} for c in sorted(concepts, key=key)]


def _constraints(shapes: Graph, ontology: Graph, prop: URIRef) -> list[dict]:
    """What each shape says about the property: on what, how many, of which datatype or class, and its message."""
    out = []
    for node in shapes.subjects(SH.path, prop):
        shape = next(shapes.subjects(SH.property, node), None)
        if shape is None:  # a property shape inside sh:or / sh:not: a condition, not a rule of its own
            continue
        targets = [TARGETS[p].format(label(ontology, o))
                   for p in TARGETS for o in shapes.objects(shape, p)]
        rule = {"applies": ", ".join(sorted(targets)) or qname(shape),
                "min": _one_line(shapes.value(node, SH.minCount)), "max": _one_line(shapes.value(node, SH.maxCount)),
                "datatype": qname(shapes.value(node, SH.datatype)) if shapes.value(node, SH.datatype) else "",
                "class": label(ontology, shapes.value(node, SH["class"])) if shapes.value(node, SH["class"]) else "",
                "pattern": _one_line(shapes.value(node, SH.pattern)),
                "in": ", ".join(qname(v) for v in Collection(shapes, shapes.value(node, SH["in"])))
                      if shapes.value(node, SH["in"]) else "",
                "message": _one_line(shapes.value(node, SH.message))}
        out.append(rule)
    return sorted(out, key=lambda r: (r["applies"], r["message"]))


def properties(ontology: Graph, shapes: Graph) -> list[dict]:
    out = []
    for kind, kind_text in KINDS.items():
        for prop in ontology.subjects(RDF.type, kind):
            if not str(prop).startswith(str(T2)):
                continue
            ranges = [r for r in ontology.objects(prop, RDFS.range)]
            out.append({
                "iri": str(prop), "name": qname(prop), "label": label(ontology, prop), "kind": kind_text,
                "definition": _one_line(ontology.value(prop, SKOS.definition)),
                "domain": ", ".join(sorted(label(ontology, d) for d in ontology.objects(prop, RDFS.domain))),
                "range": ", ".join(sorted(label(ontology, r) for r in ranges)),  # a datatype reads as xsd:date
                "values": [v for r in ranges for v in _values(ontology, r)],
                "constraints": _constraints(shapes, ontology, prop),
            })
    return sorted(out, key=lambda p: p["name"].lower())


def codebook(tables: list, ontology: Graph, shapes: Graph) -> dict:
    return {"title": dataset.TITLE, "version": dataset.VERSION,
            "tables": [{"name": t.name, "title": t.title, "rows": len(t.rows), "fields": t.fields,
                        "primaryKey": t.primary_key, "foreignKeys": t.foreign_keys} for t in tables],
            "properties": properties(ontology, shapes)}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def rule_text(r: dict) -> str:
    """One shape's rule for a property, in words."""
    parts = [f"at least {r['min']}" if r["min"] else "", f"at most {r['max']}" if r["max"] else "",
             f"datatype {r['datatype']}" if r["datatype"] else "", f"a {r['class']}" if r["class"] else "",
             f"one of {r['in']}" if r["in"] else "", f"matching `{r['pattern']}`" if r["pattern"] else ""]
    said = "; ".join(p for p in parts if p)
    return f"on {r['applies']}: {said or 'checked'}" + (f" — “{r['message']}”" if r["message"] else "")


def markdown(book: dict) -> str:
    lines = [f"# Codebook: {book['title']}, version {book['version']}", "",
             "Generated with the tables by `tracktwo export --format datapackage` (and served at /codebook) from the "
             "ontology and its SHACL shapes. IRIs are in full; dates are ISO dates; an empty cell is no value.", "",
             "## Tables", ""]
    for t in book["tables"]:
        lines += [f"### {t['name']}.csv", "", f"{t['title']} ({t['rows']} rows).", ""]
        if t["primaryKey"]:
            lines += [f"Primary key: {', '.join(t['primaryKey'])}.", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{fd['name']}` | {fd['type']}{' (' + fd['format'] + ')' if 'format' in fd else ''} | "
                  f"{_cell(fd['description'])} |" for fd in t["fields"]]
        lines.append("")
    lines += ["## Properties of the ontology", ""]
    for p in book["properties"]:
        lines += [f"### {p['label']} (`{p['name']}`)", "", f"{p['definition']} *{p['kind'].capitalize()}.*", ""]
        if p["domain"]:
            lines.append(f"- On: {p['domain']}")
        if p["range"]:
            lines.append(f"- Value: {p['range']}")
        lines += [f"- Rule {rule_text(r)}" for r in p["constraints"]]
        if p["domain"] or p["range"] or p["constraints"]:
            lines.append("")
        if p["values"]:
            lines += ["| allowed value | label | definition |", "|---|---|---|"]
            lines += [f"| `{v['name']}` | {_cell(v['label'])} | {_cell(v['definition'])} |" for v in p["values"]]
            lines.append("")
    return "\n".join(lines)
