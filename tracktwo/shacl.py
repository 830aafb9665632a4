"""SHACL (pyshacl) run file by file, each file's results cached with what they were computed from.

The shapes are applied as pyshacl applies them (the same `Shape.validate` on the same focus nodes
over the whole data graph), but the focus nodes are split by the file that describes them, so that
each file's results can be kept. While a file's focus nodes are validated, the data graph's store
notes every triple pattern looked up (`_Recording`): the results are a function of the answers to
those lookups, so they still hold as long as no changed triple matches one of them. On the next run
the triples of the changed files are compared with those the cache saw, and a file's results are
reused only when its text, its focus nodes and every one of its lookups are unchanged. Blank nodes
(citations, claims, signatures, contributions) are named by their file and their place in it, which
rdflib's Turtle parser gives in document order, so an unchanged file names them the same way.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from array import array
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import rdflib
from pyshacl import Validator
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ValidationFailure
from pyshacl.functions import gather_functions
from pyshacl.graph_abstraction import RdfLibDataGraph
from pyshacl.rules import gather_rules
from pyshacl.target import gather_target_types
from pyshacl.rdfutil.stringify import stringify_blank_node
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.stores.memory import Memory

from .caches import used
from .errors import TrackTwoError
from .load import PARSED_BNODE, SHAPES_FILE, InputFile

# Bump when what is cached, or how it is computed, changes.
SHACL_CACHE_VERSION = "1"
_OPTIONS = dict(inference="none", advanced=True, allow_warnings=True, abort_on_first=False, inplace=True)
COMPLEX_PATH = "(path)"


@dataclass(frozen=True)
class Result:
    """One SHACL result, with what the messages need from its shape (which is re-parsed every run)."""
    warning: bool
    focus: object
    path: object
    value: object
    message: str
    expected_class: URIRef | None     # the shape's sh:class, for "not a known role" messages
    pattern_paths: tuple              # paths the shape's sh:pattern constraints test


def data_graph() -> Graph:
    """An empty graph on a store that can note what is looked up in it."""
    return Graph(store=_Recording())


class _Recording(Memory):
    """A memory store that notes every pattern looked up while `seen` is a set."""
    seen: set | None = None

    def triples(self, triple_pattern, context=None):
        if self.seen is not None:
            self.seen.add(triple_pattern)
        return super().triples(triple_pattern, context)

    def __len__(self, context=None):
        if self.seen is not None:
            self.seen.add((None, None, None))
        return super().__len__(context)


class _Prepared(RdfLibDataGraph):
    """pyshacl parses a SPARQL constraint's text again for every focus node (most of the time of a
    run: 300 ms a node for the ISBN check); the same text gives the same query, so parse it once."""
    _queries: dict = {}

    def __bool__(self):
        # pyshacl writes `datagraph or shapes_graph` for every result: that asks whether the graph has
        # a triple, not which, and every cached file has triples, so it is not noted as a lookup
        store = self.impl.store
        seen, store.seen = store.seen, None
        try:
            return len(self.impl) > 0
        finally:
            store.seen = seen

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str):
            namespaces = initNs or dict(self.impl.namespaces())   # what rdflib's Graph.query would use
            key = (query_object, tuple(sorted(namespaces.items())))
            if key not in self._queries:
                self._queries[key] = translateQuery(parseQuery(query_object), None, namespaces)
            query_object = self._queries[key]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def run(files: list[InputFile], data: Graph, shapes: Graph, shapes_text: str,
        cache_dir: Path | None) -> tuple[list[Result], list[str]]:
    """Every SHACL result over `data` (the union of `files`, on a data_graph()), and the names of the
    files whose results were reused from cache_dir."""
    try:
        return _run(files, data, shapes, shapes_text, cache_dir)
    except (ReportableRuntimeError, ConstraintLoadError, ValidationFailure) as err:
        raise TrackTwoError(f"{SHAPES_FILE}: the shapes cannot be used: {err}") from None


def _run(files, data, shapes, shapes_text, cache_dir):
    dg = _Prepared(store=data.store, impl=data)
    validator = Validator(dg, shacl_graph=shapes, options=dict(_OPTIONS))
    executor = validator.make_executor()
    sg = validator.shacl_graph
    if gather_target_types(sg) or gather_functions(executor, sg) or gather_rules(executor, sg):
        # rules would change the data graph, and custom targets and functions are not set up here
        raise TrackTwoError(f"{SHAPES_FILE}: SHACL-AF rules, functions and custom targets are not supported")
    shape_list = list(sg.shapes)
    for s in shape_list:
        s.set_advanced(True)
    names = _bnode_names(files)
    targeted = [(s, s.focus_nodes(dg)) for s in shape_list]
    if names is None or any(nodes and not isinstance(s.node, URIRef) for s, nodes in targeted):
        cache_dir = None   # nothing to name results by across runs: compute everything, keep nothing
        names = {}
    owner = _owners(files)
    buckets: dict[str, dict] = {f.name: {} for f in files}
    for s, nodes in targeted:
        for n in nodes:
            buckets[owner.get(n, files[0].name)].setdefault(s, []).append(n)

    store = data.store
    state = _load(cache_dir, _global_key(shapes_text)) if cache_dir else None
    digests = {f.name: f.digest for f in files}
    changed = _changed_patterns(state, files, names, cache_dir) if state else None
    results, reused, entries = [], [], {}
    for f in files:
        pairs = sorted((str(s.node), _canon(n, names)) for s, nodes in buckets[f.name].items() for n in nodes)
        entry = state["buckets"].get(f.name) if state and changed is not None else None
        if entry and entry["digest"] == f.digest and entry["pairs"] == pairs and not (changed & entry["lookups"]):
            results += [_restore(r, names) for r in entry["results"]]
            entries[f.name] = entry
            reused.append(f.name)
            continue
        stringify_blank_node.dict_cache = {}   # pyshacl memoises per graph; it must not hide a lookup
        store.seen = set()
        try:
            reports = []
            for s, nodes in buckets[f.name].items():
                reports += s.validate(executor, dg, focus=nodes)[1]
        finally:
            seen, store.seen = store.seen, None
        found = _results(validator, reports, shapes)
        results += found
        entries[f.name] = {"digest": f.digest, "pairs": pairs, "results": [_stored(r, names) for r in found],
                           "lookups": set(_pattern_hashes(seen, names))}
    if cache_dir:
        _save(cache_dir, _global_key(shapes_text), digests, entries, files, names)
    return results, reused


# --- naming things across runs -----------------------------------------------------------------

def _bnode_names(files: list[InputFile]) -> dict | None:
    """{parse id: file name} for the blank nodes of each file, or None when some blank node was not
    named by the Turtle parser's counter (then nothing can be matched with an earlier run)."""
    names = {}
    for f in files:
        ids = f.parse_ids
        if ids is None or len(ids) > 1 or any(i in names for i in ids):
            return None
        names.update({i: f.name for i in ids})
    return names


