"""Safe to expose: no outbound connection whatever the query says, engine errors kept to the log,
fair under runaway queries, security headers, one set of result writers.

The attack corpus is generated: SERVICE spelled in every case and with every letter escaped, hidden
behind string and comment tricks that two parsers once read differently, reached through prefixed
names, BASE-relative IRIs, nested groups and VALUES-bound variables. Every variant is sent through
every route that runs user SPARQL, on every backend, while a socket on loopback counts connections.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import xml.dom.minidom

import pytest
import pyoxigraph as ox
from rdflib import Literal
from conftest import REPO, app_on, run_cli
from servers import oxigraph_server, tracktwo_server

from tracktwo.build import dataset_path
from tracktwo.executor import Executor, StoreSpec
from tracktwo.results import serialize
from tracktwo.sparql import QueryRefused, read_query, unescape_codepoints
from tracktwo.store import QueryFailed, QuerySyntaxError, Result
from webapp import create_app
from webapp.security import HEADERS

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def run_raw(store: ox.Store, text: str) -> None:
    """Run a query on Oxigraph as it is, reading every answer; errors are fine here."""
    try:
        result = store.query(text)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass


class Listener:
    """A TCP socket on loopback that counts the connections made to it."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.count = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.count += 1
            conn.close()

    def settled(self) -> int:
        time.sleep(0.2)  # a connection in flight is counted before the number is read
        return self.count


@pytest.fixture(scope="module")
def listener():
    listening = Listener()
    yield listening
    listening.socket.close()


def u(ch: str) -> str:
    return f"\\u{ord(ch):04X}"


def big_u(ch: str) -> str:
    return f"\\U{ord(ch):08X}"


