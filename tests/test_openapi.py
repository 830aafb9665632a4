"""/openapi.json: the OpenAPI description generated from the saved queries' decorators, checked
against the .rq files read independently here and against the real routes it describes."""

from __future__ import annotations

import copy
import re
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO, app_on
from openapi_spec_validator import validate

import tracktwo
from tracktwo.namespaces import PREFIXES
from tracktwo.openapi import build_openapi
from tracktwo.queries import Registry
from webapp.views.downloads import FORMATS as DOWNLOADS

QUERY_FILES = sorted((REPO / "queries").glob("*.rq"))
REGISTRY = Registry(REPO / "queries")
TYPES = ("iri", "integer", "decimal", "date", "boolean", "string")
SCHEMA = {"iri": ("string", "iri"), "integer": ("integer", None), "decimal": ("number", None),
          "date": ("string", "date"), "boolean": ("boolean", None), "string": ("string", None)}
# what the query pages' `format` argument gives (webapp/views/queries.py and its download links)
QUERY_FORMATS = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json",
                 "xml": "application/sparql-results+xml"}
CONTROLS = {"format", "page"}  # the query pages' own arguments, beside the saved query's parameters
# a value for a required parameter the document gives no default or allowed values for
PLACEHOLDER = {"string": "oslo", "integer": 1990, "number": 1.5, "boolean": "true"}
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values", "text/turtle", "application/n-triples", "application/ld+json",
                "application/rdf+xml"}
# the time limit leaves the slowest saved query (track crossers, about 1 s alone) room on a loaded machine
MAX_BODY, TIMEOUT = 20000, 8
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CONSTRUCT = "CONSTRUCT WHERE { ?a <https://w3id.org/tracktwo/ontology#signedOn> ?d }"


