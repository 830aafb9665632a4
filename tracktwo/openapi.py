"""An OpenAPI 3.0 description of the HTTP API, generated from the saved queries' decorators.

As grlc does: one operation per saved query (``GET /queries/{name}``), its parameters typed from
the ``?_name_type`` / ``?__name_type`` variables, with the defaults, allowed values (``enumerate``),
summary, description and tags of its ``#+`` decorators; plus the SPARQL 1.1 Protocol endpoint
``/sparql``, the whole-dataset downloads and the VoID description. A pure function of the
registry: the web app serves it at ``/openapi.json`` with the request's own base URL as the server.
"""

from __future__ import annotations

import copy
import math
import re

from . import __version__
from .namespaces import PREFIXES
from .queries import Catalogue, Param, QuerySpec
from .results import ALIASES, GRAPH, TABULAR

OPENAPI_VERSION = "3.0.3"

# Decorator type -> OpenAPI schema (grlc's mapping, with the formats the code checks).
SCHEMAS = {
    "iri": {"type": "string", "format": "iri"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
}
TYPE_TEXT = {
    "iri": "An IRI: written in full (https://w3id.org/tracktwo/id/…, optionally in <angle brackets>) or as "
           "a prefixed name with one of the project's prefixes (case:oslo-back-channel, role:mediator)",
    "integer": "A whole number",
    "decimal": "A decimal number",
    "date": "A date, YYYY-MM-DD",
    "boolean": "true or false",
    "string": "Text",
}
# /queries/{name}?format=… : the result formats a saved query downloads in (webapp/views/queries.py
# accepts exactly the aliases of the tabular SPARQL result formats)
QUERY_FORMATS = {alias: media for alias, media in ALIASES.items() if media in TABULAR}
# /downloads/tracktwo.{ext} (webapp/views/downloads.py)
DOWNLOADS = {
    "nq": ("application/n-quads", "N-Quads", "the built dataset as it is: asserted and inferred triples in named graphs"),
    "ttl": ("text/turtle", "Turtle", "the union of the named graphs as one graph"),
    "jsonld": ("application/ld+json", "JSON-LD", "the union of the named graphs as one graph"),
}
SPARQL_RESULTS_JSON = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON: `head` and `results.bindings` (SELECT) or `boolean` (ASK)",
    "properties": {"head": {"type": "object"}, "results": {"type": "object"}, "boolean": {"type": "boolean"}},
}
TEXT = {"type": "string"}


def operation_id(name: str) -> str:
    """A stable identifier for a saved query's operation: queries/case-timeline.rq -> query_case_timeline."""
    return "query_" + re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")


def _typed(param: Param, text: str):
    """A decorator value (kept as text by the registry) as the JSON value its schema describes."""
    if param.type == "integer":
        return int(text)
    if param.type == "decimal":
        number = float(text)
        if not math.isfinite(number):  # the registry lets "nan" and "inf" through; JSON has no such number
            return text
        return int(number) if number.is_integer() else number
    if param.type == "boolean":
        return text.strip().lower() == "true"
    return text


def _default(param: Param):
    """The default as written, or as the allowed value naming the same term (so that it is in `enum`)."""
    if param.default is None:
        return None
    if param.allowed:
        term = param.convert(param.default)
        for value in param.allowed:
            if param.convert(value) == term:
                return _typed(param, value)
    return _typed(param, param.default)


def _parameter(param: Param) -> dict:
    schema = dict(SCHEMAS[param.type])
    words = [TYPE_TEXT[param.type]]
    if param.type == "iri" and param.name in PREFIXES:
        words[0] += f", or a bare slug, read as {PREFIXES[param.name]}<slug>"
    words[0] += "."
    if param.allowed is not None:
        schema["enum"] = [_typed(param, v) for v in param.allowed]
        if param.type == "iri":
            words.append("The allowed values are listed as prefixed names; the same IRIs written any other "
                         "accepted way are allowed too.")
    default = _default(param)
    if default is not None:
        schema["default"] = default
    if param.required and param.default is None:
        words.append("Required.")
    elif param.required:
        words.append(f"The query needs it: when it is omitted or empty, the default ({param.default}) is used.")
    else:
        words.append("Optional: when it is omitted or empty, the query runs without it.")
    words.append("A value of the wrong type" + (" or outside the allowed values" if param.allowed is not None else "")
                 + " is a 400 naming the parameter.")
    return {
        "name": param.name,
        "in": "query",
        "required": param.required and param.default is None,
        "description": " ".join(words),
        "schema": schema,
        "x-sparql-variable": "?" + param.variable,
    }