def attacks(port: int) -> list[str]:
    """At least 200 queries that would make an engine connect to the listener if they ran unchecked
    (or that try to): the test counts on none of them getting through any route."""
    url = f"http://127.0.0.1:{port}/x"
    body = "{ ?s ?p ?o }"
    keywords = ["SERVICE", "service", "Service", "sErViCe", "SERVICE SILENT", "service silent"]
    keywords += ["".join(u(c) if i == k else c for i, c in enumerate("SERVICE")) for k in range(7)]
    keywords += ["".join(big_u(c) if i == k else c for i, c in enumerate("SERVICE")) for k in range(7)]
    keywords += ["".join(u(c) for c in "service")]
    targets = [f"<{url}>", f"{u('<')}{url}{u('>')}", f"<http{u(':')}//127.0.0.1:{port}/x>",
               f"<{url.replace('1', big_u('1'))}>"]
    groups = [body, f"{u('{')} ?s ?p ?o {u('}')}"]
    out = []
    for keyword, target, group in itertools.product(keywords, targets[:2], groups[:1]):
        out.append(f"SELECT * WHERE {{ {keyword} {target} {group} }}")
    for target, group in itertools.product(targets, groups):
        out.append(f"SELECT * WHERE {{ SERVICE {target} {group} }}")
    s = f"SERVICE <{url}> {body}"
    # where it may hide: nested groups, optional, union, minus, exists, subquery, graph, ask, construct
    wrappers = [
        "SELECT * WHERE {{ {{ {{ {s} }} }} }}", "SELECT * WHERE {{ OPTIONAL {{ {s} }} }}",
        "SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ {s} }} }}", "SELECT * WHERE {{ ?a ?b ?c MINUS {{ {s} }} }}",
        "SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ {s} }} }}", "SELECT * WHERE {{ ?a ?b ?c FILTER NOT EXISTS {{ {s} }} }}",
        "SELECT * WHERE {{ {{ SELECT * WHERE {{ {s} }} }} }}", "SELECT * WHERE {{ GRAPH ?g {{ {s} }} }}",
        "ASK {{ {s} }}", "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {s} }}", "DESCRIBE ?s WHERE {{ {s} }}",
        "SELECT (COUNT(*) AS ?n) WHERE {{ {s} }} GROUP BY ?s", "SELECT * {{ {s} }}",
        "SELECT * WHERE {{ BIND(1 AS ?x) {s} }}", "SELECT * WHERE {{ VALUES ?x {{ 1 }} {s} }}",
    ]
    spellings = ["SERVICE", "service", "SERVICE SILENT", keywords[6], keywords[13]]  # (two escaped)
    out += [w.format(s=f"{k} <{url}> {body}") for w, k in itertools.product(wrappers, spellings)]
    # a variable bound to the endpoint: by VALUES (before, after, outside), by BIND
    out += [f"SELECT * WHERE {{ VALUES ?svc {{ <{url}> }} SERVICE ?svc {body} }}",
            f"SELECT * WHERE {{ SERVICE ?svc {body} VALUES ?svc {{ <{url}> }} }}",
            f"SELECT * WHERE {{ SERVICE ?svc {body} }} VALUES ?svc {{ <{url}> }}",
            f"SELECT * WHERE {{ BIND(<{url}> AS ?svc) SERVICE ?svc {body} }}",
            f"PREFIX x: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:x {body} }}",
            f"PREFIX x{u(':')} <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE x:x {body} }}",
            f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <x> {body} }}",
            f"BASE <http://127.0.0.1:{port}/> PREFIX : <> SELECT * WHERE {{ SERVICE :x {body} }}"]
    # strings and comments that one parser ends where another does not (the bypass that worked:
    # \u00000022 was a quote to rdflib and a NUL and "0022" to Oxigraph)
    quotes = ["\\u0022", "\\U00000022", "\\u00000022", "\\\\u0022", "\\u005Cu0022", "\\u005C\\u0022",
              "\\u005c\"", "\\\"", "\\u0027", "\\U00000027"]
    for quote in quotes:
        out.append(f'SELECT * WHERE {{ BIND("a{quote} AS ?q) }} #" AS ?x) {s} }}')
        out.append(f"SELECT * WHERE {{ BIND('a{quote} AS ?q) }} #' AS ?x) {s} }}")
        out.append(f'SELECT * WHERE {{ BIND("""a{quote}""" AS ?q) }} #""" AS ?x) {s} }}')
        out.append(f'SELECT * WHERE {{ ?s ?p "a{quote} . {s} #" }}')
    for end in ["\\u000A", "\\u000D", "\\U0000000A", "\r", "\u2028", "\x85", "\x0b", "\x0c", "\\u2028", "\x00"]:
        out.append(f"SELECT * WHERE {{ ?a ?b ?c # note{end} {s} \n }}")
        out.append(f"SELECT * WHERE {{ ?a ?b ?c # note{end} {s} }}")
    # updates that would fetch
    out += [f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <urn:g>", f"L{u('O')}AD <{url}>",
            f"INSERT {{ ?s ?p ?o }} WHERE {{ {s} }}", f"SELECT * WHERE {{ ?a ?b ?c }} ; LOAD <{url}>"]
    # datasets named by remote URLs: never fetched (a 200 over an empty graph is fine)
    out += [f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ GRAPH <{url}> {{ ?s ?p ?o }} }}", f"DESCRIBE <{url}>"]
    out = list(dict.fromkeys(out))  # (a few spellings coincide)
    assert len(out) >= 200
    return out


def test_the_corpus_holds_real_attacks(listener):
    """Run unchecked by Oxigraph itself, many of the variants connect: the corpus tests the hazard."""
    store = ox.Store()
    before = listener.count
    for text in attacks(listener.port):
        run_raw(store, text)
    assert listener.settled() - before >= 60  # (69 with pyoxigraph 0.5.13)


def test_the_check_and_oxigraph_read_the_same_query(listener):
    """Whatever read_query lets through, Oxigraph runs without connecting (no sandbox here: this is
    the check alone), and the first bypass found by an attacker is refused."""
    store = ox.Store()
    before, allowed = listener.count, 0
    for text in attacks(listener.port):
        try:
            checked = read_query(text).text
        except (QueryRefused, QuerySyntaxError):
            continue
        allowed += 1
        run_raw(store, checked)
    assert listener.settled() == before
    assert allowed >= 4  # the FROM / GRAPH / DESCRIBE queries, and SERVICE read inside strings and comments


def test_codepoint_escapes_are_applied_once_as_the_standard_says():
    assert unescape_codepoints('SELECT ("caf\\u00E9" AS ?x) {}') == 'SELECT ("café" AS ?x) {}'
    assert unescape_codepoints("\\U0001F600") == "\U0001F600"
    assert unescape_codepoints("\\u0022") == '"'  # a real quote, everywhere, as SPARQL 1.1 19.2 says
    for ambiguous in ["\\u005Cu0022", "\\u12", "\\U0022", "\\u00000022 \\uZZZZ", "\\\\u"]:
        with pytest.raises(QueryRefused, match="codepoint escape"):
            unescape_codepoints(ambiguous)
    for control in ["a\x00b", "\\u0000", "a\u2028b", "\\U00000085"]:
        with pytest.raises(QueryRefused, match="control character"):
            unescape_codepoints(control)
    with pytest.raises(QueryRefused, match="not a Unicode character"):
        unescape_codepoints("\\uD800")


