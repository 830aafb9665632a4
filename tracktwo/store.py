"""Store backends behind one interface: every view and command talks to a Repository.

Results come back as rdflib terms whatever the engine, so formatting and pages are shared.
Three engines: Oxigraph embedded (the default), rdflib in memory (the reference), and any
remote SPARQL 1.1 endpoint through SPARQLWrapper.

The default graph is the union of the named graphs, as a set, on every engine; a query or a
request may instead name a dataset (FROM / FROM NAMED, default-graph-uri / named-graph-uri),
which only ever selects among the dataset's own graphs: an unknown graph is empty, never fetched.
"""

from __future__ import annotations

import ctypes
import http.client
import json
import re
from abc import ABC, abstractmethod
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable

from .errors import TrackTwoError
from .namespaces import GRAPH, bind_prefixes

LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
LABELS = ("SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label>|"
          "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label FILTER (isIRI(?x)) }")


@dataclass
class Result:
    """A query result: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph."""

    kind: str                                  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False                    # set when a result cap cut the rows


class QueryTimeout(TrackTwoError):
    """The query ran past its time limit and was stopped."""


class QuerySyntaxError(TrackTwoError):
    """The query cannot be read; the message says where."""


class QueryFailed(TrackTwoError):
    """The engine failed while running a query. The message is meant for anyone (it names no host,
    port or exception); the engine's own words are kept in `detail`, for the log."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


class Repository(ABC):
    name = "abstract"

    @abstractmethod
    def query(self, text: str, bindings: dict | None = None, default_graphs: list | None = None,
              named_graphs: list | None = None, base_iri: str | None = None) -> Result:
        """Run a read-only SPARQL query. bindings map variable names (without ?) to rdflib terms;
        default_graphs / named_graphs (IRIs) override the query's own FROM / FROM NAMED."""

    def select(self, text: str, bindings: dict | None = None) -> list[dict]:
        return self.query(text, bindings).rows

    def graph_names(self) -> list[URIRef]:
        return [r["g"] for r in self.select(LIST_GRAPHS)]

    def labels(self) -> dict:
        """IRI (as a plain str) -> its label (English or untagged first), read once: results show
        labels next to IRIs. Keyed by str, not URIRef: a URIRef key compares with rdflib's Python-level
        __eq__ on every lookup, which made adding labels to a 4,000-row result cost 17 ms."""
        if getattr(self, "_labels", None) is None:
            self._labels = best_labels((str(r["x"]), str(r["label"]), r["label"].language) for r in self.select(LABELS))
        return self._labels


def release_free_memory() -> None:
    """Hand the heap memory freed while loading back to the system (glibc's malloc_trim): at 10,000
    synthetic cases a worker held 40 MB less once open. Does nothing where there is no glibc."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def best_labels(rows) -> dict:
    """(iri, label text, language) rows -> iri -> one Literal label: English or untagged first, then
    the first in alphabetical order, so that the choice does not depend on the engine's order."""
    best: dict = {}
    for iri, text, language in rows:
        current = best.get(iri)
        if current is None or (language not in (None, "en"), text) < (current.language not in (None, "en"), str(current)):
            best[iri] = Literal(text, lang=language)
    return best


# --- Oxigraph (embedded) -------------------------------------------------------------------

@lru_cache(maxsize=65_536)
def _to_rdflib(term):
    """pyoxigraph term -> rdflib term; memoised, since results repeat the same IRIs many times.
    (Bounded lower than before, at 65,536: the memo lives as long as the worker, and within one
    result it only needs the terms that repeat.)"""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        # what URIRef() returns, without its validity check (a Python loop over the characters):
        # Oxigraph's IRIs are valid already, and the check was a fifth of reading a result's rows
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term {term!r}")


