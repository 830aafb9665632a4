"""A Hypothesis fuzz harness: hostile requests to every route of the web app, none answered with a 500.

The routes come from the app's URL map (a new route is fuzzed without a change here), the parameter
names from the web app's code, its forms and the saved queries' parameters, plus random ones. Values
are hostile: any Unicode, lone surrogates and invalid UTF-8 (percent-encoded bytes), control
characters, very long text, numbers negative, huge and in other scripts' digits, SPARQL-ish text,
JSON nested deep. Methods, bodies (form, JSON, raw, file upload), Accept and Host headers vary too.

Every request goes through Flask's test client: nothing leaves the process, and the SPARQL text the
fuzzer writes names no address but loopback. A request fails the run when it raises, answers 5xx
(but for a /sparql 503 that is the designed answer to a time limit or overload), or shows a Python
traceback. The run collects every failure and reports one short reproduction for each kind.

TRACKTWO_FUZZ_EXAMPLES sets the number of requests (1,000 by default; `make fuzz` sends 10,000).
The examples are derandomized: the same requests on every run, so a CI failure reproduces.
TRACKTWO_FUZZ_SEED=<number> draws a different (but again reproducible) set, to explore further.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import re
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote, urldefrag, urlencode, urljoin

import pytest
from conftest import app_on
from flask import Flask
from flask import request as incoming
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tracktwo.namespaces import ID

EXAMPLES = int(os.environ.get("TRACKTWO_FUZZ_EXAMPLES", "1000"))
SEED = os.environ.get("TRACKTWO_FUZZ_SEED")
WEBAPP = Path(__file__).resolve().parent.parent / "webapp"
TRACEBACK = "Traceback (most recent call last)"
# The one 5xx that is a designed answer: the SPARQL endpoint (and its editor page, which runs the same
# untrusted queries) refusing a query past its time limit, or for overload, and saying so
SPARQL_PATHS = {"/sparql", "/sparql/", "/sparql-editor"}
TIME_LIMIT = re.compile(r"ran longer than the [0-9.]+ s limit")


# --- what the app offers: routes, parameter names, values that reach past the first check ------

def names_in_code(code: str) -> set[str]:
    """Names a module reads as parameters: .get("x"), .getlist("x"), _int("x"), ("case", "topic", …)."""
    names = set(re.findall(r"\.(?:get|getlist)\(\s*[\"']([\w-]+)[\"']", code))
    names.update(re.findall(r"_int\(\s*[\"']([\w-]+)[\"']", code))
    names.update(re.findall(r"[\"']([\w-]+)[\"'] in (?:args|form|request\.\w+)\b", code))
    for group in re.findall(r"\(((?:\s*\"[\w-]+\"\s*,)+\s*(?:\"[\w-]+\")?\s*)\)", code):
        names.update(re.findall(r"\"([\w-]+)\"", group))
    return names


def parameter_names(app: Flask) -> list[str]:
    """Parameter names the app reads, found in its code and templates, and the saved queries' own."""
    names = set(query_parameters(app))
    for path in WEBAPP.rglob("*.py"):
        names |= names_in_code(path.read_text(encoding="utf-8"))
    for path in (WEBAPP / "templates").glob("*.html"):
        names.update(re.findall(r"name=\"([\w-]+)\"", path.read_text(encoding="utf-8")))
    return sorted(names)


def query_parameters(app: Flask) -> list[str]:
    return sorted({p.name for q in app.extensions["tracktwo"].catalogue.queries.values() for p in q.params})


def route_names(app: Flask) -> dict[str, list[str]]:
    """rule -> the names its view's module reads (and the saved queries' parameters): the names a
    request to that route should carry most often, to get past its first check."""
    out = {}
    for rule in app.url_map.iter_rules():
        view = inspect.unwrap(app.view_functions[rule.endpoint])
        try:
            path = Path(inspect.getsourcefile(view))
        except TypeError:
            continue
        code = path.read_text(encoding="utf-8")
        # and the helpers it imports from the web app (paging reads ?page= for two views)
        for helper in re.findall(r"^from \.\.?(\w+) import", code, re.M):
            for candidate in (path.parent / f"{helper}.py", WEBAPP / f"{helper}.py"):
                if candidate.is_file():
                    code += candidate.read_text(encoding="utf-8")
        out[rule.rule] = sorted(names_in_code(code) | set(query_parameters(app)))
    return out


