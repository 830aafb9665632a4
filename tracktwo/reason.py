"""OWL reasoning with HermiT (through owlready2), per case and cached by content hash.

HermiT is handed a *reasoner view* of the data: only class assertions and object property
assertions between named resources, plus the ontology's axioms. Literals are left out
(HermiT rejects xsd:date, and the inferences do not need them), and so are citations and
value claims (blank nodes that carry no inference). The result is the reasoner's new class
and property assertions about data resources, completed with the superclass, superproperty
and inverse assertions that make SPARQL over the built dataset simple.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import JavaMissing, TrackTwoError
from .load import InputFile
from .namespaces import ID, qname

# Bump when the reasoner view or the closure changes, so cached results are not reused.
REASONER_VERSION = "2"
# Datatypes HermiT accepts; ranges naming any other XSD type are left out of the view.
OWL2_DATATYPES = {XSD.string, XSD.boolean, XSD.decimal, XSD.integer, XSD.anyURI, XSD.dateTime}
SCHEMA_PREDICATES = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDF.first, RDF.rest}


@dataclass
class Inconsistency(Exception):
    scope: str              # which files were reasoned over, e.g. "cases/x.ttl (+ ontology and shared files)"
    individuals: list       # IRIs of the individuals involved, where they could be found
    reasons: list[str]

    def __str__(self):
        found = "; ".join(self.reasons) if self.reasons else "the reasoner does not say which individuals are involved"
        return f"{self.scope}: the ontology and data are inconsistent: {found}"


def require_java() -> None:
    if shutil.which("java") is None:
        raise JavaMissing()


class Schema:
    """What the closure and the explanations need to know of the ontology."""

    def __init__(self, ontology: Graph):
        self.graph = ontology
        self.classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        self.object_properties = {p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, URIRef)}
        self.superclasses = {c: self._closure(c, RDFS.subClassOf) for c in self.classes}
        self.superproperties = {p: self._closure(p, RDFS.subPropertyOf) for p in self.object_properties}
        self.inverse = {}
        for a, b in ontology.subject_objects(OWL.inverseOf):
            self.inverse[a], self.inverse[b] = b, a
        self.domain = {p: d for p, d in ontology.subject_objects(RDFS.domain) if isinstance(d, URIRef)}
        self.range = {p: r for p, r in ontology.subject_objects(RDFS.range) if isinstance(r, URIRef)}
        self.disjoint = self._disjoint_pairs()

    def _closure(self, start, predicate):
        seen, todo = set(), [start]
        while todo:
            for parent in self.graph.objects(todo.pop(), predicate):
                if isinstance(parent, URIRef) and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def _disjoint_pairs(self):
        pairs = set()
        for a, b in self.graph.subject_objects(OWL.disjointWith):
            pairs.add(frozenset((a, b)))
        for node in self.graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = list(self.graph.items(self.graph.value(node, OWL.members)))
            pairs.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:])
        return pairs

    def types_with_supers(self, types):
        result = set(types)
        for t in types:
            result |= self.superclasses.get(t, set())
        return result


def reasoner_view(ontology: Graph, data: Graph, schema: Schema) -> Graph:
    view = Graph()
    for s, p, o in ontology:
        if isinstance(o, Literal):
            continue
        if p == RDFS.range and str(o).startswith(str(XSD)) and o not in OWL2_DATATYPES:
            continue
        view.add((s, p, o))
    for s, p, o in data:
        if isinstance(s, BNode) or isinstance(o, (BNode, Literal)):
            continue
        if p == RDF.type and o in schema.classes:
            view.add((s, p, o))
        elif p in schema.object_properties:
            view.add((s, p, o))
    return view


def run_hermit(view: Graph, scope: str) -> set[tuple]:
    """Run HermiT over the view; return the inferred (s, p, o) about data resources."""
    require_java()
    import owlready2  # imported late: it is slow to import and only the reasoner needs it

    with tempfile.TemporaryDirectory(prefix="tracktwo-reason-") as tmp:
        path = Path(tmp) / "view.nt"
        view.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise Inconsistency(scope, [], []) from None
        except owlready2.OwlReadyJavaError as err:
            last = str(err).strip().splitlines()[-1] if str(err).strip() else "unknown error"
            raise TrackTwoError(f"{scope}: the OWL reasoner failed: {last}") from None
        except (OSError, subprocess.SubprocessError) as err:
            raise TrackTwoError(f"{scope}: could not run the OWL reasoner (java): {err}") from None
        inferred = set()
        inferences = world.get_ontology("http://inferrences/")
        for s, p, o in inferences.get_triples():
            if not (isinstance(o, int) and o > 0):
                continue
            triple = tuple(URIRef(world._unabbreviate(x)) for x in (s, p, o))
            if str(triple[0]).startswith(ID):
                inferred.add(triple)
        world.close()
    return inferred


def complete(asserted: Graph, inferred: set[tuple], schema: Schema) -> set[tuple]:
    """Add superclasses, superproperties and inverses; keep only what was not asserted."""
    facts = {(s, p, o) for s, p, o in asserted
             if isinstance(s, URIRef) and isinstance(o, URIRef) and str(s).startswith(ID)}
    facts |= inferred
    closed = set(facts)
    for s, p, o in facts:
        if p == RDF.type:
            closed.update((s, RDF.type, c) for c in schema.superclasses.get(o, ()))
        elif p in schema.object_properties:
            for q in {p} | schema.superproperties.get(p, set()):
                closed.add((s, q, o))
                if q in schema.inverse and str(o).startswith(ID):
                    closed.add((o, schema.inverse[q], s))
    return {t for t in closed if t not in asserted}


def explain(view: Graph, schema: Schema) -> tuple[list[str], list[str]]:
    """Find individuals whose types (asserted, or implied by domains and ranges) are disjoint."""
    types: dict[URIRef, set] = {}
    why: dict[tuple, str] = {}
    for s, p, o in view:
        if not str(s).startswith(ID):
            continue
        if p == RDF.type and o in schema.classes:
            types.setdefault(s, set()).add(o)
            why.setdefault((s, o), f"typed {qname(o)}")
        elif p in schema.object_properties:
            if p in schema.domain:
                types.setdefault(s, set()).add(schema.domain[p])
                why.setdefault((s, schema.domain[p]), f"subject of {qname(p)}")
            if p in schema.range and str(o).startswith(ID):
                types.setdefault(o, set()).add(schema.range[p])
                why.setdefault((o, schema.range[p]), f"object of {qname(p)}")
    individuals, reasons = [], []
    for ind, direct in sorted(types.items()):
        full = {c: {c} | schema.superclasses.get(c, set()) for c in direct}
        for a in sorted(direct):
            for b in sorted(direct):
                if a < b and any(frozenset((x, y)) in schema.disjoint for x in full[a] for y in full[b]):
                    individuals.append(ind)
                    reasons.append(f"{qname(ind)} is both {qname(a)} ({why[(ind, a)]}) and {qname(b)} "
                                   f"({why[(ind, b)]}), which are disjoint")
    return sorted(set(individuals)), reasons


def _union(files: list[InputFile]) -> Graph:
    graph = Graph()
    for f in files:
        graph += f.graph
    return graph


_LINKS: dict[tuple, str] = {}


def links_digest(case: InputFile) -> str:
    """What the reasoning of a data file (a case, a shared file) depends on: its triples between
    named resources (its types and links). Literals and blank nodes go neither into the reasoner view
    nor into the closure, so an edited label, date or citation leaves the cached inferences valid."""
    key = (case.name, case.digest)
    if key not in _LINKS:   # asked for more than once a run; bounded by the files there are
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in case.graph
                       if isinstance(s, URIRef) and isinstance(o, URIRef))
        _LINKS[key] = hashlib.sha256("\n".join([case.name, *lines]).encode()).hexdigest()
    return _LINKS[key]


class Reasoner:
    """Reasons per case (ontology + shared files + one case file), caching by content hash."""

    def __init__(self, ontology_files: list[InputFile], shared_files: list[InputFile], cache_dir: Path | None):
        self.ontology_files, self.shared_files = ontology_files, shared_files
        # the ontology by its text (its axioms use blank nodes: lists of disjoint classes); the shared
        # files, which are data, by their links, as the cases are
        self.base_digest = hashlib.sha256(
            (REASONER_VERSION + "".join(f.digest for f in ontology_files)
             + "".join(links_digest(f) for f in shared_files)).encode()
        ).hexdigest()
        self.cache_dir = cache_dir
        self.cache_hits = 0

    # built only when HermiT runs: a build whose reasoning is all in the cache needs none of them
    @cached_property
    def ontology(self) -> Graph:
        return _union(self.ontology_files)

    @cached_property
    def shared(self) -> Graph:
        return _union(self.shared_files)

    @cached_property
    def schema(self) -> Schema:
        return Schema(self.ontology)

    def infer(self, case: InputFile | None) -> set[tuple]:
        """Inferences for one case file (or for the shared files alone when case is None)."""
        key = hashlib.sha256((self.base_digest + (links_digest(case) if case else "")).encode()).hexdigest()
        cached = self._read_cache(key)
        if cached is not None:
            self.cache_hits += 1
            return cached
        data = self.shared + case.graph if case else self.shared
        scope = f"{case.name} (with the ontology and shared files)" if case else "ontology and shared files"
        view = reasoner_view(self.ontology, data, self.schema)
        try:
            inferred = run_hermit(view, scope)
        except Inconsistency as inc:
            inc.individuals, inc.reasons = explain(view, self.schema)
            raise
        result = complete(self.ontology + data, inferred, self.schema)
        self._write_cache(key, result)
        return result

    def known_consistent(self, cases: list[InputFile]) -> bool:
        """Whether infer_all(cases) is in the cache: then they were found consistent together."""
        path = self._cache_path(self._all_key(cases))
        return bool(path and path.is_file())

    def _all_key(self, cases: list[InputFile]) -> str:
        return hashlib.sha256((self.base_digest + "all" + "".join(links_digest(c) for c in cases)).encode()).hexdigest()

    def infer_all(self, cases: list[InputFile]) -> set[tuple]:
        """Inferences for all the case files in one reasoner run (one JVM and one classification
        instead of one per case: on 25 cases about 20 s instead of 350 s). An inconsistency is
        raised as found; the caller reasons per case to tell which file it is in."""
        key = self._all_key(cases)
        cached = self._read_cache(key)
        if cached is not None:
            self.cache_hits += len(cases)
            return cached
        data = Graph()
        data += self.shared
        for case in cases:
            data += case.graph
        view = reasoner_view(self.ontology, data, self.schema)
        inferred = run_hermit(view, f"{len(cases)} case files (with the ontology and shared files)")
        result = complete(self.ontology + data, inferred, self.schema)
        self._write_cache(key, result)
        return result

    def start_all(self, cases: list[InputFile]) -> "Running":
        """infer_all(cases), begun now beside whatever the caller does next (see Running)."""
        return Running(self, cases)

    def _cache_path(self, key):
        return self.cache_dir / f"{key}.json" if self.cache_dir else None

    def _read_cache(self, key):
        path = self._cache_path(key)
        if path and path.is_file():
            try:
                return {tuple(URIRef(x) for x in t) for t in json.loads(path.read_text())}
            except (ValueError, TypeError):
                return None  # a damaged cache entry is recomputed, not trusted
        return None

    def _write_cache(self, key, triples):
        path = self._cache_path(key)
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(sorted([str(x) for x in t] for t in triples)))
            tmp.replace(path)


class Running:
    """infer_all(cases) in a forked process of its own: HermiT and owlready2's loading are then on the
    other core while this process checks the shapes (a cold build of 60 cases took 33 s one after the
    other; on a thread the two fought over one interpreter and gained 2 s). A result found in the
    cache needs no process. cancel() stops the process and its JVM (a process group of their own)."""

    def __init__(self, reasoner: Reasoner, cases: list[InputFile]):
        self.reasoner, self.cases, self._process = reasoner, cases, None
        self._cached = reasoner._read_cache(reasoner._all_key(cases))
        if self._cached is not None or not hasattr(os, "fork"):
            return
        context = multiprocessing.get_context("fork")
        self._answers, sending = context.Pipe(duplex=False)
        self._process = context.Process(target=_reason_in_child, args=(reasoner, cases, sending), daemon=True)
        self._process.start()
        sending.close()

    def result(self) -> set[tuple]:
        if self._cached is not None:
            self.reasoner.cache_hits += len(self.cases)
            return self._cached
        if self._process is None:   # no fork here (not Linux): in this process, as before
            return self.reasoner.infer_all(self.cases)
        try:
            kind, value = self._answers.recv()
        except EOFError:
            self._process.join()
            raise TrackTwoError(f"the OWL reasoner's process ended without an answer (exit code {self._process.exitcode})") from None
        finally:
            self._answers.close()
        self._process.join()
        if kind == "inconsistent":
            raise Inconsistency(*value)
        if kind == "error":
            raise TrackTwoError(value)
        return value

    def cancel(self) -> None:
        if self._process is None:
            return
        if self._process.exitcode is None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._process.join()
        self._answers.close()   # also when it had finished: its unread answer is not wanted


def _reason_in_child(reasoner: Reasoner, cases: list[InputFile], sending) -> None:
    os.setpgid(0, 0)   # with the JVM it starts, a group cancel() can stop at once
    try:
        answer = ("inferred", reasoner.infer_all(cases))
    except Inconsistency as inc:
        answer = ("inconsistent", (inc.scope, inc.individuals, inc.reasons))
    except TrackTwoError as err:
        answer = ("error", str(err))
    except Exception as err:   # anything else is a bug: say what, not nothing
        answer = ("error", f"the OWL reasoner failed: {type(err).__name__}: {err}")
    sending.send(answer)
    sending.close()
