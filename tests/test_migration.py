"""The 0.1 → 0.2 migration (a SPARQL Update in docs/migrations) does what its header says, on a
0.1 fixture whose 0.2 form was written by hand."""

from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, RdfFormat, Store
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic, graph_diff

ROOT = Path(__file__).resolve().parents[1]
UPDATE = (ROOT / "docs" / "migrations" / "0.1-to-0.2.ru").read_text()
FIXTURES = Path(__file__).parent / "fixtures" / "migration"


def expected() -> Graph:
    return Graph().parse(FIXTURES / "case-0.2.ttl")


def test_rdflib_migrates_the_fixture():
    g = Graph().parse(FIXTURES / "case-0.1.ttl")
    g.update(UPDATE)
    if not isomorphic(g, expected()):
        _, only_got, only_wanted = graph_diff(to_isomorphic(g), to_isomorphic(expected()))
        pytest.fail(f"only in the result: {sorted(only_got)}\nonly expected: {sorted(only_wanted)}")


def test_oxigraph_migrates_the_fixture_the_same_way():
    store = Store()
    store.load(path=str(FIXTURES / "case-0.1.ttl"), format=RdfFormat.TURTLE)
    store.update(UPDATE)
    g = Graph().parse(data=store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()), format="nt")
    assert isomorphic(g, expected())