def known_values(app: Flask) -> dict[str, list[str]]:
    """Values that get a request past the first check, by route argument or parameter name."""
    repo = app.extensions["tracktwo"].repo
    iris = [str(r["s"]) for r in repo.select(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{ID}") }}')]
    parts = [iri[len(ID):].split("/", 1) for iri in iris if iri.count("/") == ID.count("/") + 1]
    queries = app.extensions["tracktwo"].catalogue.queries
    readings = [slug for kind, slug in parts if kind == "reading"]
    slugs = {k: sorted(slug for kind, slug in parts if kind == k) for k, _ in parts}
    known = {
        "kind": sorted({kind for kind, _ in parts}),
        "slug": sorted({slug for _, slug in parts})[:300],
        "slugs": slugs,
        "name": sorted(queries),
        "fmt": ["nq", "ttl", "jsonld", "bib", "ris", "json", "csl.json", "md"],
        "filename": sorted(str(p.relative_to(WEBAPP / "static")) for p in (WEBAPP / "static").rglob("*") if p.is_file())[:50],
        "reading": readings, "case": sorted({s for k, s in parts if k == "case"}),
        "iri": iris[:300], "query": SAFE_QUERIES, "format": FORMATS,
        "action": ["add", "add-session", "up", "down", "remove", "session-up", "session-down", "drop-session",
                   "rename", "title"],
        "s": [json.dumps({"t": "Week 1", "n": "", "r": readings[:3]})],
        "level": ["introductory", "intermediate", "advanced"], "style": ["chicago-author-date", "apa"],
        "sort": ["date", "name", "conflict"], "page": ["1", "2"], "session": ["0", "1"], "index": ["0", "1"],
    }
    known["file fields"] = sorted({name for path in (WEBAPP / "templates").glob("*.html")  # upload fields of forms
                                   for name in re.findall(r'<input type="file" name="([\w-]+)"', path.read_text(encoding="utf-8"))})
    for param in (p for q in queries.values() for p in q.params):  # a saved query's default, allowed values, and
        kin = slugs.get(param.name, [])[:40]                       # slugs and qnames of the kind it is named after
        known.setdefault(param.name, []).extend([*(param.allowed or []), *([param.default] if param.default else []),
                                                 *kin, *(f"{param.name}:{slug}" for slug in kin)])
    return known


class Page(HTMLParser):
    """A page's links (a, link, script) and its GET forms as URLs, each field with its first value."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.form: tuple[str, list] | None = None
        self.field: str | None = None  # a select or textarea whose value comes next

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "link", "script") and (a.get("href") or a.get("src")):
            self.urls.append(a.get("href") or a.get("src"))
        elif tag == "form" and (a.get("method") or "get").lower() == "get":
            self.form = (a.get("action") or "", [])
        elif self.form is not None and tag == "input" and a.get("name") and a.get("type") != "file":
            self.form[1].append((a["name"], a.get("value") or ""))
        elif self.form is not None and tag in ("select", "textarea") and a.get("name"):
            self.field = a["name"]
        elif tag == "option" and self.field and a.get("value"):
            self.form[1].append((self.field, a["value"]))
            self.field = None

    def handle_data(self, data):
        if self.field and self.get_starttag_text().startswith("<textarea"):
            self.form[1].append((self.field, data))
            self.field = None

    def handle_endtag(self, tag):
        if tag in ("select", "textarea"):
            self.field = None
        elif tag == "form" and self.form is not None:
            self.urls.append(self.form[0] + "?" + urlencode(self.form[1]))
            self.form = None


def crawl(app: Flask, pages: int = 250, per_shape: int = 2) -> dict[str, list[str]]:
    """rule -> URLs of it that the app's own pages link to (or submit their forms to): requests that
    get past every check, for the fuzzer to break one part of at a time. A few of each shape (the
    route and the names of its parameters: /readings/edit?action=add&… and ?action=up&…)."""
    client, adapter = app.test_client(), app.url_map.bind("localhost")
    queue, seen, found, shapes = deque(["/", "/readings/suggested", "/queries", "/sparql-editor"]), set(), {}, Counter()
    while queue and sum(shapes.values()) < pages:
        url = urldefrag(queue.popleft())[0]
        if url in seen or not url.startswith("/") or url.startswith("//"):
            continue
        seen.add(url)
        path, _, query = url.partition("?")
        try:
            rule, args = adapter.match(unquote(path), method="GET", return_rule=True)
        except HTTPException:
            continue
        pairs = parse_qsl(query, keep_blank_values=True)
        shape = (rule.rule, args.get("kind"), args.get("name"), args.get("fmt"), dict(pairs).get("action"),
                 tuple(sorted({k for k, _ in pairs})))
        if shapes[shape] >= per_shape:
            continue
        shapes[shape] += 1
        found.setdefault(rule.rule, []).append(url)
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            page = Page()
            page.feed(response.get_data(as_text=True))
            queue.extend(urljoin(url, link) for link in page.urls)
    return found


# --- hostile values ------------------------------------------------------------------------------

NASTY = [
    "", " ", "\x00", "\r\n", "\t", "\x7f", "\x85", "\u2028", "\ufeff", "\u202e", "\ufffd", "\ud800", "\udfff",
    "\ud83d", "💥", "a\u0301", "ǅ", "İ", "ß", "\U0010ffff", "\ue000",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "{{7*7}}", "${7*7}",
    "../../../../etc/passwd", "..", ".", "/", "//", "\\", "%", "%%", "%00", "%ZZ", "&", "=", "?", "#", ";", "+",
    "' OR '1'='1", "\" } ; DROP GRAPH <x> ; #", "}}}}", "{{{{", "<", ">", "<>", "<<>>", "\\u0000", "\\U0001F4A5",
    "a b", "a\"b", "a<b", "a{b", "a|b", "a^b", "a`b", "http://", "http://[::1", "https://w3id.org/tracktwo/id/",
    "https://w3id.org/tracktwo/id/case/oslo-back-channel", "t2:Case", "role:facilitator", "role:", ":", "_:b0",
    "null", "true", "[]", "{}", '{"t":"\\ud800"}', '{"t":"x","r":[[[[[[[[[[[[]]]]]]]]]]]]}', "[" * 1000 + "]" * 1000,
]
NUMBERS = ["0", "-0", "-1", "-2", "-5", "-100", "1", "2", "3", "99", "1e3", "1e309", "NaN", "inf", "-inf", "0x10",
           "1_000", " 7 ", "7\n", "9" * 20, "9" * 5000, "-" + "9" * 5000, "1.5", "+1", "--1", "Ⅻ", "½"]
# Digits of other scripts: isdigit() is true for ² and ①, which int() refuses, and for ٣ and １, which it reads
UNICODE_DIGITS = ["²", "¹", "①", "1²", "٣", "١٠", "１", "𝟗", "߁", "৪"]
numbers = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(UNICODE_DIGITS))
LOOPBACK = ["http://127.0.0.1:9/", "http://localhost:9/x", "http://[::1]:9/"]  # never any other address
SAFE_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s a ?o } LIMIT 3",
    "DESCRIBE <https://w3id.org/tracktwo/id/case/oslo-back-channel>",
    "SELECT ?x { BIND(IRI(\"javascript:alert(1)\") AS ?x) }",
]
FORMATS = ["json", "xml", "csv", "tsv", "turtle", "ttl", "nt", "ntriples", "jsonld", "json-ld", "rdfxml", "xml",
           "application/rdf+xml", "text/turtle", "application/sparql-results+json", "text/html", "md", "bib"]
MEDIA = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
         "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
         "application/json", "*/*", "text/*", "", "text/html;q=0", "text/html;q=NaN", "text/html;q=1e999",
         "*/*;q=0", ";;;", ",,,", "text/html, text/turtle;q=0.9, */*;q=0.1", "x" * 5000, "a/b;c=\"", "/", "text/"]
HOSTS = ["localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:8080", "[::1]", "[::1]:5000", "", ".", "..",
         "a..b", "a" * 63, "a" * 64, "a" * 64 + ".example.org", "x." * 130, "localhost:0", "localhost:99999",
         "localhost:abc", "xn--", "xn--zz.example", "ex ample", "ex_ample.org", "EXAMPLE.ORG.", "a:b:c", "[::1",
         "example.org:5000:1"]
GOOD_HOSTS = ["localhost", "localhost:5000", "127.0.0.1:8080", "[::1]:5000", "example.org", "EXAMPLE.ORG."]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
                 "application/json", "multipart/form-data", "text/plain", "application/octet-stream", "",
                 "application/sparql-query; charset=latin-1", "application/x-www-form-urlencoded; charset=utf-16",
                 "multipart/form-data; boundary=", "multipart/form-data; boundary=x", "text/plain; charset=\"",
                 "application/sparql-query; charset=utf-8"]


def encode(text: str) -> str:
    """Percent-encode every byte but the unreserved ones; lone surrogates become their (invalid)
    UTF-8 bytes, %ED%A0%80 for \\ud800, as an attacker would send them."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


any_text = st.text(st.characters(exclude_categories=[]), max_size=40)  # every code point, surrogates too
# text with a lone surrogate in it: a JSON \ud800 escape decodes to one, and percent-encoded it is invalid UTF-8
surrogate_text = st.builds(lambda a, lone, b: a + lone + b, st.text(max_size=8), st.sampled_from("\ud800\udbff\udc00\udfff"),
                           st.text(max_size=8))
printable_text = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=30)
control_text = st.text(st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\x85\u2028\u2029"), min_size=1, max_size=8)
long_text = st.builds(lambda c, n: c * n, st.sampled_from(["a", "9", "<", "{", "%", "é", "\ud800", "-", "/"]),
                      st.integers(100, 20_000))
raw_bytes = st.binary(max_size=24).map(lambda b: "".join(f"%{x:02X}" for x in b))  # invalid UTF-8, NUL …


def literal(text: str) -> str:
    return json.dumps(text)  # a SPARQL string literal (with \u escapes, lone surrogates too)


@st.composite
def sparqlish(draw) -> str:
    """SPARQL-like text: bounded query shapes with hostile pieces, broken syntax, refused operations."""
    text = draw(st.one_of(printable_text, printable_text, any_text, st.sampled_from(NASTY)))
    iri = draw(st.one_of(st.sampled_from(LOOPBACK + ["http://example.org/123", "urn:x", "javascript:alert(1)",
                                                      "https://w3id.org/tracktwo/ontology#Case"]),
                         st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="<>\"{}|^`\\"),
                                 max_size=20).map(lambda t: "http://example.org/" + t)))
    limit = draw(st.sampled_from(NUMBERS[:12]))  # bounded: at most 99 rows
    shape = draw(st.sampled_from([
        "SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}",
        "SELECT ?x {{ BIND(IRI({lit}) AS ?x) }}",
        "SELECT ?x {{ BIND(<{iri}> AS ?x) }}",
        "SELECT ?x {{ VALUES ?x {{ {lit} <{iri}> }} }}",
        "SELECT (STRLEN({lit}) AS ?n) (ENCODE_FOR_URI({lit}) AS ?e) {{}}",
        "ASK {{ FILTER(REGEX({lit}, {lit})) }}",
        "CONSTRUCT {{ ?s <{iri}> ?o }} WHERE {{ ?s a ?o }} LIMIT 5",
        "CONSTRUCT {{ <{iri}> <{iri}> {lit} }} WHERE {{}}",
        "DESCRIBE <{iri}>",
        "SELECT * FROM <{iri}> FROM NAMED <{iri}> {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 3",
        "SELECT * {{ SERVICE <{loop}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ \\u0053ERVICE <{loop}> {{ ?s ?p ?o }} }}",
        "LOAD <{loop}>",
        "INSERT DATA {{ <{iri}> <{iri}> {lit} }}",
        "DROP ALL",
        "PREFIX : <{iri}> SELECT * {{ ?s :{text} ?o }} LIMIT 2",
        "SELECT * {{ ?s ?p {text} }} LIMIT 2",
        "{text}",
    ]))
    return shape.format(limit=limit, lit=literal(text), iri=iri, loop=draw(st.sampled_from(LOOPBACK)), text=text)


