"""Build: validate, reason, and write the dataset as N-Quads, atomically.

One named graph per input file, plus the reasoner's inferences in their own graph. The
build is skipped when no input changed (content hash) unless forced. The file is written
to a temporary name and renamed into place, so an interrupted build leaves the previous
one intact and usable.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from rdflib.plugins.serializers.nquads import _nq_row

from . import __version__
from .dataset import VERSION as DATASET_VERSION
from .bounds import BOUNDS_VERSION, PARTICIPATION_BOUNDS_VERSION, derive_bounds, derive_participation_bounds
from .caches import prune, run_start, used
from .errors import TrackTwoError
from .load import Project
from .namespaces import INFERRED_GRAPH
from .reason import REASONER_VERSION
from .shortcuts import SHORTCUTS_VERSION, derive_shortcuts
from .validate import Report, validate

DATASET_FILE = "tracktwo.nq"
NQUADS_VERSION = "1"   # bump when the lines written for a file change
MANIFEST_FILE = "manifest.json"


class BuildFailed(TrackTwoError):
    def __init__(self, report: Report):
        self.report = report
        super().__init__(f"build stopped: validation found {len(report.problems)} problem(s); "
                         "the previous build, if any, is unchanged")


@dataclass
class BuildResult:
    skipped: bool
    path: Path
    seconds: float
    quads: int
    graphs: int
    reasoned_cases: int = 0
    cache_hits: int = 0
    shacl_reused: int = 0   # input files whose SHACL results came from the cache


def input_digest(project: Project) -> str:
    h = hashlib.sha256(f"{__version__}/{REASONER_VERSION}/{BOUNDS_VERSION}/{PARTICIPATION_BOUNDS_VERSION}/{SHORTCUTS_VERSION}".encode())
    for path in [*project.data_paths(), project.shapes]:
        h.update(project.relative(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def dataset_path(project: Project) -> Path:
    return project.build_dir / DATASET_FILE


def read_manifest(project: Project) -> dict | None:
    try:
        return json.loads((project.build_dir / MANIFEST_FILE).read_text())
    except (OSError, ValueError):
        return None


def build(project: Project, force: bool = False) -> BuildResult:
    started, since = time.perf_counter(), run_start(project.build_dir / "cache")
    digest = input_digest(project)
    target = dataset_path(project)
    manifest = read_manifest(project)
    if not force and manifest and manifest.get("digest") == digest and target.is_file():
        return BuildResult(True, target, time.perf_counter() - started, manifest["quads"], manifest["graphs"])

    report = validate(project)
    if not report.ok:
        raise BuildFailed(report)

    # The reasoner's inferences (cached) and the date and participation bounds (derived afresh from
    # the parsed data on every build, so a cached reasoning result never lacks them), less anything
    # a file asserts. Participations are dated from the bounds of the events their participants
    # attended; direct links (contributedTo, signatory) come from contributions and signatures.
    data = report.data   # the union of the files, which validation built
    bounds = derive_bounds([data])
    bounds |= derive_participation_bounds([data], bounds)
    computed = bounds | derive_shortcuts([data])
    derived = set(report.inferred) | {t for t in computed if t not in data}

    # One N-Quads line per triple and graph, each file's lines kept by its text (they depend on
    # nothing else); blank nodes are named after their file, so the lines of an unchanged file, and
    # the inferences about its signatures and contributions, name them alike from build to build.
    labels = blank_node_labels(report.parsed)
    cache_dir = project.build_dir / "cache" / "nquads"
    lines = set()
    for f in report.parsed:
        lines.update(file_lines(f, labels, cache_dir))
    lines.update(graph_lines(derived, INFERRED_GRAPH, labels))
    lines = sorted(lines)
    prune(cache_dir, since)   # the lines of files as they no longer are
    atomic_write(target, (line + "\n" for line in lines))
    graphs = len(report.parsed) + 1
    seconds = time.perf_counter() - started
    # Whether no triple sits in two graphs: then a store's union view of the named graphs is already
    # a set, and Oxigraph can query it directly instead of holding a copy as the default graph.
    triples = sum(len(f.graph) for f in report.parsed) + len(derived)
    union_is_set = triples == len(data) + len(derived)   # derived holds nothing data asserts
    atomic_write(project.build_dir / MANIFEST_FILE, [json.dumps({
        "version": DATASET_VERSION, "digest": digest, "quads": len(lines), "graphs": graphs, "seconds": round(seconds, 2),
        "union_is_set": union_is_set,
        "files": [f.name for f in report.parsed], "inferred": len(derived),
        "graph_iris": [str(f.graph_iri) for f in report.parsed] + [str(INFERRED_GRAPH)],
    }, indent=2) + "\n"])
    return BuildResult(False, target, seconds, len(lines), graphs, report.reasoned_cases, report.cache_hits,
                       len(report.shacl_reused))


_PARSED_BNODE = re.compile(r"_:n([0-9a-f]{32})b(\d+)")


def blank_node_labels(files) -> dict:
    """{parse id: a label made from the file's name} for every file whose blank nodes all carry the
    Turtle parser's counter; other files' blank nodes keep the names of this parse."""
    labels = {}
    for f in files:
        ids = f.parse_ids
        if ids and len(ids) == 1:
            labels[next(iter(ids))] = "f" + hashlib.sha256(f.name.encode()).hexdigest()[:12]
    return labels


def graph_lines(triples, graph_iri, labels: dict) -> list[str]:
    """The N-Quads lines of triples in one named graph, as rdflib writes them, blank nodes relabelled."""
    rows = (_nq_row(t, graph_iri)[:-1] for t in triples)
    return [_PARSED_BNODE.sub(lambda m: f"_:{labels.get(m.group(1), 'n' + m.group(1))}b{m.group(2)}", row)
            if "_:" in row else row for row in rows]


def file_lines(f, labels: dict, cache_dir: Path) -> list[str]:
    """graph_lines for one input file, kept in cache_dir by its name and text when its blank nodes
    are relabelled (a file whose blank nodes are named at random is written afresh)."""
    stable = f.parse_ids is not None
    key = hashlib.sha256(f"{NQUADS_VERSION}\0{f.name}\0{f.digest}".encode()).hexdigest()
    path = cache_dir / f"{key}.nq"
    if stable and path.is_file():
        lines = path.read_text(encoding="utf-8").split("\n")[:-1]
        used(path)
        return lines
    lines = graph_lines(f.graph, f.graph_iri, labels)
    if stable:
        atomic_write(path, (line + "\n" for line in lines))
    return lines


def atomic_write(target: Path, chunks) -> None:
    """Write chunks to a temporary file beside target, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def require_build(project: Project) -> Path:
    path = dataset_path(project)
    if not path.is_file():
        raise TrackTwoError(f"{project.relative(path)}: no built dataset; run `tracktwo build` first")
    return path