# --- every route, every backend ------------------------------------------------------------------

@pytest.fixture(scope="module")
def remote_endpoint(built, tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-security")) as url:
        published = run_cli("--root", built.root, "publish", "--endpoint", url + "/store")
        assert published.returncode == 0, published.stderr
        yield url + "/query"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib", "sparql"])
def backend_app(request, built):
    config = {"TRACKTWO_DATASET": str(dataset_path(built)), "TESTING": True, "TRACKTWO_BACKEND": request.param,
              "TRACKTWO_QUERY_TIMEOUT": 20, "TRACKTWO_CLIENT_QUERIES": 8}
    if request.param == "sparql":
        config["TRACKTWO_ENDPOINT"] = request.getfixturevalue("remote_endpoint")
    app = create_app(config)
    yield request.param, app
    app.extensions["tracktwo"].executor.close()


def routes(client, text):
    yield "GET /sparql", client.get("/sparql", query_string={"query": text})
    yield "POST /sparql form", client.post("/sparql", data={"query": text})
    yield "POST /sparql direct", client.post("/sparql", data=text.encode("utf-8", "surrogatepass"),
                                             content_type="application/sparql-query")
    yield "GET /sparql-editor", client.get("/sparql-editor", query_string={"query": text})


def test_no_route_on_any_backend_connects_out(backend_app, listener):
    backend, app = backend_app
    client = app.test_client()
    before, statuses, culprits = listener.count, {}, []
    for text in attacks(listener.port):
        seen = listener.count
        for route, response in routes(client, text):
            statuses.setdefault(response.status_code, []).append(route)
            assert response.status_code < 500 or response.status_code == 503, (backend, route, text)
            body = response.get_data(as_text=True)
            if "editor" not in route:  # (the editor shows the query it was given)
                assert str(listener.port) not in body, (route, text, body[:300])
            assert "os error" not in body and "Refused" not in body and "Traceback" not in body, (route, text)
        if listener.count != seen:
            culprits.append(text)
    assert listener.settled() == before, f"{listener.count - before} connection(s) out on {backend}: {culprits}"
    assert len(statuses.get(403, [])) >= 4 * 140  # refused, not merely broken


def test_workers_cannot_connect_even_if_a_query_gets_past_the_check(built, listener):
    """The layer beneath the check: a SERVICE handed to a worker unchecked fails inside the worker,
    and the client's message names no host, port or exception."""
    executor = Executor(StoreSpec(str(dataset_path(built))), timeout=20)
    try:
        before = listener.count
        with pytest.raises(QueryFailed) as failure:
            executor.run(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}",
                         untrusted=False)
        assert executor.isolated
        assert listener.settled() == before
        message = str(failure.value)
        assert str(listener.port) not in message and "127.0.0.1" not in message and "Error" not in message
        assert "Permission denied" in failure.value.detail  # the sandbox's answer, for the log
    finally:
        executor.close()


SANDBOX_PROBE = """
import os, socket, sys
from tracktwo.sandbox import deny_network
if sys.argv[1] == "nobody":
    os.setgid(65534); os.setuid(65534)
deny_network(allow_unix=sys.argv[2] == "unix")
made = []
for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
    try:
        socket.socket(family, socket.SOCK_STREAM).close(); made.append(family.name)
    except PermissionError:
        pass
print(" ".join(made) or "none")
"""


@pytest.mark.parametrize("user", ["root", "nobody"])
def test_the_sandbox_refuses_network_sockets_with_or_without_privileges(user):
    if user == "nobody" and os.geteuid() != 0:
        pytest.skip("switching to an unprivileged user needs root; the current user is unprivileged already")
    for mode, expected in [("unix", "AF_UNIX"), ("none", "none")]:
        probe = subprocess.run([sys.executable, "-c", SANDBOX_PROBE, user, mode], capture_output=True, text=True,
                               cwd=REPO, timeout=60)
        assert probe.returncode == 0, probe.stderr
        assert probe.stdout.split() == [expected]