@st.composite
def json_bodies(draw) -> bytes:
    """JSON for upload routes: nested deep, holding lone surrogates, or shaped like a course pack."""
    leaves = st.none() | st.booleans() | st.integers() | st.floats() | any_text | surrogate_text | st.sampled_from(NASTY)
    value = st.recursive(leaves, lambda c: st.lists(c, max_size=4) | st.dictionaries(any_text, c, max_size=4),
                         max_leaves=12)
    kind = draw(st.sampled_from(["deep", "pack", "any"]))
    if kind == "deep":
        depth = draw(st.sampled_from([9, 100, 999, 1000, 5000, 100_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        inner = opener * depth + "1" + closer * depth
        text = draw(st.sampled_from(['{{"title":"T","sessions":{}}}', '{{"title":"T","sessions":[{{"t":"x","r":{}}}]}}', "{}"])).format(inner)
    elif kind == "pack":
        sessions = draw(st.lists(st.fixed_dictionaries({"t": value, "n": value, "r": st.lists(value, max_size=3)}), max_size=3))
        text = json.dumps({"tracktwo-course-pack": 1, "title": draw(value), "sessions": sessions},
                          ensure_ascii=draw(st.booleans()))
    else:
        text = json.dumps(draw(value), ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")  # ensure_ascii=False: a lone surrogate is invalid UTF-8 here


def values(known: list[str] | None) -> st.SearchStrategy[str]:
    """A URL-encoded value: known good (half the time when there are any), hostile text or raw bytes."""
    hostile = st.one_of(any_text.map(encode), surrogate_text.map(encode), st.sampled_from(NASTY).map(encode), control_text.map(encode),
                        long_text.map(encode), numbers.map(encode), sparqlish().map(encode), raw_bytes,
                        st.sampled_from(["%ED%A0%80", "%FF", "%C0%AF", "%E2%82", "%F4%90%80%80", "%", "%G0", "+"]))
    if not known:
        return hostile
    good = st.sampled_from(known).map(encode)
    return st.one_of(good, hostile, good.flatmap(lambda g: hostile.map(lambda h: g + h)))


def value_for(name: str, known: dict) -> st.SearchStrategy[str]:
    """A value for the named parameter: a SPARQL query is mostly SPARQL-ish, to get past the parser."""
    if name == "query":
        return st.one_of(*[sparqlish().map(encode)] * 4, values(known.get(name)))
    if known.get(name) and all(v.isdigit() for v in known[name]):  # a number: numbers of every kind
        return st.one_of(numbers.map(encode), numbers.map(encode), values(known[name]))
    if name == "s":  # a session of a course pack: JSON, often well formed with hostile parts
        text = st.one_of(printable_text, surrogate_text, any_text, st.sampled_from(NASTY))
        session = st.fixed_dictionaries({"t": text, "n": text, "r": st.lists(text, max_size=3)}).map(json.dumps)
        return st.one_of(session.map(encode), json_bodies().map(lambda b: quote(b, safe="")), values(known.get(name)))
    return values(known.get(name))


def header_value(choices: list[str]) -> st.SearchStrategy[str]:
    """A header as a server would hand it on: latin-1 text (any bytes but CR and LF, which end a
    header line), or one of the choices."""
    raw = st.one_of(st.binary(max_size=60), any_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
    return st.one_of(st.sampled_from(choices), raw.map(lambda b: b.decode("latin-1").replace("\r", "").replace("\n", "")))


# --- requests --------------------------------------------------------------------------------------

@dataclass
class Request:
    method: str
    url: str
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    upload: tuple | None = None   # (field, filename, content): a multipart file upload
    rule: str = ""                # the route it was made for

    def builder(self) -> EnvironBuilder:
        path, _, query = self.url.partition("?")
        headers = {k: v for k, v in self.headers.items() if k != "Host"}
        # the Host header as a WSGI server hands it on, untouched by the test client's own parsing
        overrides = {"HTTP_HOST": self.headers["Host"]} if "Host" in self.headers else {}
        kwargs = {"method": self.method, "path": path, "query_string": query, "headers": headers,
                  "environ_overrides": overrides}
        if self.upload is not None:
            name, filename, content = self.upload
            kwargs["data"] = {name: (io.BytesIO(content), filename)}
        elif self.body is not None:
            kwargs["data"] = self.body
        return EnvironBuilder(**kwargs)

    def __repr__(self) -> str:  # what Hypothesis prints: short, as a multi-megabyte body would not be
        return f"Request({str(self)!r})"

    def __str__(self) -> str:
        parts = [f"{self.method} {self.url[:300]}{'…' if len(self.url) > 300 else ''}"]
        parts += [f"  {k}: {v[:120]!r}" for k, v in self.headers.items()]
        if self.upload is not None:
            parts.append(f"  upload {self.upload[0]}={self.upload[1]!r}: {self.upload[2][:200]!r}")
        elif self.body is not None:
            parts.append(f"  body: {self.body[:200]!r}{' …' if len(self.body) > 200 else ''}")
        return "\n".join(parts)


def path_for(rule, draw, known: dict) -> str:
    """The rule's path with each <converter:argument> replaced by a drawn, percent-encoded value; a
    slug after a kind (/id/<kind>/<slug>, /id/case/<slug>) is often one of that kind's, to reach a page."""
    kind = {}

    def segment(match) -> str:
        name = match.group(2)
        slugs = known["slugs"].get(kind.get("kind") or match.group(1) or "", [])
        value = draw(values(slugs) if name == "slug" and slugs else value_for(name, known))
        if name == "kind":
            kind["kind"] = next((k for k in known["kind"] if encode(k) == value), None)
        if name == "slug" and draw(st.booleans()):
            value += draw(st.sampled_from([".ttl", ".jsonld", ".nt", ".xml", ".", ".ttl.ttl"]))
        return value or "x"
    # the static segment before an argument is kept in group 1 (case in /id/case/<slug>)
    return re.sub(r"(?:(?<=/)(\w+)/)?<(?:\w+(?:\([^)]*\))?:)?(\w+)>",
                  lambda m: (m.group(1) + "/" if m.group(1) else "") + segment(m), rule.rule)


@st.composite
def mutated(draw, url: str, name, known: dict) -> str:
    """A URL the app links to, with some of its parameters (or one path segment) made hostile,
    dropped or added to: each check meets hostile input with the others passed."""
    path, _, query = url.partition("?")
    segments = path.split("/")
    if len(segments) > 2 and draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(1, len(segments) - 1))
        segments[at] = draw(values(None))
    pairs = parse_qsl(query, keep_blank_values=True)
    broken = set(draw(st.lists(st.integers(0, len(pairs) - 1), min_size=1, max_size=2))) if pairs else set()
    params = []
    for i, (key, value) in enumerate(pairs):
        if i in broken and draw(st.integers(0, 4)) == 0:
            continue  # dropped
        hostile = value_for(key, {**known, key: [value]} if value.lstrip("-").isdigit() else {})
        params.append(f"{encode(key)}={draw(hostile) if i in broken else encode(value)}")
    params += draw(st.lists(name.flatmap(lambda n: value_for(n, known).map(lambda v: f"{encode(n)}={v}")), max_size=2))
    params = draw(st.permutations(params))
    return "/".join(segments) + ("?" + "&".join(params) if params else "")


# Parameters that carry structured input get a draw of their own on the routes that read them
STRUCTURED = ["query", "s", "page"]


@st.composite
def requests(draw, rules, names: list[str], local: dict[str, list[str]], known: dict, seeds: dict) -> Request:
    rule = draw(st.sampled_from(rules))
    methods = sorted(rule.methods)
    # mostly a method the route takes (HEAD and OPTIONS too), sometimes one it refuses
    method = draw(st.sampled_from(methods * 6 + ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE"]))
    read = local.get(rule.rule) or names
    ours = st.sampled_from([n for n in read if n not in STRUCTURED] or read)
    name = st.one_of(ours, ours, ours, st.sampled_from(names), any_text, st.sampled_from(NASTY))
    pair = lambda n: value_for(n, known).map(lambda v: f"{encode(n)}={v}")  # noqa: E731
    params = [draw(pair(n)) for n in STRUCTURED if n in read and draw(st.integers(0, 3)) > 0]
    params += draw(st.lists(name.flatmap(pair), max_size=5))
    params = draw(st.permutations(params))
    if draw(st.integers(0, 9)) == 0:  # a parameter given twice, or bare
        params += draw(st.sampled_from([params[:1] * 2, ["page"], ["query"], ["s"], ["&&&"], ["=x"]]))
    url = path_for(rule, draw, known) + ("?" + "&".join(params) if params else "")
    if seeds.get(rule.rule) and draw(st.integers(0, 3)) > 0:  # mostly, start from a link of the app's own
        url = draw(mutated(draw(st.sampled_from(seeds[rule.rule])), name, known))
    headers = {}
    if draw(st.booleans()):
        headers["Accept"] = draw(header_value(MEDIA))
    host = draw(st.integers(0, 7))  # a hostile Host is refused first: one request in eight has one
    if host < 2:
        headers["Host"] = draw(header_value(HOSTS) if host == 0 else st.sampled_from(GOOD_HOSTS))
    if draw(st.integers(0, 7)) == 0:  # what a proxy in front adds (the app trusts one: TRACKTWO_PROXIES=1)
        forwarded = {"X-Forwarded-Host": header_value(HOSTS), "X-Forwarded-For": header_value(["127.0.0.1", "::1", ""]),
                     "X-Forwarded-Proto": header_value(["http", "https", "javascript", ""])}
        headers.update(draw(st.fixed_dictionaries({}, optional=forwarded)))
    request = Request(method, url, headers, rule=rule.rule)
    if method in ("POST", "PUT", "PATCH") or draw(st.integers(0, 19)) == 0:
        body_kind = draw(st.sampled_from(["form", "json", "raw", "sparql", "upload", "none"]))
        if body_kind == "upload":
            filename = draw(st.one_of(st.just("pack.json"), st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=30)))
            field_name = draw(st.sampled_from(known["file fields"] * 3 + ["file", "query"]))
            request.upload = (field_name, filename, draw(json_bodies()))
        elif body_kind != "none":
            request.body = {
                "form": lambda: "&".join(draw(st.lists(name.flatmap(
                    lambda n: value_for(n, known).map(lambda v: f"{encode(n)}={v}")), min_size=1, max_size=4))).encode(),
                "json": lambda: draw(json_bodies()),
                "raw": lambda: draw(st.one_of(st.binary(max_size=200), st.sampled_from([b"\xff" * 10, b"\x00" * 10,
                                                                                          b"x" * (1024 * 1024 + 1)]))),
                "sparql": lambda: draw(sparqlish()).encode("utf-8", "surrogatepass"),
            }[body_kind]()
            request.headers["Content-Type"] = draw(header_value(CONTENT_TYPES))
    return request


# --- judging answers ---------------------------------------------------------------------------

def judge(path: str, response) -> str | None:
    """What is wrong with the answer, or None: a 5xx (but the designed /sparql 503), or a traceback."""
    status = response.status_code
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    if status >= 500:
        designed = status == 503 and path in SPARQL_PATHS and (
            "Retry-After" in response.headers or TIME_LIMIT.search(body))
        return None if designed else f"status {status}: {body.strip()[:200]!r}"
    if response.mimetype == "text/html" and TRACEBACK in body:
        return f"status {status} with a Python traceback in the page"
    return None


def where(err: BaseException) -> str:
    """The deepest frame of the project's own code in the exception's traceback, and the last one."""
    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if "/site-packages/" not in f.filename]
    return " … ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in (ours[-1:] + frames[-1:]))


def send(client, request: Request, statuses: Counter | None = None) -> tuple[str, str] | None:
    """Send one request; (kind, detail) when it fails, None when the answer is fine."""
    prepared = request.builder().get_request()  # outside the try: a harness bug must not pass as an app bug
    try:
        response = client.open(prepared)
    except Exception as err:  # TESTING propagates what the app did not handle: that is the 500
        return f"raised {type(err).__name__}", f"{type(err).__name__}: {str(err)[:300]}\n  at {where(err)}"
    if statuses is not None:
        statuses[request.rule, response.status_code] += 1
    try:
        problem = judge(prepared.path, response)
    finally:
        response.close()
    return (problem.split(":")[0], problem) if problem else None


class Client(FlaskClient):
    """Flask's test client without its cookie jar, which parses the Host header itself after the app
    has answered (and fails on one such as `xn--`): the fuzzer tests the app, not the client."""

    def run_wsgi_app(self, environ, buffered=False):
        return run_wsgi_app(self.application, environ, buffered=buffered)


# --- the run -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def app(built):
    # a short time limit keeps runaway /sparql queries from slowing the run; one trusted proxy, so that
    # the X-Forwarded-* headers the fuzzer sends are read (as they are behind a reverse proxy)
    with app_on(built, TRACKTWO_QUERY_TIMEOUT=2, TRACKTWO_PROXIES=1) as app:
        yield app


def test_every_route_answers_hostile_requests_without_a_500(app):
    client = Client(app, app.response_class)
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    names, local, known, seeds = parameter_names(app), route_names(app), known_values(app), crawl(app)
    sent, failures, statuses = [0], {}, Counter()

    @settings(max_examples=EXAMPLES, derandomize=SEED is None, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(int(SEED or 0))
    @given(requests(rules, names, local, known, seeds))
    def fuzz(request: Request):
        failure = send(client, request, statuses)
        sent[0] += 1
        if failure is not None:  # one reproduction per kind of failure: the shortest seen
            key = (request.method, request.rule, failure[0])
            if key not in failures or len(str(request)) < len(str(failures[key][0])):
                failures[key] = (request, failure[1])

    fuzz()
    print(f"\n{sent[0]} requests; answers by route and status (pytest -s shows this):")
    for rule in sorted({r for r, _ in statuses}):
        print(f"  {rule}: " + ", ".join(f"{status} ×{n}" for (r, status), n in sorted(statuses.items()) if r == rule))
    report = "\n\n".join(f"{detail}\n{request}" for request, detail in failures.values())
    assert not failures, f"{len(failures)} kinds of failure in {sent[0]} requests:\n\n{report}"
    assert sent[0] >= EXAMPLES, f"only {sent[0]} of {EXAMPLES} requests were sent"


# --- the judge itself can fail ---------------------------------------------------------------------

def tiny_app() -> Flask:
    """A bare app with routes that fail in the ways the harness must catch (no project code)."""
    tiny = Flask("tiny")
    tiny.config["TESTING"] = True

    def sparql():
        if incoming.args.get("kind") == "limit":
            return "the query ran longer than the 2 s limit and was stopped", 503
        if incoming.args.get("kind") == "busy":
            return "every query worker is busy", 503, {"Retry-After": "1"}
        return "the worker crashed", 503

    tiny.add_url_rule("/sparql", "sparql", sparql)
    tiny.add_url_rule("/boom", "boom", lambda: 1 / 0)
    tiny.add_url_rule("/busy", "busy", lambda: ("try later", 503, {"Retry-After": "1"}))
    tiny.add_url_rule("/trace", "trace", lambda: f"<pre>{TRACEBACK}:\n  File …</pre>")
    tiny.add_url_rule("/fine", "fine", lambda: "<p>fine</p>")
    return tiny


@pytest.mark.parametrize("url, verdict", [
    ("/boom", "raised ZeroDivisionError"), ("/trace", "status 200 with a Python traceback in the page"),
    ("/sparql", "status 503"), ("/busy", "status 503"),  # a 503 is designed only from /sparql, and says why
    ("/sparql?kind=limit", None), ("/sparql?kind=busy", None), ("/fine", None)])
def test_the_harness_catches_what_it_must(url, verdict):
    failure = send(Client(tiny_app()), Request("GET", url))
    assert (failure[0] if failure else None) == verdict
