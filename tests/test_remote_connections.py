"""The remote backend keeps its connections open: counted by a relay in front of a real Oxigraph
server. A connection the server has closed is replaced without failing the query; a server that
does not answer is still a timeout. A bound query's text is read once, not once for each value."""

from __future__ import annotations

import threading
import time

import pytest
import rdflib.plugins.sparql.parser as sparql_parser
from proxy import CountingProxy
from rdflib import URIRef
from servers import oxigraph_server

from tracktwo.namespaces import GRAPH
from tracktwo.publish import publish
from tracktwo.store import QueryFailed, QueryTimeout, SparqlRepository

CASE = "https://w3id.org/tracktwo/ontology#Case"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oxigraph-connections")
    data = folder / "tiny.nq"
    data.write_text(f"<https://w3id.org/tracktwo/id/case/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CASE}> <{GRAPH}cases/a> .\n")
    with oxigraph_server(folder / "store") as url:
        publish(data, url + "/store")
        yield url


@pytest.fixture
def proxy(server):
    relay = CountingProxy(int(server.rsplit(":", 1)[1]))
    yield relay
    relay.close()


def ask(repo) -> bool:
    return repo.query(f"ASK {{ ?c a <{CASE}> }}").boolean


def test_one_connection_serves_every_query_of_a_thread(proxy):
    repo = SparqlRepository(f"http://127.0.0.1:{proxy.port}/query")
    assert all(ask(repo) for _ in range(20))
    assert [str(g) for g in repo.graph_names()] == [f"{GRAPH}cases/a"]
    assert proxy.accepted == 1


def test_each_thread_keeps_its_own(proxy):
    repo = SparqlRepository(f"http://127.0.0.1:{proxy.port}/query")
    ask(repo)
    answers = []
    threads = [threading.Thread(target=lambda: answers.extend(ask(repo) for _ in range(10))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [True] * 30 and proxy.accepted == 4


def test_a_connection_the_server_closed_is_replaced(proxy):
    repo = SparqlRepository(f"http://127.0.0.1:{proxy.port}/query")
    assert ask(repo)
    proxy.drop_connections()
    time.sleep(0.1)
    assert ask(repo)
    assert proxy.accepted == 2


def test_a_server_that_does_not_answer_is_a_timeout(proxy):
    proxy.silent = True
    repo = SparqlRepository(f"http://127.0.0.1:{proxy.port}/query", timeout=1)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="did not answer within 1 s"):
        repo.query("ASK {}", default_graphs=[])
    assert time.monotonic() - started < 5


def test_a_refusal_is_reported_with_the_servers_words(server):
    repo = SparqlRepository(server + "/query")
    with pytest.raises(QueryFailed, match="refused the query") as failure:
        repo.query("SELECT ?x WHERE { BIND (1 AS ?x) BIND (2 AS ?x) }", default_graphs=[])  # (?x bound twice)
    assert "HTTP 400" in failure.value.detail


def test_a_bound_query_is_read_once_whatever_its_values(server, monkeypatch):
    """The backend sends a bound query with its values written in; the text it reads (with rdflib,
    to know what kind of answer comes back) is the query as written, once. It used to read the text
    with the values in, new for every case: 200-400 ms of a case page's every section."""
    reads = []
    real = sparql_parser.parseQuery
    monkeypatch.setattr(sparql_parser, "parseQuery", lambda text: reads.append(text) or real(text))
    repo = SparqlRepository(server + "/query")
    text = f"SELECT ?c WHERE {{ ?c a <{CASE}> }}  # read once"
    answers = [repo.query(text, {"c": URIRef(f"https://w3id.org/tracktwo/id/case/{slug}")}).rows for slug in "abc"]
    assert answers == [[{"c": URIRef("https://w3id.org/tracktwo/id/case/a")}], [], []]
    assert reads == [text]
