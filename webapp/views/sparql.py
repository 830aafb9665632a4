"""The read-only SPARQL 1.1 Protocol endpoint at /sparql.

GET with `query=`, POST form-encoded, POST `application/sparql-query`; `default-graph-uri` /
`named-graph-uri` choose among the dataset's own graphs. Results by content negotiation (or a
`format` parameter). Every query is read, checked and run in a worker process with a time limit
(tracktwo.executor): updates and SERVICE are refused there before anything runs, results are
capped, and a client may run only a few queries at once.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from tracktwo.errors import TrackTwoError
from tracktwo.executor import TooManyQueries
from tracktwo.results import GRAPH, UnwritableResult, media_types, serialize
from tracktwo.sparql import QueryRefused
from tracktwo.store import QueryFailed, QueryTimeout

from .. import negotiation
from ..security import client_id, log_failure, log_refusal
from ..state import state

bp = Blueprint("sparql", __name__)

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
FORM = "application/x-www-form-urlencoded"


class ProtocolError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


RETRY_AFTER = "5"  # seconds: a busy or rate-limited client should come back soon, not hammer


def _error(status: int, message: str) -> Response:
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers["Access-Control-Allow-Origin"] = "*"
    if status in (429, 503):
        response.headers["Retry-After"] = RETRY_AFTER
    return response


def run_untrusted(text: str, defaults=None, named=None):
    """Run a query someone sent, in a worker: (result, None) or (None, (status, message))."""
    try:
        result = state().executor.run(text, None, defaults, named, request.base_url, client=client_id())
        return result, None
    except QueryFailed as err:
        log_failure(err)
        return None, (400, str(err))
    except TrackTwoError as err:  # refusals, limits, syntax errors: messages fit for anyone
        status = 403 if isinstance(err, QueryRefused) else 429 if isinstance(err, TooManyQueries) \
            else 503 if isinstance(err, QueryTimeout) else 400
        if status != 400:
            log_refusal(status, str(err))
        return None, (status, str(err))


def _media_type() -> tuple[str | None, str]:
    value = request.headers.get("Content-Type", "")
    media, _, params = value.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset":
            charset = val.strip().strip('"').lower()
    return (media.strip().lower() or None), charset


def _read_request() -> tuple[str | None, list[str] | None, list[str] | None]:
    """The query text and the protocol dataset, or a ProtocolError for a malformed request."""
    args = request.args
    if "update" in args or "using-graph-uri" in args or "using-named-graph-uri" in args:
        raise ProtocolError(403, "updates are refused: this endpoint is read-only")
    queries = args.getlist("query")
    defaults, named = args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    if request.method == "POST":
        media, charset = _media_type()
        if charset and charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"request bodies must be UTF-8, not {charset}")
        if media == FORM:
            form = request.form
            if "update" in form:
                raise ProtocolError(403, "updates are refused: this endpoint is read-only")
            queries += form.getlist("query")
            defaults += form.getlist("default-graph-uri")
            named += form.getlist("named-graph-uri")
        elif media == "application/sparql-query":
            try:
                queries.append(request.get_data().decode("utf-8"))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the request body is not valid UTF-8") from None
        elif media == "application/sparql-update":
            raise ProtocolError(403, "updates are refused: this endpoint is read-only")
        else:
            raise ProtocolError(415, "POST a query as application/x-www-form-urlencoded (query=…) "
                                     "or as application/sparql-query")
    if len(queries) > 1:
        raise ProtocolError(400, "give exactly one query parameter")
    if not queries:
        return None, None, None
    dataset_given = bool(defaults or named)
    return queries[0], (defaults if dataset_given else None), (named if dataset_given else None)


def _service_description() -> Response:
    endpoint = URIRef(request.base_url)
    graph = Graph()
    graph.bind("sd", SD)
    service = BNode()
    graph.add((service, RDF.type, URIRef(SD + "Service")))
    graph.add((service, URIRef(SD + "endpoint"), endpoint))
    graph.add((service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        graph.add((service, URIRef(SD + "resultFormat"), URIRef(FORMATS + name)))
    dataset = BNode()
    graph.add((service, URIRef(SD + "defaultDataset"), dataset))
    graph.add((dataset, RDF.type, URIRef(SD + "Dataset")))
    default = BNode()
    graph.add((dataset, URIRef(SD + "defaultGraph"), default))
    graph.add((default, RDF.type, URIRef(SD + "Graph")))
    graph.add((default, RDFS.comment, Literal("The union of the named graphs.")))
    for name in state().graphs:
        named = BNode()
        graph.add((dataset, URIRef(SD + "namedGraph"), named))
        graph.add((named, URIRef(SD + "name"), name))
    media = negotiation.choose(list(GRAPH), "text/turtle", None) or "text/turtle"
    response = Response(graph.serialize(format=GRAPH[media], encoding="utf-8"), mimetype=media)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def endpoint():
    try:
        text, defaults, named = _read_request()
    except ProtocolError as err:
        return _error(err.status, err.message)
    if text is None:
        # a person who opens /sparql in a browser wants somewhere to type a query, not Turtle; SPARQL
        # clients (which ask for RDF or send */*) still get the service description
        if request.method == "GET" and negotiation.choose(["text/html", *GRAPH], "text/turtle", None) == "text/html":
            return redirect(url_for(".editor"), 303)
        return _service_description()
    result, failure = run_untrusted(text, defaults, named)
    if failure:
        return _error(*failure)
    media = negotiation.choose(list(media_types(result.kind)))
    if media is None:
        return _error(406, "no result format matches the request; available: " + ", ".join(media_types(result.kind)))
    try:
        body = serialize(result, media)
    except UnwritableResult as err:
        return _error(406, str(err))
    response = Response(body, mimetype=media)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if result.truncated:
        cap = current_app.config["TRACKTWO_RESULT_CAP"]
        response.headers["X-TrackTwo-Truncated"] = f"results cut at {cap}"
    return response


def examples() -> dict[str, str]:
    """The editor's examples: the catalogue's example-*.rq page queries, by summary, as people
    would type them (the decorator lines left out)."""
    pages = state().catalogue.pages
    return {spec.summary: "\n".join(line for line in spec.text.splitlines() if not line.startswith("#+")).strip() + "\n"
            for name, spec in sorted(pages.items()) if name.startswith("example-")}


def error_place(text: str | None, error: str | None) -> dict | None:
    """The line (and column) an error message names, with that line's text, so the page can mark it."""
    found = re.search(r"\bline (\d+)(?:, column (\d+))?", error or "")
    if not found or not text:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    n = int(found.group(1))
    if not 1 <= n <= len(lines):
        return None
    return {"line": n, "column": int(found.group(2) or 0), "text": lines[n - 1], "before": lines[n - 2] if n > 1 else ""}


@bp.get("/sparql-editor")
def editor():
    """A query box with example queries, results in place, errors in place."""
    text = request.args.get("query")
    result, error = None, None
    status = 200
    if text:
        result, failure = run_untrusted(text)
        if failure:
            status, error = failure
        elif result.kind == "graph":
            result, status, error = None, 400, "this page shows tables: run CONSTRUCT and DESCRIBE through /sparql"
    shown = examples()
    page = render_template("editor.html", text=text or next(iter(shown.values())), result=result, error=error,
                           examples=shown, where=error_place(text, error))
    headers = {"Retry-After": RETRY_AFTER} if status in (429, 503) else {}
    return page, status, headers
