"""The case list: every case with its summary, conflict, outcome and dates."""

from flask import Blueprint, current_app, render_template

from tracktwo.namespaces import sparql_prologue

bp = Blueprint("cases", __name__)

CASES = sparql_prologue() + """
SELECT ?case ?label ?summary ?conflict (GROUP_CONCAT(DISTINCT ?outcome; separator=", ") AS ?outcomes)
       (MIN(?start) AS ?from) (COUNT(DISTINCT ?event) AS ?events) WHERE {
  ?case a t2:Case ; rdfs:label ?label ; t2:summary ?summary ; t2:aboutConflict ?c ; t2:coversProcess ?p .
  ?c rdfs:label ?conflict .
  OPTIONAL { ?case t2:outcome/skos:prefLabel ?outcome }
  OPTIONAL { ?p t2:startDate ?start }
  OPTIONAL { ?event t2:inProcess ?p }
} GROUP BY ?case ?label ?summary ?conflict ORDER BY ?from ?label
"""


@bp.get("/")
def index():
    rows = current_app.extensions["tracktwo.repo"].select(CASES)
    return render_template("index.html", cases=rows)
