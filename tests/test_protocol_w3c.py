"""The W3C SPARQL 1.1 Protocol tests, replayed against the app.

The manifest (HTTP-in-RDF) is read with rdflib; each test's ut:graphData is loaded as named
graphs into an app instance of its own; every ht:Request is replayed through Flask's test
client and the status class, result format and boolean are checked. The endpoint is read-only,
so each update test must get a 4xx refusal instead of its expected success.
"""

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from tracktwo.results import BOOLEAN, GRAPH, TABULAR
from webapp import create_app

# a copy of the suite is kept in the repository (W3C test-suite licences, see its LICENSE.md), so
# that the suite runs wherever the repository is cloned
SUITE = Path(__file__).resolve().parent / "conformance" / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"

MANIFEST = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri())
TESTS = list(MANIFEST.items(MANIFEST.value(next(MANIFEST.subjects(RDF.type, MF.Manifest)), MF.entries)))


def graph_data(test) -> tuple:
    return tuple(sorted((str(MANIFEST.value(node, RDFS.label)), str(MANIFEST.value(node, UT.graph)))
                        for node in MANIFEST.objects(test, UT.graphData)))


_apps = {}


def app_for(data: tuple, tmp_path_factory):
    """One app per distinct set of graphs (each app starts a query worker process)."""
    if data not in _apps:
        dataset = Dataset()
        for name, file in data:
            dataset.graph(URIRef(name)).parse(file.removeprefix("file://"), format="nt")
        path = tmp_path_factory.mktemp("protocol") / "data.nq"
        path.write_text(dataset.serialize(format="nquads") if data else "")
        _apps[data] = create_app({"TRACKTWO_DATASET": str(path), "TESTING": True}).test_client()
    return _apps[data]


def requests_of(test):
    action = MANIFEST.value(test, MF.action)
    return list(MANIFEST.items(MANIFEST.value(action, HT.requests)))


def replay(client, request):
    method = str(MANIFEST.value(request, HT.methodName))
    path = str(MANIFEST.value(request, HT.absolutePath))
    headers = {str(MANIFEST.value(h, HT.fieldName)): str(MANIFEST.value(h, HT.fieldValue))
               for h in MANIFEST.items(MANIFEST.value(request, HT.headers))}
    body = MANIFEST.value(request, HT.body)
    data = None
    if body is not None:
        encoding = str(MANIFEST.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(MANIFEST.value(body, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16"))
    content_type = headers.pop("content-type", None)
    return client.open(path, method=method, headers=headers, data=data, content_type=content_type)


def check(response, expected):
    statuses = {str(s).removeprefix(HTS) for s in MANIFEST.objects(expected, MF.expectedStatus)}
    assert f"{response.status_code // 100}xx" in statuses, (response.status_code, response.data[:200])
    fmt = MANIFEST.value(expected, MF.expectedFormat)
    media = response.mimetype
    if fmt is not None and str(fmt) == "boolean":
        assert media in BOOLEAN
    elif fmt is not None and str(fmt) == "tabular":
        assert media in TABULAR
    elif fmt is not None and str(fmt) == "RDF":
        assert media in GRAPH
        Graph().parse(data=response.data, format=GRAPH[media])
    boolean = MANIFEST.value(expected, MF.expectedBoolean)
    if boolean is not None:
        if media == "application/sparql-results+json":
            value = json.loads(response.data)["boolean"]
        else:
            element = ElementTree.fromstring(response.data).find("{http://www.w3.org/2005/sparql-results#}boolean")
            value = element.text.strip() == "true"
        assert value == boolean.toPython()


@pytest.mark.parametrize("test", TESTS, ids=lambda t: str(t).rsplit("#", 1)[-1])
def test_protocol(test, tmp_path_factory):
    client = app_for(graph_data(test), tmp_path_factory)
    steps = requests_of(test)
    if str(test).rsplit("#", 1)[-1].startswith("update_"):
        # Read-only: the update is refused, so the requests that check its effect do not apply.
        response = replay(client, steps[0])
        assert 400 <= response.status_code < 500 and b"read-only" in response.data
        return
    for step in steps:
        check(replay(client, step), MANIFEST.value(step, HT.resp))


def test_the_suite_has_34_tests():
    assert len(TESTS) == 34