def _to_oxigraph(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


# Strings, IRIs and comments, which may contain the word FROM without it being a dataset clause.
_NOT_KEYWORDS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|'
                           r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')


@lru_cache(maxsize=1024)
def _has_dataset_clause(text: str) -> bool:
    """Whether a query names its own dataset (FROM / FROM NAMED). A quick look for the keyword
    outside strings, IRIs, comments, variables and prefixed names, confirmed by rdflib's parser
    when the word is there (a wrong yes would leave the default graph empty)."""
    if not re.search(r"(?<![\w:?$])FROM(?![\w:])", _NOT_KEYWORDS.sub(" ", text), re.IGNORECASE):
        return False
    try:
        from rdflib.plugins.sparql.parser import parseQuery
        return any(part.get("datasetClause") for part in parseQuery(text)[1:] if hasattr(part, "get"))
    except Exception:  # a syntax error: Oxigraph will say so
        return True


@lru_cache(maxsize=1024)
def _mentions_graph(text: str) -> bool:
    """Whether the keyword GRAPH is in the query, outside strings, IRIs, comments, variables and
    prefixed names (a wrong yes costs only time)."""
    return bool(re.search(r"(?<![\w:?$])GRAPH(?![\w:])", _NOT_KEYWORDS.sub(" ", text), re.IGNORECASE))


def _union_is_set(nquads: Path, store: ox.Store) -> bool:
    """Whether no triple is in two graphs, as the build that wrote the dataset found when it made
    it (its manifest, beside the dataset). The manifest is believed only if it describes the data
    loaded: the same number of quads and the same graphs. Without one that matches, the answer is
    no, and the store copies the union (always right, a little slower). Asking the data itself
    costs a join over every quad (57 ms at 36,000 quads, seconds at 10,000 synthetic cases)."""
    try:
        manifest = json.loads((Path(nquads).parent / "manifest.json").read_text())
        graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        return (manifest.get("union_is_set") is True and manifest.get("quads") == len(store)
                and set(manifest.get("graph_iris") or []) == graphs)
    except (OSError, ValueError, AttributeError, TypeError):
        return False


def _rows(variables: list[str], solutions) -> list[dict]:
    """Solutions as rows of rdflib terms. A solution is read as a tuple: looking values up by
    variable cost more than the query itself on large results (on 1,000 synthetic cases a
    16,000-row result went from 1.6x to 1.0x raw pyoxigraph); _to_rdflib is memoised."""
    return [{name: _to_rdflib(term) for name, term in zip(variables, solution) if term is not None}
            for solution in solutions]


class OxigraphRepository(Repository):
    name = "oxigraph"

    def __init__(self, nquads: Path):
        self.store = ox.Store()
        try:
            # load, not bulk_load: on 10,000 synthetic cases bulk_load peaked at 990 MB resident and
            # load at 784 MB, in the same time (about 10 s)
            self.store.load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as err:
            raise TrackTwoError(f"{nquads}: cannot load the built dataset: {err}") from None
        # The default graph is the union of the named graphs as a set. Oxigraph's own union view
        # repeats a triple found in two graphs (rdflib, and SPARQL's RDF merge, give it once), so it
        # is used only when the build says no triple is in two graphs; otherwise the union is copied
        # into the default graph, inside Oxigraph. On 1,000 synthetic cases the view opened in half
        # the time with 30% less memory, and queried no slower than the copy.
        self.union = _union_is_set(nquads, self.store)
        if not self.union:
            self.store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")

    def query(self, text, bindings=None, default_graphs=None, named_graphs=None, base_iri=None):
        # Parameters go in as an inline VALUES block of RDF terms rather than as Oxigraph
        # substitutions: measured on 1,000 cases, a substituted case-timeline query took 35 ms and
        # the same query with VALUES 0.4 ms (substitution defeats Oxigraph's join ordering).
        # asked of the text as written, which pages reuse (so the answer is memoised), before the
        # values go in: the look cost half a millisecond a case page at 10,000 cases
        names_dataset = _has_dataset_clause(text)
        if bindings:
            text = inline_values(text, bindings)
        options = {}
        if base_iri:
            options["base_iri"] = base_iri
        if default_graphs is not None or named_graphs is not None:
            # exactly the dataset asked for: an empty list is an empty default graph / no named graphs
            options["default_graph"] = [ox.NamedNode(str(g)) for g in default_graphs or []]
            options["named_graphs"] = [ox.NamedNode(str(g)) for g in named_graphs or []]
        elif self.union and not names_dataset:
            options["use_default_graph_as_union"] = True  # (the option would override a FROM)
        try:
            result = self.store.query(text, **options)
        except SyntaxError as err:
            raise QuerySyntaxError(f"SPARQL syntax error: {err}") from None
        except (RuntimeError, OSError, ValueError) as err:
            raise QueryFailed("the query failed inside the engine", f"{type(err).__name__}: {err}") from None
        if isinstance(result, ox.QueryBoolean):
            return Result("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            return Result("select", variables, _rows(variables, result))
        graph = bind_prefixes(Graph())
        for t in result:
            graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
        return Result("graph", graph=graph)

    def graph_names(self):
        return sorted(URIRef(g.value) for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def labels(self) -> dict:
        # read from Oxigraph's solutions directly: through query() every IRI and label would also
        # fill the term memo, which held 260 MB more at 10,000 synthetic cases
        if getattr(self, "_labels", None) is None:
            solutions = self.store.query(LABELS, use_default_graph_as_union=self.union)
            self._labels = best_labels((x.value, label.value, label.language or None) for x, label in solutions)
        return self._labels


class OxigraphDiskRepository(OxigraphRepository):
    """Oxigraph on disk, read-only (tracktwo.diskstore): the same engine and answers, slower over
    the whole corpus, with the data in the page cache that every process opening it shares."""

    name = "oxigraph-disk"

    def __init__(self, nquads: Path):
        from . import diskstore
        folder, self.union = diskstore.ensure(Path(nquads), lambda store: _union_is_set(nquads, store))
        self.store = diskstore.open_read_only(folder)


# --- rdflib (reference) ---------------------------------------------------------------------

class RdflibRepository(Repository):
    name = "rdflib"

    def __init__(self, nquads: Path):
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(str(nquads), format="nquads")

    def _view(self, default_graphs, named_graphs) -> Dataset:
        """A dataset of the requested graphs, built from ours: rdflib would fetch a FROM IRI."""
        view = Dataset()
        for g in default_graphs or []:
            for t in self.dataset.graph(URIRef(str(g))):
                view.default_graph.add(t)
        for g in named_graphs or []:
            target = view.graph(URIRef(str(g)))
            for t in self.dataset.graph(URIRef(str(g))):
                target.add(t)
        return view

    def query(self, text, bindings=None, default_graphs=None, named_graphs=None, base_iri=None):
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.evaluate import evalQuery
        from rdflib.plugins.sparql.parser import parseQuery
        from rdflib.plugins.sparql.processor import SPARQLResult
        if bindings and any(isinstance(v, (list, tuple, set, frozenset)) for v in bindings.values()):
            text, bindings = inline_values(text, bindings), None  # several rows: initBindings takes one
        try:
            query = translateQuery(parseQuery(text), base=base_iri)
        except Exception as err:  # rdflib raises pyparsing errors and others for bad queries
            raise QuerySyntaxError(f"SPARQL error: {str(err).splitlines()[0] if str(err) else type(err).__name__}") from None
        clause = query.algebra.get("datasetClause") or []
        if default_graphs is None and named_graphs is None and clause:
            default_graphs = [c.default for c in clause if c.get("default")]
            named_graphs = [c.named for c in clause if c.get("named")]
        query.algebra["datasetClause"] = None  # never let rdflib load a graph from the web
        target = self.dataset if default_graphs is None and named_graphs is None else self._view(default_graphs, named_graphs)
        try:  # rdflib evaluates lazily: its errors surface while the rows are read, so read them here
            result = SPARQLResult(evalQuery(target, query, {Variable(k): v for k, v in (bindings or {}).items()}))
            if result.type == "ASK":
                return Result("ask", boolean=bool(result.askAnswer))
            if result.type == "SELECT":
                variables = [str(v) for v in result.vars]
                rows = [{k: row[k] for k in variables if row[k] is not None} for row in result]
                return Result("select", variables, rows)
            graph = bind_prefixes(Graph())
            for t in result.graph:
                graph.add(t)
            return Result("graph", graph=graph)
        except Exception as err:  # noqa: BLE001 - rdflib's evaluation raises many kinds
            raise QueryFailed("the query failed inside the engine", f"{type(err).__name__}: {err}") from None

    def graph_names(self):
        return sorted(g.identifier for g in self.dataset.graphs()
                      if isinstance(g.identifier, URIRef) and len(g) and g.identifier != self.dataset.default_graph.identifier)


# --- a remote SPARQL 1.1 endpoint ------------------------------------------------------------

class SparqlRepository(Repository):
    """Any SPARQL 1.1 endpoint, over kept-alive HTTP connections (tracktwo.remote), with a request
    timeout.

    Every query names its dataset in the protocol, as any SPARQL 1.1 endpoint understands it: the
    default graph is the union that `tracktwo publish` stores as UNION_GRAPH, the named graphs are
    the dataset's own (those under the project's graph namespace). A store's own default graph
    differs between engines (Virtuoso's is every graph it holds, its system graphs included, and
    its Graph Store has none to write to), so it is never relied on. A query with its own FROM /
    FROM NAMED, or a request naming graphs, chooses instead.

    The SPARQL protocol has no way to bind a variable, so parameter values are sent as an inline
    VALUES block at the top of the query's WHERE group (see inline_values).
    """

    name = "sparql"

    def __init__(self, endpoint: str, timeout: float = 30):
        if not re.match(r"^https?://", endpoint or ""):
            raise TrackTwoError(f"TRACKTWO_ENDPOINT must be an http(s) URL of a SPARQL endpoint, not {endpoint!r}")
        from .remote import Transport
        self.endpoint, self.timeout = endpoint, timeout
        self.transport = Transport(endpoint, max(1, timeout))
        self._graphs: list[URIRef] | None = None
        self._dataset_fields: list[tuple[str, str]] | None = None

    def graph_names(self) -> list[URIRef]:
        """The dataset's named graphs, asked of the store once (without naming a dataset, so that
        every graph it holds is seen)."""
        if self._graphs is None:
            rows = self._ask(OWN_GRAPHS, "select", []).rows
            self._graphs = [r["g"] for r in rows]
        return self._graphs

    def _dataset(self, text, default_graphs, named_graphs) -> list[tuple[str, str]]:
        if default_graphs is not None or named_graphs is not None:
            return ([("default-graph-uri", str(g)) for g in default_graphs or []]
                    + [("named-graph-uri", str(g)) for g in named_graphs or []])
        if _has_dataset_clause(text):
            return []
        # the named graphs only for a query that can look at them (GRAPH): 64 graph names cost the
        # Oxigraph server 0.7 ms a query, and without GRAPH the answer is the same
        if not _mentions_graph(text):
            return [("default-graph-uri", UNION_GRAPH)]
        if self._dataset_fields is None:
            self._dataset_fields = [("default-graph-uri", UNION_GRAPH)] + [
                ("named-graph-uri", str(g)) for g in self.graph_names()]
        return self._dataset_fields

    def query(self, text, bindings=None, default_graphs=None, named_graphs=None, base_iri=None):
        dataset = self._dataset(text, default_graphs, named_graphs)
        # the kind of the text as written (read once per text): values inlined below do not change
        # it, and reading the text with them, new for every binding, cost 200-400 ms a query
        kind = query_kind(text)
        if base_iri:
            text = f"BASE <{base_iri}>\n{text}"
        if bindings:
            text = inline_values(text, bindings)
        return self._ask(text, kind, dataset)

    def _ask(self, text: str, kind: str, dataset: list) -> Result:
        wanted = "graph" if kind == "graph" else "select"
        try:
            status, body = self.transport.post([("query", text), *dataset], wanted)
        except (OSError, http.client.HTTPException):
            # (a refused connection too, as SPARQLWrapper's urllib errors were: the server is not there to answer)
            raise QueryTimeout(f"the SPARQL server did not answer within {self.timeout:g} s") from None
        if status >= 300:
            first = body.decode("utf-8", "replace").strip().splitlines()[:1]
            raise QueryFailed("the SPARQL server refused the query",
                              f"{self.endpoint}: HTTP {status}{': ' + first[0][:300] if first else ''}")
        if wanted == "graph":
            graph = bind_prefixes(Graph())
            try:
                graph.parse(data=body, format="turtle")
            except Exception:
                raise QueryTimeout("the SPARQL server sent an unreadable graph (its time limit cuts the body short)") from None
            return Result("graph", graph=graph)
        try:
            data = json.loads(body)
        except ValueError:
            # `oxigraph serve --timeout-s` answers 200 with a truncated body when it cancels a query
            raise QueryTimeout("the SPARQL server sent an unreadable result (its time limit cuts the body short)") from None
        if "boolean" in data:
            return Result("ask", boolean=bool(data["boolean"]))
        if kind == "ask":
            # Virtuoso 7 answers an ASK in JSON as one row of one integer (1 or 0), not as a boolean
            values = [v for b in data["results"]["bindings"] for v in b.values()]
            return Result("ask", boolean=len(values) == 1 and bool(_from_json(values[0]).toPython()))
        variables = data["head"].get("vars", [])
        rows = [{k: _from_json(v) for k, v in b.items()} for b in data["results"]["bindings"]]
        return Result("select", variables, rows)

    def close(self) -> None:
        self.transport.close()


# Where `tracktwo publish` puts the union of the named graphs, which the remote backend names as its
# default graph; and the dataset's named graphs, found by their namespace (a store may hold others).
UNION_GRAPH = "https://w3id.org/tracktwo/union"
OWN_GRAPHS = (f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), \"{GRAPH}\")) }} "
              "ORDER BY ?g")


_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _from_json(value: dict):
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    if value.get("datatype") == _BOOLEAN:
        # in canonical form: Virtuoso writes "1" and "0", which are the same values as "true"/"false"
        return Literal(value["value"] in ("true", "1"))
    if "datatype" in value:
        return Literal(value["value"], datatype=URIRef(value["datatype"]))
    return Literal(value["value"])


@lru_cache(maxsize=1024)
def query_kind(text: str) -> str:
    """select, ask or graph: what a query's answer is (rdflib reads the whole text, so it is kept
    per text)."""
    from rdflib.plugins.sparql.parser import parseQuery
    name = parseQuery(text)[1].name
    return {"SelectQuery": "select", "AskQuery": "ask"}.get(name, "graph")


def inline_values(text: str, bindings: dict) -> str:
    """Insert `VALUES (?a ?b) { (t1 t2) }` right after the opening brace of the WHERE group.

    The values are rdflib terms (typed and validated by the catalogue), written in their N-Triples
    form, which escapes every quote and backslash: user text never becomes query syntax. A list of
    terms for one variable gives one row per term (`VALUES ?s { t1 t2 … }`); the other variables
    take the same value on every row. A VALUES block at the top of the WHERE group joins the whole
    group, so a query uses its parameters in that group (or in branches that bind them), never
    only in a nested FILTER; the test suite checks every saved query against rdflib's true
    pre-binding."""
    at = where_group_opens(text)
    if at is None:
        raise TrackTwoError("cannot bind parameters: the query has no WHERE group")
    names = list(bindings)
    lists = [k for k, v in bindings.items() if isinstance(v, (list, tuple, set, frozenset))]
    if len(lists) > 1:
        raise TrackTwoError(f"only one variable may take several values, not {', '.join(lists)}")
    many = sorted(bindings[lists[0]]) if lists else [None]
    rows = []
    for value in many:
        terms = [(value if k in lists else v).n3() for k, v in bindings.items()]
        rows.append(f"({' '.join(terms)})")
    return f"{text[:at]}\n  VALUES ({' '.join('?' + k for k in names)}) {{ {' '.join(rows)} }}\n{text[at:]}"


# The lexical classes of SPARQL that may hold a brace or the word WHERE without either being
# syntax: strings (long and short), IRIs, comments, variables, prefixed names; then the tokens
# that matter here.
_TOKENS = re.compile(r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|'
                     r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[?$][\w]+|'
                     r'[A-Za-z_][\w.-]*:[\w.:%-]*)|(?P<word>[A-Za-z]+)|(?P<open>[{(])|(?P<close>[})])')


@lru_cache(maxsize=1024)
def where_group_opens(text: str) -> int | None:
    """Where the query's WHERE group opens (just after its brace), read token by token so that a
    brace or a WHERE inside a string, an IRI, a comment, a variable or a prefixed name is not taken
    for syntax, nor a group inside the projection (`(EXISTS { … } AS ?x)`). The WHERE group is the
    first top-level group after the keyword WHERE; with no WHERE (`SELECT * { … }`, `ASK { … }`),
    the first top-level group, or a CONSTRUCT's second (its template comes first). Memoised: pages
    bind the same texts again and again."""
    depth, construct, after_where, groups = 0, False, False, 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "word" and depth == 0:
            word = match.group().upper()
            construct = construct or word == "CONSTRUCT"
            after_where = after_where or word == "WHERE"
        elif kind == "open":
            if depth == 0 and match.group() == "{":
                groups += 1
                if after_where or not construct or groups == 2:
                    return match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    return None


BACKENDS = {"oxigraph": OxigraphRepository, "oxigraph-disk": OxigraphDiskRepository, "rdflib": RdflibRepository,
            "sparql": SparqlRepository}


# Above this size of N-Quads, `auto` serves the dataset from the on-disk store: in memory every
# process holds its own copy (about 9 MB a worker, with its query processes, for each MB of N-Quads:
# 3.1 GB at 10,000 synthetic cases), on disk the machine holds one in its page cache
DISK_ABOVE_MB = 64.0


def choose_backend(backend: str, nquads: Path | None, disk_above_mb: float = DISK_ABOVE_MB) -> str:
    """`auto` made concrete for this dataset: in memory (`oxigraph`) up to disk_above_mb of N-Quads,
    on disk (`oxigraph-disk`) above; any other backend is itself."""
    if backend != "auto":
        return backend
    try:
        size = Path(nquads).stat().st_size if nquads else 0
    except OSError:
        return "oxigraph"   # opening it names the missing file
    return "oxigraph-disk" if size > disk_above_mb * 1024 * 1024 else "oxigraph"


def open_repository(nquads: Path | None, backend: str = "oxigraph", endpoint: str | None = None,
                    timeout: float = 30) -> Repository:
    backend = choose_backend(backend, nquads)
    if backend == "sparql":
        return SparqlRepository(endpoint or "", timeout)
    try:
        cls = BACKENDS[backend]
    except KeyError:
        raise TrackTwoError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}, auto") from None
    return cls(nquads)
