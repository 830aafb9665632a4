"""Store backends behind one interface: every view and command talks to a Repository.

Results come back as rdflib terms whatever the engine, so formatting and pages are shared.
The embedded Oxigraph store is the default; rdflib in memory is the reference.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from .errors import TrackTwoError
from .namespaces import bind_prefixes


@dataclass
class Result:
    """A query result: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph."""

    kind: str                                  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class Repository(ABC):
    name = "abstract"

    @abstractmethod
    def query(self, text: str, bindings: dict | None = None) -> Result:
        """Run a read-only SPARQL query; bindings map variable names to rdflib terms."""

    def select(self, text: str, bindings: dict | None = None) -> list[dict]:
        return self.query(text, bindings).rows


# --- Oxigraph (embedded) -------------------------------------------------------------------

def _to_rdflib(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
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


class OxigraphRepository(Repository):
    name = "oxigraph"

    def __init__(self, nquads: Path):
        self.store = ox.Store()
        try:
            self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as err:
            raise TrackTwoError(f"{nquads}: cannot load the built dataset: {err}") from None
        # The default graph is the union of the named graphs as a set: Oxigraph's own union view
        # repeats a triple found in two graphs, where rdflib (and SPARQL's RDF merge) gives it once.
        self.store.extend([ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                           for q in self.store.quads_for_pattern(None, None, None)])

    def query(self, text, bindings=None):
        subs = {ox.Variable(k): _to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(text, substitutions=subs)
        except SyntaxError as err:
            raise TrackTwoError(f"SPARQL syntax error: {err}") from None
        if isinstance(result, ox.QueryBoolean):
            return Result("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [{v: _to_rdflib(sol[v]) for v in variables if sol[v] is not None} for sol in result]
            return Result("select", variables, rows)
        graph = bind_prefixes(Graph())
        for t in result:
            graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
        return Result("graph", graph=graph)


# --- rdflib (reference) ---------------------------------------------------------------------

class RdflibRepository(Repository):
    name = "rdflib"

    def __init__(self, nquads: Path):
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(str(nquads), format="nquads")

    def query(self, text, bindings=None):
        try:
            result = self.dataset.query(text, initBindings=bindings or {})
        except Exception as err:  # rdflib raises pyparsing errors and others for bad queries
            raise TrackTwoError(f"SPARQL error: {str(err).splitlines()[0]}") from None
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


BACKENDS = {"oxigraph": OxigraphRepository, "rdflib": RdflibRepository}


def open_repository(nquads: Path, backend: str = "oxigraph") -> Repository:
    try:
        cls = BACKENDS[backend]
    except KeyError:
        raise TrackTwoError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}") from None
    return cls(nquads)