def _saved_query_operation(q: QuerySpec, operation: str) -> dict:
    names = {p.name for p in q.params}
    parameters = [_parameter(p) for p in q.params]
    if "format" not in names:
        parameters.append({
            "name": "format", "in": "query", "required": False,
            "description": "Download every row in this format instead of the HTML page (as the page's "
                           "download links do): "
                           + ", ".join(f"{alias} ({media})" for alias, media in QUERY_FORMATS.items())
                           + ". The result columns are the query's projection with a `<column>Label` column "
                             "after each IRI column; the parameters' own columns are left out.",
            "schema": {"type": "string", "enum": list(QUERY_FORMATS)},
        })
    if "page" not in names:
        parameters.append({
            "name": "page", "in": "query", "required": False,
            "description": "The page of the HTML results (a page holds TRACKTWO_PAGE_SIZE rows, 500 unless "
                           "configured); a number past the last page is a 400. Downloads have every row.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        })
    content = {"text/html": {"schema": TEXT}}
    for media in QUERY_FORMATS.values():
        content[media] = {"schema": SPARQL_RESULTS_JSON if media == "application/sparql-results+json" else TEXT}
    return {
        "operationId": operation,
        "summary": q.summary,
        "description": q.description or q.summary,
        "tags": list(q.tags),
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "The results: an HTML page with the parameter form, a table (one page of "
                               "rows) and download links; or, with `format`, every row as a download "
                               "(SPARQL 1.1 JSON, XML, CSV or TSV results).",
                "headers": {"Content-Disposition": {
                    "description": f'On downloads only: attachment; filename="{q.name}.<format>"',
                    "schema": TEXT}},
                "content": content,
            },
            **({"303": {
                "description": f"Without `format`, the question's web page: {q.web} with the parameters filled "
                               "in (the Location header); `format` downloads the query's own answer.",
                "headers": {"Location": {"description": "The web page", "schema": TEXT}},
                "content": {"text/html": {"schema": TEXT}},
            }} if q.web else {}),
            "400": {
                "description": "A missing required parameter, a value of the wrong type or outside the allowed "
                               "values (the message names the parameter), a `format` other than "
                               + ", ".join(QUERY_FORMATS) + ", or a page number out of range: an HTML page "
                               "saying what is wrong.",
                "content": {"text/html": {"schema": TEXT}},
            },
        },
        **({"x-web-page": q.web} if q.web else {}),
        "x-saved-query": q.name,
        "x-view": q.view,
        "x-sparql-query": q.text,
    }


