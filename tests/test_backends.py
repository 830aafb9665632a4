"""The embedded Oxigraph store and the rdflib reference give the same answers."""

from rdflib import URIRef

from tracktwo.build import dataset_path
from tracktwo.namespaces import sparql_prologue
from tracktwo.store import open_repository

QUERY = sparql_prologue() + """SELECT ?p ?event ?date WHERE { ?event t2:inProcess ?p ; t2:date ?date } ORDER BY ?date ?event"""


def test_same_rows_on_both_engines(built):
    ox = open_repository(dataset_path(built), "oxigraph")
    rl = open_repository(dataset_path(built), "rdflib")
    bindings = {"p": URIRef("https://w3id.org/tracktwo/id/process/oslo-back-channel")}
    assert ox.select(QUERY, bindings) == rl.select(QUERY, bindings)
    assert len(ox.select(QUERY, bindings)) >= 5
    assert ox.query(sparql_prologue() + "ASK { ?x a t2:Case }").boolean is True