# --- fairness ------------------------------------------------------------------------------------

def _in_background(client, text, remote_addr):
    out = {}

    def go():
        out["response"] = client.get("/sparql", query_string={"query": text}, environ_base={"REMOTE_ADDR": remote_addr})
    thread = threading.Thread(target=go)
    thread.start()
    return thread, out


def _running(app, count, seconds=20):
    """Wait until `count` queries are running (so that the next request meets them)."""
    executor = app.extensions["tracktwo"].executor
    deadline = time.monotonic() + seconds
    while sum(executor._clients.values()) < count:
        assert time.monotonic() < deadline, "the background queries did not start"
        time.sleep(0.02)


@pytest.fixture
def fair_app(built):
    with app_on(built, TRACKTWO_QUERY_TIMEOUT=3, TRACKTWO_WORKERS=5, TRACKTWO_CLIENT_QUERIES=1,
                TRACKTWO_QUEUE_WAIT=0.5) as app:
        yield app


def test_one_client_cannot_hold_more_than_its_share(fair_app):
    client = fair_app.test_client()
    thread, _ = _in_background(client, RUNAWAY, "10.0.0.1")
    _running(fair_app, 1)
    second = client.get("/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    other = client.get("/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    thread.join()
    assert second.status_code == 429 and second.headers["Retry-After"] and "already running" in second.get_data(as_text=True)
    assert other.status_code == 200 and b"true" in other.get_data()


def test_four_runaway_queries_leave_a_worker_for_everyone_else(fair_app):
    client = fair_app.test_client()
    running = [_in_background(client, RUNAWAY, f"10.0.1.{n}") for n in range(4)]
    _running(fair_app, 4)
    trivial = client.get("/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.2.1"})
    page = client.get("/cases")
    for thread, _ in running:
        thread.join()
    assert trivial.status_code == 200 and page.status_code == 200
    assert all(out["response"].status_code == 503 and "limit" in out["response"].get_data(as_text=True)
               for _, out in running)


def test_a_query_that_finds_every_worker_busy_gets_503_with_retry_after(built):
    with app_on(built, TRACKTWO_QUERY_TIMEOUT=3, TRACKTWO_WORKERS=1, TRACKTWO_QUEUE_WAIT=0.3) as app:
        client = app.test_client()
        thread, _ = _in_background(client, RUNAWAY, "10.0.3.1")
        _running(app, 1)
        waited = client.get("/sparql", query_string={"query": "ASK {}"}, environ_base={"REMOTE_ADDR": "10.0.3.2"})
        thread.join()
        assert waited.status_code == 503 and waited.headers["Retry-After"]
        assert "busy" in waited.get_data(as_text=True)


def test_reading_a_huge_query_counts_against_the_time_limit(built):
    """rdflib's parser took 22 s over a 900 KB VALUES block; it now runs in the worker, inside the limit."""
    with app_on(built, TRACKTWO_QUERY_TIMEOUT=1) as app:
        values = " ".join(f'"{n}"' for n in range(120_000))
        response = app.test_client().post("/sparql", data=f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}",
                                          content_type="application/sparql-query")
        assert response.status_code == 503 and "limit" in response.get_data(as_text=True)


# --- headers, writers ----------------------------------------------------------------------------

def test_every_response_carries_the_security_headers_and_no_server_version(built):
    with tracktwo_server(built.root) as url:
        import urllib.error
        import urllib.request
        for path in ["/", "/cases", "/sparql", "/sparql?query=ASK%7B%7D", "/sparql?query=nonsense", "/no/such/page",
                     "/static/site.css", "/sparql-editor", "/id/case/oslo-back-channel"]:
            try:
                response = urllib.request.urlopen(url + path, timeout=30)
            except urllib.error.HTTPError as err:
                response = err
            for name, value in HEADERS.items():
                assert response.headers[name] == value, (path, name)
            assert "Server" not in response.headers, path
    assert "'unsafe-inline'" not in HEADERS["Content-Security-Policy"]


def test_xml_results_never_carry_characters_xml_forbids():
    result = Result("select", ["x", "y"], [{"x": Literal("a\x00b\x1fc"), "y": Literal("ok\u2603", lang="en")}])
    document = xml.dom.minidom.parseString(serialize(result, "application/sparql-results+xml"))
    literals = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert literals == ["a\ufffdb\ufffdc", "ok\u2603"]