def _canon(term, names: dict) -> str:
    if term is None:
        return "*"
    if isinstance(term, BNode):
        m = PARSED_BNODE.fullmatch(str(term))
        return f"_:{names.get(m.group(1), m.group(1)) if m else term}#{m.group(2) if m else ''}"
    return term.n3()


def _pattern_hashes(patterns, names: dict):
    for pattern in patterns:
        yield _hash("\0".join(_canon(t, names) for t in pattern))


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def _owners(files: list[InputFile]) -> dict:
    """The file whose results a focus node's go with: the first that describes it, else the first that
    names it (a blank node is in one file only)."""
    owner = {}
    for f in files:
        for s in f.graph.subjects(unique=True):
            owner.setdefault(s, f.name)
    for f in files:
        for o in f.graph.objects(unique=True):
            owner.setdefault(o, f.name)
    return owner


def _stored(r: Result, names: dict) -> Result:
    """Blank nodes as (file, counter), so the same blank node of the next parse can be found."""
    def keep(t):
        if isinstance(t, BNode):
            m = PARSED_BNODE.fullmatch(str(t))
            return ("bnode", names[m.group(1)], m.group(2))
        return t
    return Result(r.warning, keep(r.focus), keep(r.path), keep(r.value), r.message, r.expected_class, r.pattern_paths)


def _restore(r: Result, names: dict) -> Result:
    by_file = {name: parse for parse, name in names.items()}

    def back(t):
        return BNode(f"n{by_file[t[1]]}b{t[2]}") if isinstance(t, tuple) else t
    return Result(r.warning, back(r.focus), back(r.path), back(r.value), r.message, r.expected_class, r.pattern_paths)