def _sparql_paths() -> dict:
    formats = list(ALIASES) + [m for m in list(TABULAR) + list(GRAPH) if m not in ALIASES]
    graph_list = {"type": "array", "items": {"type": "string", "format": "iri"}}
    protocol_dataset = [
        {"name": "default-graph-uri", "in": "query", "required": False, "style": "form", "explode": True,
         "description": "A graph of the dataset to take as the default graph (repeatable); with none, the "
                        "default graph is the union of the named graphs. A graph the dataset does not have "
                        "is empty and is never fetched.",
         "schema": graph_list},
        {"name": "named-graph-uri", "in": "query", "required": False, "style": "form", "explode": True,
         "description": "A graph of the dataset to make available as a named graph (repeatable).",
         "schema": graph_list},
    ]
    format_param = {
        "name": "format", "in": "query", "required": False,
        "description": "The result format, instead of the Accept header: a short name "
                       + ", ".join(f"{a} ({m})" for a, m in ALIASES.items())
                       + " or the media type itself. One that does not suit the query form is a 406.",
        "schema": {"type": "string", "enum": formats},
    }
    content = {media: {"schema": SPARQL_RESULTS_JSON if media == "application/sparql-results+json" else TEXT}
               for media in list(TABULAR) + list(GRAPH)}
    cors = {"Access-Control-Allow-Origin": {"description": "*", "required": True, "schema": TEXT}}
    retry_after = {"description": "Seconds to wait before trying again", "required": True,
                   "schema": {"type": "integer", "minimum": 0}}

    def error(text: str, headers: dict | None = None) -> dict:
        out = {"description": text, "content": {"text/plain": {"schema": TEXT}}}
        if headers:
            out["headers"] = headers
        return out

    responses = {
        "200": {
            "description": "The answer, in the format chosen by `format` or the Accept header: SPARQL JSON "
                           "(the default), XML, CSV or TSV results for SELECT and ASK (ASK: JSON or XML); "
                           "Turtle (the default), N-Triples, JSON-LD or RDF/XML for CONSTRUCT and DESCRIBE. "
                           "Without a query, the service description (Turtle unless another RDF format is "
                           "asked for), listing the dataset's graphs.",
            "headers": {**cors,
                        "Vary": {"description": "Accept (on query answers)", "schema": TEXT},
                        "X-TrackTwo-Truncated": {
                            "description": "Present when the answer was cut at the result cap "
                                           "(TRACKTWO_RESULT_CAP rows or triples): `results cut at N`",
                            "schema": TEXT}},
            "content": content,
        },
        "400": error("A SPARQL syntax error (or another query error), more than one `query`, or a body that is "
                     "not UTF-8.", cors),
        "403": error("Refused before anything runs: the endpoint is read-only, so an update (`update`, "
                     "`using-graph-uri`, `using-named-graph-uri`, application/sparql-update, or an update such "
                     "as LOAD sent as a query) and a query with SERVICE are refused.", cors),
        "406": error("No result format both suits the query form and matches the Accept header or `format` "
                     "(the message lists the available ones), or the answer cannot be written in the one "
                     "chosen (RDF/XML needs every predicate IRI to end in an XML name).",
                     {**cors, "Vary": {"description": "Accept: the answer depended on it", "schema": TEXT}}),
        "413": error("The request body is larger than TRACKTWO_MAX_BODY bytes (1 MiB unless configured)."),
        "429": error("This client already has as many queries running as one client may "
                     "(TRACKTWO_CLIENT_QUERIES, 2 unless configured): try again after Retry-After seconds.",
                     {**cors, "Retry-After": retry_after}),
        "503": error("The query ran past the time limit (TRACKTWO_QUERY_TIMEOUT seconds, 10 unless configured) "
                     "and was stopped, or every query worker stayed busy for TRACKTWO_QUEUE_WAIT seconds: "
                     "try again after Retry-After seconds, or with a cheaper query.",
                     {**cors, "Retry-After": retry_after}),
    }
    get = {
        "operationId": "sparql_get",
        "tags": ["sparql"],
        "summary": "Run a read-only SPARQL 1.1 query (GET), or read the service description",
        "description": "The SPARQL 1.1 Protocol: `query` in the query string. The result format is negotiated "
                       "from the Accept header, or chosen with `format`. Without `query`, the SPARQL service "
                       "description. Each query runs in a worker process with a time limit; answers are capped.",
        "parameters": [
            {"name": "query", "in": "query", "required": False,
             "description": "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE). The project's prefixes "
                            "are not predeclared: declare the ones the query uses.",
             "schema": {"type": "string"},
             "example": "SELECT ?case WHERE { ?case a <https://w3id.org/tracktwo/ontology#Case> } LIMIT 5"},
            *protocol_dataset, format_param,
        ],
        "responses": {**responses,
                      "303": {"description": "Without `query`, a browser (an Accept header that prefers "
                                             "text/html to RDF) is sent to the query editor, /sparql-editor.",
                              "headers": {"Location": {"description": "/sparql-editor", "schema": TEXT},
                                          "Vary": {"description": "Accept: the answer depended on it",
                                                   "schema": TEXT}},
                              "content": {"text/html": {"schema": TEXT}}}},
    }
    form_schema = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "The SPARQL query (without it, the service description)."},
            "default-graph-uri": graph_list,
            "named-graph-uri": graph_list,
            "format": {"type": "string", "enum": formats},
        },
        "example": {"query": "ASK { ?s ?p ?o }"},
    }
    post = {
        "operationId": "sparql_post",
        "tags": ["sparql"],
        "summary": "Run a read-only SPARQL 1.1 query (POST)",
        "description": "The SPARQL 1.1 Protocol: the query form-encoded (`query=…`) or as the whole body "
                       "(application/sparql-query, with `default-graph-uri` / `named-graph-uri` in the query "
                       "string). Bodies must be UTF-8; any other content type is a 415.",
        "parameters": [*protocol_dataset, format_param],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": form_schema,
                    "encoding": {"default-graph-uri": {"style": "form", "explode": True},
                                 "named-graph-uri": {"style": "form", "explode": True}},
                },
                "application/sparql-query": {
                    "schema": {"type": "string", "example": "ASK { ?s ?p ?o }"},
                },
            },
        },
        "responses": {**responses,
                      "415": error("A body that is neither application/x-www-form-urlencoded nor "
                                   "application/sparql-query, or a charset other than UTF-8.", cors)},
    }
    return {"/sparql": {"get": get, "post": post}}