def test_rdf_xml_that_cannot_be_written_is_a_406_not_a_500(backend_app):
    _, app = backend_app
    response = app.test_client().get("/sparql", headers={"Accept": "application/rdf+xml"}, query_string={
        "query": "CONSTRUCT { <http://example.org/a> <http://example.org/123> \"x\" } WHERE {}"})
    assert response.status_code == 406 and "text/turtle" in response.get_data(as_text=True)


def test_the_command_line_and_the_endpoint_write_the_same_results(built, backend_app):
    backend, app = backend_app
    if backend != "oxigraph":
        pytest.skip("one engine is enough to compare the writers")
    query = ("SELECT ?case ?b ?label WHERE { ?case a <https://w3id.org/tracktwo/ontology#Case> ; "
             "<http://www.w3.org/2000/01/rdf-schema#label> ?label . BIND(BNODE() AS ?b) } ORDER BY ?case LIMIT 3")
    client = app.test_client()
    for fmt, media in [("json", "application/sparql-results+json"), ("csv", "text/csv"),
                       ("tsv", "text/tab-separated-values")]:
        cli = run_cli("--root", built.root, "sparql", query, "--format", fmt)
        assert cli.returncode == 0, cli.stderr
        web = client.get("/sparql", query_string={"query": query}, headers={"Accept": media}).get_data(as_text=True)
        if fmt == "tsv":  # SPARQL 1.1 TSV: ?var headers, IRIs in <>, literals quoted
            header, first = cli.stdout.splitlines()[:2]
            assert header == "?case\t?b\t?label" and first.startswith("<https://w3id.org/tracktwo/id/case/")
            assert first.split("\t")[1].startswith("_:") and first.split("\t")[2].startswith('"')
        if fmt == "csv":
            assert cli.stdout.splitlines()[1].split(",")[1].startswith("_:")
        blank = (lambda text: [line.split("\t" if fmt == "tsv" else ",")[0] for line in text.splitlines()]) \
            if fmt != "json" else (lambda text: text.count('"type": "bnode"'))
        assert blank(cli.stdout) == blank(web)  # (blank node labels differ from run to run)


def test_the_command_line_prints_no_traceback_for_an_invalid_literal(built):
    for backend in ("oxigraph", "rdflib"):
        result = run_cli("--root", built.root, "sparql", "--backend", backend,
                         'SELECT ?d WHERE { BIND("1993-13-45"^^xsd:date AS ?d) }')
        assert result.returncode == 0 and "1993-13-45" in result.stdout
        assert "Traceback" not in result.stderr, result.stderr


def test_settings_are_checked_at_start_up_and_the_readme_lists_them_all():
    from webapp.settings import SettingsError, markdown_table
    for bad, message in [({"TRACKTWO_PAGE_SIZE": "0"}, "TRACKTWO_PAGE_SIZE must be a whole number from 1 to 100000, not '0'"),
                         ({"TRACKTWO_PAGE_SIZE": "²"}, "not '²'"), ({"TRACKTWO_BACKEND": "mysql"}, "one of auto, oxigraph, oxigraph-disk"),
                         ({"TRACKTWO_QUERY_TIMEOUT": "nan"}, "TRACKTWO_QUERY_TIMEOUT must be a number"),
                         ({"TRACKTWO_PAGESIZE": "5"}, "unknown setting TRACKTWO_PAGESIZE")]:
        with pytest.raises(SettingsError, match=message):
            create_app(bad)
    assert markdown_table() in (REPO / "README.md").read_text(encoding="utf-8")


def test_a_page_whose_section_finds_every_worker_busy_is_a_503_not_a_500(built):
    """An accord page shows the saved query upstream-of-accord, run in a worker; with the only
    worker held by a runaway query the page answers 503 with Retry-After (and is not cached)."""
    with app_on(built, TRACKTWO_QUERY_TIMEOUT=3, TRACKTWO_WORKERS=1, TRACKTWO_QUEUE_WAIT=0.3) as app:
        client = app.test_client()
        thread, _ = _in_background(client, RUNAWAY, "10.0.4.1")
        _running(app, 1)
        page = client.get("/id/accord/oslo-i-declaration-of-principles")
        thread.join()
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert client.get("/id/accord/oslo-i-declaration-of-principles").status_code == 200  # not cached
