"""The /sparql endpoint over a real server process, queried by real clients; and its safety."""

import json
import select
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from conftest import REPO
from servers import free_port, tracktwo_server
from SPARQLWrapper import CSV, JSON, XML, SPARQLWrapper

CASES = str(len(list((REPO / "cases").glob("*.ttl"))))  # one case per file
COUNT_CASES = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/tracktwo/ontology#Case> }"
TIMEOUT, CAP = 3, 50


@pytest.fixture(scope="module")
def server(built):
    with tracktwo_server(built.root, TRACKTWO_QUERY_TIMEOUT=TIMEOUT, TRACKTWO_RESULT_CAP=CAP) as url:
        yield url + "/sparql"


def http(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def get(server, query, **headers):
    return http(server + "?" + urllib.parse.urlencode({"query": query}), headers=headers)


@pytest.mark.parametrize("fmt", [JSON, XML, CSV])
def test_sparqlwrapper(server, fmt):
    client = SPARQLWrapper(server)
    client.setQuery(COUNT_CASES)
    client.setReturnFormat(fmt)
    converted = client.query().convert()
    if fmt == JSON:
        assert converted["results"]["bindings"][0]["n"]["value"] == CASES
    elif fmt == XML:
        assert converted.getElementsByTagName("literal")[0].firstChild.data == CASES
    else:
        assert converted.decode().splitlines() == ["n", CASES]


def test_rdflib_sparqlstore(server):
    graph = Graph(store=SPARQLStore(server, returnFormat="json"))
    [row] = list(graph.query(COUNT_CASES))
    assert int(row[0]) == int(CASES)


def test_plain_http_get_post_form_and_direct(server):
    for status, headers, body in (
        get(server, COUNT_CASES, Accept="application/sparql-results+json"),
        http(server, urllib.parse.urlencode({"query": COUNT_CASES}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}),
        http(server, COUNT_CASES.encode(), {"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+json"}),
    ):
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == CASES


def test_construct_by_content_negotiation(server):
    query = "CONSTRUCT { ?a <https://w3id.org/tracktwo/ontology#signedOn> ?d } WHERE { ?a <https://w3id.org/tracktwo/ontology#signedOn> ?d }"
    for media, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        status, headers, body = get(server, query, Accept=media)
        assert status == 200 and headers["Content-Type"].startswith(media)
        assert len(Graph().parse(data=body, format=fmt)) >= 8


def test_service_description_lists_the_graphs(server):
    status, headers, body = http(server, headers={"Accept": "text/turtle"})
    assert status == 200
    names = set(Graph().parse(data=body, format="turtle").objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#name")))
    assert URIRef("https://w3id.org/tracktwo/graph/cases/oslo-back-channel") in names
    assert URIRef("https://w3id.org/tracktwo/graph/inferred") in names


def test_dataset_parameters_choose_among_own_graphs(server):
    query = "SELECT (COUNT(?e) AS ?n) WHERE { ?e a <https://w3id.org/tracktwo/ontology#Event> }"
    url = server + "?" + urllib.parse.urlencode({"query": query, "default-graph-uri": "https://w3id.org/tracktwo/graph/cases/oslo-back-channel"})
    status, _, body = http(url, headers={"Accept": "text/csv"})
    assert status == 200 and body.decode().splitlines()[1] == "21"


# --- safety -----------------------------------------------------------------------------------

@pytest.fixture
def listener():
    """A socket that must receive no connection."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", free_port()))
    sock.listen(5)
    sock.setblocking(False)
    yield sock
    sock.close()


def connected(sock, wait=1.0):
    readable, _, _ = select.select([sock], [], [], wait)
    return bool(readable)


def test_service_is_refused_and_never_connects(server, listener):
    port = listener.getsockname()[1]
    status, _, body = get(server, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}")
    assert status == 403 and b"SERVICE" in body
    assert not connected(listener)


def test_from_a_remote_url_is_never_fetched(server, listener):
    port = listener.getsockname()[1]
    for query in (f"SELECT * FROM <http://127.0.0.1:{port}/x> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <http://127.0.0.1:{port}/x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        status, _, body = get(server, query, Accept="text/csv")
        assert status == 200 and len(body.decode().splitlines()) == 1  # the header: an unknown graph is empty
    url = server + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"http://127.0.0.1:{port}/y"})
    assert http(url)[0] == 200
    assert not connected(listener)


@pytest.mark.parametrize("update", ["INSERT DATA { <http://a/s> <http://a/p> <http://a/o> }",
                                    "DELETE WHERE { ?s ?p ?o }", "LOAD <http://127.0.0.1:9/data.ttl>", "DROP ALL"])
def test_updates_are_refused_and_change_nothing(server, update):
    before = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", Accept="text/csv")[2]
    attempts = [
        http(server, urllib.parse.urlencode({"update": update}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
        http(server, update.encode(), {"Content-Type": "application/sparql-update"}),
        get(server, update),
        http(server, urllib.parse.urlencode({"query": update}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    for status, _, body in attempts:
        assert status == 403 and b"read-only" in body
    assert get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", Accept="text/csv")[2] == before


def test_a_runaway_query_is_stopped_and_the_next_one_served(server):
    started = time.monotonic()
    status, _, body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    elapsed = time.monotonic() - started
    assert status == 503 and b"limit" in body
    assert elapsed < TIMEOUT + 1
    status, _, body = get(server, COUNT_CASES, Accept="text/csv")
    assert status == 200 and body.decode().splitlines()[1] == CASES


def test_a_huge_result_is_capped_and_says_so(server):
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p ?o }", Accept="text/csv")
    assert status == 200 and len(body.decode().strip().splitlines()) == CAP + 1
    assert "X-TrackTwo-Truncated" in headers


def test_a_ten_megabyte_body_is_refused(server):
    body = b"query=" + b"%20" * (10 * 1024 * 1024)
    status, _, message = http(server, body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and b"larger than" in message


def test_syntax_errors_and_bad_requests_are_4xx_with_a_message(server):
    assert get(server, "SELECT ?x WHERE { ?x")[0] == 400
    assert http(server, b"ASK {}", {"Content-Type": "text/plain"})[0] == 415
    status, _, body = get(server, "ASK {}", Accept="image/png")
    assert status == 406 and b"available" in body
