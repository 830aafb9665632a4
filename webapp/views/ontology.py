"""The ontology page: classes, properties and concept schemes with their definitions, rendered
from the ontology as built (so it can never drift from what the data is checked against)."""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, current_app, render_template

from tracktwo.namespaces import sparql_prologue

from ..cache import cached_page

bp = Blueprint("ontology", __name__)

CLASSES = sparql_prologue() + """
SELECT ?class ?label ?definition (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
       (GROUP_CONCAT(DISTINCT ?superLabel; separator=", ") AS ?superLabels) WHERE {
  ?class a owl:Class ; rdfs:label ?label .
  FILTER (STRSTARTS(STR(?class), STR(t2:)))
  OPTIONAL { ?class skos:definition|rdfs:comment ?definition }
  OPTIONAL { ?class rdfs:subClassOf ?super . FILTER (isIRI(?super) && ?super != ?class)
             OPTIONAL { ?super rdfs:label ?superLabel } }
} GROUP BY ?class ?label ?definition ORDER BY ?label"""

PROPERTIES = sparql_prologue() + """
SELECT ?property ?label ?kind ?definition ?domain ?domainLabel ?range ?rangeLabel WHERE {
  VALUES (?type ?kind) { (owl:ObjectProperty "links to a resource") (owl:DatatypeProperty "holds a value")
                         (owl:AnnotationProperty "annotation") }
  ?property a ?type ; rdfs:label ?label .
  FILTER (STRSTARTS(STR(?property), STR(t2:)))
  OPTIONAL { ?property skos:definition|rdfs:comment ?definition }
  OPTIONAL { ?property rdfs:domain ?domain . FILTER isIRI(?domain) OPTIONAL { ?domain rdfs:label ?domainLabel } }
  OPTIONAL { ?property rdfs:range ?range . FILTER isIRI(?range) OPTIONAL { ?range rdfs:label ?rangeLabel } }
} ORDER BY ?label"""

SCHEMES = sparql_prologue() + """
SELECT ?scheme ?schemeLabel ?concept ?label ?definition WHERE {
  ?scheme a skos:ConceptScheme ; skos:prefLabel|rdfs:label ?schemeLabel .
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
  OPTIONAL { ?concept skos:definition ?definition }
} ORDER BY ?schemeLabel ?label"""


@bp.get("/ontology")
@cached_page
def ontology():
    repo = current_app.extensions["tracktwo.repo"]
    properties = {}
    for row in repo.select(PROPERTIES):  # one row per property, domains and ranges gathered
        entry = properties.setdefault(row["property"], {**row, "domains": {}, "ranges": {}})
        if row.get("domain"):
            entry["domains"][row["domain"]] = row.get("domainLabel")
        if row.get("range"):
            entry["ranges"][row["range"]] = row.get("rangeLabel")
    schemes: OrderedDict = OrderedDict()
    for row in repo.select(SCHEMES):
        schemes.setdefault((row["scheme"], str(row["schemeLabel"])), []).append(row)
    return render_template("ontology.html", classes=repo.select(CLASSES), properties=list(properties.values()),
                           schemes=schemes)