def _dataset_paths() -> dict:
    paths = {}
    for ext, (media, name, what) in DOWNLOADS.items():
        paths[f"/downloads/tracktwo.{ext}"] = {"get": {
            "operationId": f"download_{ext}",
            "tags": ["dataset"],
            "summary": f"The whole dataset as {name}",
            "description": f"{name}: {what}.",
            "responses": {
                "200": {"description": "The dataset, as an attachment.",
                        "headers": {"Content-Disposition": {"description": f'attachment; filename="tracktwo-VERSION.{ext}" (the dataset version)',
                                                            "required": True, "schema": TEXT}},
                        "content": {media: {"schema": TEXT}}},
                "404": {"description": "The app has no built dataset file.", "content": {"text/html": {"schema": TEXT}}},
            },
        }}
    void = {
        "tags": ["dataset"],
        "summary": "The VoID description of the dataset",
        "description": "The dataset's VoID description: its SPARQL endpoint, dumps, vocabulary, triple count and "
                       "entities per class.",
        "responses": {"200": {"description": "VoID in Turtle.", "content": {"text/turtle": {"schema": TEXT}}}},
    }
    paths["/void"] = {"get": {"operationId": "void", **void}}
    paths["/.well-known/void"] = {"get": {"operationId": "well_known_void", **void}}
    paths["/openapi.json"] = {"get": {
        "operationId": "openapi",
        "tags": ["dataset"],
        "summary": "This description of the API",
        "responses": {"200": {"description": "OpenAPI 3 in JSON.", "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}
    return paths


def build_openapi(registry: Catalogue, base_url: str | None = None) -> dict:
    """The OpenAPI 3.0 document for the app serving `registry`'s saved queries, at `base_url`."""
    paths: dict = {}
    tags: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(registry.queries):
        q = registry.queries[name]
        operation = operation_id(name)
        while operation in used:  # two file names differing only in punctuation
            operation += "_"
        used.add(operation)
        paths[f"/queries/{name}"] = {"get": _saved_query_operation(q, operation)}
        for tag in q.tags:
            tags.setdefault(tag, f"Saved queries tagged {tag!r}")
    paths.update(_sparql_paths())
    paths.update(_dataset_paths())
    tags.setdefault("sparql", "The read-only SPARQL 1.1 Protocol endpoint")
    tags.setdefault("dataset", "The whole dataset: downloads, its VoID description, this API description")
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "tracktwo",
            "version": __version__,
            "description": "A knowledge graph of track two diplomacy. Each saved SPARQL query in `queries/` is an "
                           "operation (`GET /queries/{name}`), its parameters read from the query's grlc-style "
                           "`#+` decorators and `?_name_type` / `?__name_type` variables: an HTML page by "
                           "default, every row as SPARQL JSON, XML, CSV or TSV with `format`. The SPARQL 1.1 "
                           "endpoint `/sparql` takes any read-only query. IRI parameters accept prefixed names "
                           "with these prefixes: " + ", ".join(f"{p}:" for p in PREFIXES) + ".",
            "license": {"name": "Code: MIT; data: CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "tags": [{"name": name, "description": text} for name, text in sorted(tags.items())],
        "paths": paths,
    }
    if base_url:
        document["servers"] = [{"url": base_url.rstrip("/") or "/"}]
    return copy.deepcopy(document)  # a fresh tree: the schemas above are shared module constants