# --- what changed since the cache was written ---------------------------------------------------

def _canonical_triples(f: InputFile, names: dict) -> set[tuple]:
    return {tuple(_canon(t, names) for t in triple) for triple in f.graph}


def _changed_patterns(state: dict, files: list[InputFile], names: dict, cache_dir: Path) -> set | None:
    """The hashes of every lookup pattern that a changed triple matches; None when a changed file's
    earlier triples are not at hand (then nothing is reused)."""
    now = {f.name: f for f in files}
    before = state["files"]
    delta = set()
    for name in set(now) | set(before):
        if name in now and before.get(name) == now[name].digest:
            continue
        old = set()
        if name in before:
            try:
                old = pickle.loads((cache_dir / "triples" / f"{before[name]}.pickle").read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, ValueError):
                return None
        new = _canonical_triples(now[name], names) if name in now else set()
        delta |= old ^ new
    hashes = set()
    for s, p, o in delta:
        for a in (s, "*"):
            for b in (p, "*"):
                for c in (o, "*"):
                    hashes.add(_hash(f"{a}\0{b}\0{c}"))
    return hashes


# --- the cache file ---------------------------------------------------------------------------

def _global_key(shapes_text: str) -> str:
    code = Path(__file__).read_text(encoding="utf-8")   # an edit to this module must not reuse older results
    return hashlib.sha256("\0".join([SHACL_CACHE_VERSION, pyshacl.__version__, rdflib.__version__, code,
                                     shapes_text]).encode()).hexdigest()


def _load(cache_dir: Path, key: str) -> dict | None:
    try:
        state = pickle.loads((cache_dir / "state.pickle").read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
        return None   # a missing or damaged cache is recomputed, never trusted
    if not isinstance(state, dict) or state.get("key") != key:
        return None
    for entry in state["buckets"].values():
        entry["lookups"] = set(array("Q", entry["lookups"]))
    return state


def _save(cache_dir: Path, key: str, digests: dict, entries: dict, files: list[InputFile], names: dict) -> None:
    (cache_dir / "triples").mkdir(parents=True, exist_ok=True)
    for f in files:
        path = cache_dir / "triples" / f"{f.digest}.pickle"
        if path.is_file():
            used(path)
        else:
            _write(path, pickle.dumps(_canonical_triples(f, names)))
    stored = {name: {**e, "lookups": array("Q", sorted(e["lookups"])).tobytes()} for name, e in entries.items()}
    _write(cache_dir / "state.pickle", pickle.dumps({"key": key, "files": digests, "buckets": stored}))


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# --- pyshacl's reports as results ---------------------------------------------------------------

def _results(validator: Validator, reports: list, shapes: Graph) -> list[Result]:
    if not reports:
        return []
    graph = validator.create_validation_report(validator.shacl_graph, False, reports)[0]
    out = []
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        shape = graph.value(result, SH.sourceShape)
        out.append(Result(
            warning=graph.value(result, SH.resultSeverity) == SH.Warning,
            focus=graph.value(result, SH.focusNode), path=_path(graph.value(result, SH.resultPath)),
            value=graph.value(result, SH.value),
            message=str(graph.value(result, SH.resultMessage) or "violates a shape"),
            expected_class=shapes.value(shape, SH["class"]) if shape is not None else None,
            pattern_paths=tuple(_pattern_paths(shapes, shape))))
    return out


def _path(path):
    """A result's path: a predicate, COMPLEX_PATH for a sequence or other path (a blank node of the
    shapes graph, which the messages do not name), or None."""
    return COMPLEX_PATH if path is not None and not isinstance(path, URIRef) else path


def _pattern_paths(shapes: Graph, shape) -> list:
    """The paths that sh:pattern constraints test anywhere inside a shape (through sh:or, sh:not …)."""
    paths, seen, todo = [], set(), [shape] if shape is not None else []
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if (node, SH.pattern, None) in shapes:
            path = shapes.value(node, SH.path)
            if isinstance(path, URIRef) and path not in paths:
                paths.append(path)
        for predicate in (SH["or"], SH["and"], SH.xone):
            for head in shapes.objects(node, predicate):
                todo.extend(shapes.items(head))
        for predicate in (SH["not"], SH.property, SH.node):
            todo.extend(shapes.objects(node, predicate))
    return paths
