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


def test_a_manifest_that_does_not_describe_the_data_is_not_believed(tmp_path):
    """The default graph is the union of the named graphs as a set: a triple in two graphs counts
    once, with no manifest beside the data and with a stale one (claiming no triple is in two
    graphs, for another number of quads)."""
    import json

    from tracktwo.store import open_repository
    data = tmp_path / "tracktwo.nq"
    data.write_text("<http://e/a> <http://e/p> <http://e/b> <http://e/g1> .\n"
                    "<http://e/a> <http://e/p> <http://e/b> <http://e/g2> .\n")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(open_repository(data).select(count)[0]["n"]) == 1
    (tmp_path / "manifest.json").write_text(json.dumps(
        {"union_is_set": True, "quads": 1, "graph_iris": ["http://e/g1", "http://e/g2"]}))
    assert int(open_repository(data).select(count)[0]["n"]) == 1