def read_query_file(path: Path) -> dict:
    """What a saved-query file declares, read without tracktwo.queries: the `#+` decorator lines as
    YAML, and the parameters from the ?_name_type / ?__name_type variables outside comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    decorators = yaml.safe_load("\n".join(line[2:].removeprefix(" ") for line in lines if line.startswith("#+")))
    body = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    params = {}
    for underscores, rest in re.findall(r"\?(_{1,2})([A-Za-z][A-Za-z0-9_]*)", body):
        name, _, suffix = rest.rpartition("_")
        if not (name and suffix in TYPES):
            name, suffix = rest, "string"
        params.setdefault(name, {"type": suffix, "required": underscores == "_", "variable": "?" + underscores + rest})

    def merged(key):
        value = decorators.get(key) or {}
        return {k: v for item in value for k, v in item.items()} if isinstance(value, list) else value

    tags = decorators.get("tags") or []
    return {"summary": str(decorators["summary"]).strip(), "tags": tags if isinstance(tags, list) else [tags],
            "params": params, "defaults": merged("defaults"), "enumerate": merged("enumerate")}


def saved_query_operations(document: dict) -> dict[str, dict]:
    """The documented operations of the saved queries, by query name (each must appear once)."""
    found: dict[str, dict] = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            name = op.get("x-saved-query")
            if name is not None:
                assert name not in found, f"{name} is documented twice"
                assert (path, method) == (f"/queries/{name}", "get"), (path, method)
                found[name] = op
    return found


def check_operation(document: dict, path: Path) -> None:
    """The operation for one query file has exactly the file's parameters, typed, with its defaults,
    allowed values, summary and tags; raises AssertionError otherwise."""
    declared = read_query_file(path)
    op = saved_query_operations(document).get(path.stem)
    assert op is not None, f"no operation for {path.name}"
    assert op["operationId"] == "query_" + path.stem.replace("-", "_")
    assert op["summary"] == declared["summary"] and op["tags"] == declared["tags"]
    documented = {p["name"]: p for p in op["parameters"] if p["name"] not in CONTROLS}
    assert sorted(documented) == sorted(declared["params"]) == sorted(p.name for p in REGISTRY.get(path.stem).params)
    assert {p["name"] for p in op["parameters"]} - set(documented) == CONTROLS
    for name, want in declared["params"].items():
        p = documented[name]
        schema = p["schema"]
        assert p["in"] == "query" and p["x-sparql-variable"] == want["variable"]
        assert (schema["type"], schema.get("format")) == SCHEMA[want["type"]], name
        # a parameter the query needs but that has a default may be left out of the request
        assert p["required"] == (want["required"] and name not in declared["defaults"]), name
        if name in declared["enumerate"]:
            assert [str(v) for v in schema["enum"]] == [str(v) for v in declared["enumerate"][name]], name
        else:
            assert "enum" not in schema, name
        if name in declared["defaults"]:
            assert str(schema.get("default")) == str(declared["defaults"][name]), name
        else:
            assert "default" not in schema, name
        if want["type"] == "iri":
            assert "prefixed name" in p["description"]
            assert ("bare slug" in p["description"]) == (name in PREFIXES), name


def check_response(document: dict, path: str, method: str, response) -> None:
    """The response's status and media type are among those documented for the operation."""
    responses = document["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method.upper()} {path} answered {status}, which is not documented"
    content = responses[status].get("content", {})
    assert response.mimetype in content, f"{method.upper()} {path} {status}: {response.mimetype} is not documented"


def request_values(op: dict) -> dict:
    """Parameter values from the documented defaults and first allowed values (and a placeholder
    for a required parameter the document gives neither for)."""
    values = {}
    for p in op.get("parameters", []):
        schema = p["schema"]
        if p["name"] in CONTROLS:
            continue
        if "default" in schema:
            value = schema["default"]
        elif "enum" in schema:
            value = schema["enum"][0]
        elif p["required"]:
            value = PLACEHOLDER[schema["type"]]
        else:
            continue
        values[p["name"]] = str(value).lower() if isinstance(value, bool) else str(value)
    return values


@pytest.fixture(scope="module")
def app(built):
    with app_on(built, TRACKTWO_MAX_BODY=MAX_BODY, TRACKTWO_QUERY_TIMEOUT=TIMEOUT, TRACKTWO_CLIENT_QUERIES=1) as app:
        yield app


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def document(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_for_this_server_and_version(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == tracktwo.__version__
    assert document["servers"] == [{"url": "http://localhost"}]  # the test client's own base URL
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    validate(build_openapi(REGISTRY))  # without a server as well


def test_the_server_is_the_requests_base_url(client):
    document = client.get("/openapi.json", base_url="https://example.org/tracktwo/").get_json()
    assert document["servers"] == [{"url": "https://example.org/tracktwo"}]


def test_every_query_file_has_one_operation_with_exactly_its_parameters(document):
    assert REGISTRY.errors == [] and len(QUERY_FILES) >= 15
    assert sorted(saved_query_operations(document)) == [p.stem for p in QUERY_FILES]
    for path in QUERY_FILES:
        check_operation(document, path)


def test_enums_and_defaults_are_the_decorators_values(document):
    ops = saved_query_operations(document)
    role = {p["name"]: p for p in ops["actors-by-role"]["parameters"]}["role"]["schema"]
    assert role["default"] == "role:facilitator" and "role:mediator" in role["enum"] and len(role["enum"]) == 15
    level = {p["name"]: p for p in ops["readings"]["parameters"]}["level"]
    assert level["schema"]["enum"] == ["introductory", "intermediate", "advanced"] and not level["required"]
    decade = {p["name"]: p for p in ops["cases-by-track-region-decade"]["parameters"]}["decade"]
    assert decade["schema"] == {"type": "integer"} and not decade["required"]
    text = {p["name"]: p for p in ops["find-by-name"]["parameters"]}["text"]
    assert text["required"] and text["schema"] == {"type": "string"}
    case = {p["name"]: p for p in ops["case-timeline"]["parameters"]}["case"]
    assert not case["required"] and case["schema"]["default"] == "case:oslo-back-channel"


@pytest.mark.parametrize("tamper", ["drop a parameter", "add a parameter", "change an enum", "drop a default",
                                    "require an optional parameter", "retype a parameter", "drop an operation"])
def test_the_checks_catch_a_document_that_drifted_from_the_files(document, tamper):
    broken = copy.deepcopy(document)
    target = {"drop a parameter": "cases-by-track-region-decade", "add a parameter": "data-quality",
              "change an enum": "actors-by-role", "drop a default": "actors-by-role",
              "require an optional parameter": "readings", "retype a parameter": "cases-by-track-region-decade",
              "drop an operation": "meeting-places"}[tamper]
    op = broken["paths"][f"/queries/{target}"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    if tamper == "drop a parameter":
        op["parameters"].remove(params["region"])
    elif tamper == "add a parameter":
        op["parameters"].append({"name": "case", "in": "query", "schema": {"type": "string"}})
    elif tamper == "change an enum":
        params["role"]["schema"]["enum"].pop()
    elif tamper == "drop a default":
        del params["role"]["schema"]["default"]
    elif tamper == "require an optional parameter":
        params["level"]["required"] = True
    elif tamper == "retype a parameter":
        params["decade"]["schema"] = {"type": "string"}
    else:
        del broken["paths"][f"/queries/{target}"]
    with pytest.raises(AssertionError):
        check_operation(broken, REPO / "queries" / f"{target}.rq")


@pytest.mark.parametrize("name", [p.stem for p in QUERY_FILES])
def test_each_saved_query_answers_a_request_built_from_the_document(client, document, name):
    path = f"/queries/{name}"
    op = document["paths"][path]["get"]
    values = request_values(op)
    page = client.get(path, query_string=values)
    if "x-web-page" in op:  # a question whose web page is elsewhere (find-by-name: the site search)
        assert page.status_code == 303, page.get_data(as_text=True)[:500]
        check_response(document, path, "get", page)
        page = client.get(page.headers["Location"])
    else:
        check_response(document, path, "get", page)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    assert page.mimetype == "text/html"
    [fmt] = [p for p in op["parameters"] if p["name"] == "format"]
    assert set(fmt["schema"]["enum"]) == set(QUERY_FORMATS)
    for value in fmt["schema"]["enum"]:
        download = client.get(path, query_string={**values, "format": value})
        assert download.status_code == 200
        check_response(document, path, "get", download)
        assert download.mimetype == QUERY_FORMATS[value]
        assert download.headers["Content-Disposition"] == f'attachment; filename="{name}.{value}"'
    # the download links of the page are among the documented formats
    for link in re.findall(r'format=(\w+)"', page.get_data(as_text=True)):
        assert link in fmt["schema"]["enum"]


@pytest.mark.parametrize("path, args, status", [
    ("/queries/actors-by-role", {"role": "role:no-such-role"}, 400),              # outside the allowed values
    ("/queries/actors-by-role", {"role": "mediator"}, 200),                      # a bare slug for a kind
    ("/queries/actors-by-role", {"role": PREFIXES["role"] + "mediator"}, 200),   # the IRI in full
    ("/queries/actors-by-role", {"role": "role:mediator", "format": "ttl"}, 400),  # not a documented format
    ("/queries/cases-by-track-region-decade", {"decade": "the nineties"}, 400),  # not an integer
    ("/queries/find-by-name", {}, 400),                                         # required, no default
    ("/queries/readings", {"level": "expert", "format": "csv"}, 400),            # a bad value, even for a download
    ("/queries/data-quality", {"page": "999"}, 400),                            # past the last page
    ("/queries/find-by-name", {"text": "oslo", "format": "csv", "page": "0"}, 200),  # downloads ignore page
])
def test_saved_query_answers_to_other_values_are_documented(client, document, path, args, status):
    response = client.get(path, query_string=args)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    check_response(document, path, "get", response)


def test_sparql_documents_its_statuses_and_result_types(document):
    get, post = document["paths"]["/sparql"]["get"], document["paths"]["/sparql"]["post"]
    for op in (get, post):
        assert {"200", "400", "403", "406", "413", "429", "503"} <= set(op["responses"])
        assert "Retry-After" in op["responses"]["503"]["headers"]
        assert set(op["responses"]["200"]["content"]) == RESULT_TYPES
    assert "415" in post["responses"]
    assert {p["name"] for p in get["parameters"]} == {"query", "default-graph-uri", "named-graph-uri", "format"}
    assert set(post["requestBody"]["content"]) == {"application/x-www-form-urlencoded", "application/sparql-query"}


FORM = "application/x-www-form-urlencoded"
SPARQL_REQUESTS = [  # method, arguments, expected status, expected media type
    ("get", {"query_string": {"query": "ASK { ?s ?p ?o }"}}, 200, "application/sparql-results+json"),
    ("get", {}, 200, "text/turtle"),  # the service description
    ("get", {"headers": {"Accept": "text/turtle"}}, 200, "text/turtle"),
    # a browser's Accept header: sent to the editor
    ("get", {"headers": {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}}, 303,
     "text/html"),
    ("get", {"query_string": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "format": "tsv"}}, 200,
     "text/tab-separated-values"),
    ("get", {"query_string": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"}, "headers": {"Accept": "text/csv"}},
     200, "text/csv"),
    ("get", {"query_string": {"query": "ASK { ?s ?p ?o }", "format": "xml"}}, 200, "application/sparql-results+xml"),
    *[("get", {"query_string": {"query": CONSTRUCT}, "headers": {"Accept": media}}, 200, media)
      for media in ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")],
    ("get", {"query_string": {"query": CONSTRUCT, "default-graph-uri": "https://w3id.org/tracktwo/graph/inferred",
                              "format": "nt"}}, 200, "application/n-triples"),
    ("post", {"data": {"query": "ASK { ?s ?p ?o }"}}, 200, "application/sparql-results+json"),
    ("post", {"data": "ASK { ?s ?p ?o }", "content_type": "application/sparql-query"}, 200,
     "application/sparql-results+json"),
    ("get", {"query_string": {"query": "SELECT WHERE {"}}, 400, "text/plain"),
    ("get", {"query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 403, "text/plain"),
    ("get", {"query_string": {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}},
     403, "text/plain"),
    ("post", {"data": "DROP ALL", "content_type": "application/sparql-update"}, 403, "text/plain"),
    ("get", {"query_string": {"query": "ASK { ?s ?p ?o }"}, "headers": {"Accept": "image/png"}}, 406, "text/plain"),
    ("get", {"query_string": {"query": "ASK { ?s ?p ?o }", "format": "ttl"}}, 406, "text/plain"),
    ("post", {"data": {"query": "ASK { ?s ?p ?o } #" + "x" * MAX_BODY}}, 413, "text/plain"),
    ("post", {"data": "ASK { ?s ?p ?o } #" + "x" * MAX_BODY, "content_type": "application/sparql-query"}, 413,
     "text/plain"),
    ("post", {"data": "ASK { ?s ?p ?o }", "content_type": "text/plain"}, 415, "text/plain"),
    ("post", {"data": "ASK { ?s ?p ?o }", "content_type": "application/sparql-query; charset=latin-1"}, 415,
     "text/plain"),
    ("get", {"query_string": {"query": RUNAWAY}}, 503, "text/plain"),
]


@pytest.mark.parametrize("method, kwargs, status, media", SPARQL_REQUESTS,
                         ids=[f"{m}-{s}-{i}" for i, (m, _, s, _) in enumerate(SPARQL_REQUESTS)])
def test_sparql_answers_as_documented(client, document, method, kwargs, status, media):
    response = getattr(client, method)("/sparql", **kwargs)
    assert (response.status_code, response.mimetype) == (status, media), response.get_data(as_text=True)[:300]
    check_response(document, "/sparql", method, response)
    documented = document["paths"]["/sparql"][method]["responses"][str(status)].get("headers", {})
    # a header the document says is always sent is sent, and the endpoint's own headers are
    # documented: Retry-After on a 503, say, if the endpoint starts sending it
    for header, spec in documented.items():
        if spec.get("required"):
            assert header in response.headers, header
    for header in ("Retry-After", "X-TrackTwo-Truncated", "Access-Control-Allow-Origin", "Vary"):
        if header in response.headers:
            assert header in documented, f"{status} sends {header}, which is not documented"
    if "Retry-After" in documented:
        assert int(response.headers["Retry-After"]) >= 0


def test_a_second_query_from_a_busy_client_gets_the_documented_429(app, document):
    first = threading.Thread(target=lambda: app.test_client().get("/sparql", query_string={"query": RUNAWAY}))
    first.start()
    try:
        time.sleep(1)  # the runaway query holds this client's one query for TIMEOUT seconds
        response = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    finally:
        first.join()
    assert response.status_code == 429 and response.mimetype == "text/plain"
    check_response(document, "/sparql", "get", response)
    documented = document["paths"]["/sparql"]["get"]["responses"]["429"]["headers"]
    assert set(documented) == {"Retry-After", "Access-Control-Allow-Origin"}
    assert all(header in response.headers for header in documented)


def test_the_example_query_of_the_document_runs(client, document):
    [query] = [p for p in document["paths"]["/sparql"]["get"]["parameters"] if p["name"] == "query"]
    response = client.get("/sparql", query_string={"query": query["example"]}, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and len(response.get_data(as_text=True).splitlines()) == 6


def test_downloads_void_and_openapi_answer_as_documented(client, document):
    assert {p for p in document["paths"] if p.startswith("/downloads/")} == {f"/downloads/tracktwo.{ext}"
                                                                           for ext in DOWNLOADS}
    others = [p for p in document["paths"] if not p.startswith(("/queries/", "/sparql"))]
    assert {"/void", "/.well-known/void", "/openapi.json"} <= set(others)
    for path in others:
        response = client.get(path)
        assert response.status_code == 200, path
        check_response(document, path, "get", response)
        if path.startswith("/downloads/"):
            assert response.mimetype == DOWNLOADS[path.rsplit(".", 1)[1]][0]
            assert "attachment" in response.headers["Content-Disposition"]


def test_the_gallery_links_to_the_description(client):
    assert 'href="/openapi.json"' in client.get("/queries").get_data(as_text=True)
