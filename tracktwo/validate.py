"""Validation: Turtle syntax, SHACL shapes (pyshacl) and OWL consistency (HermiT).

Every problem names the file, the line where it can be found, the resource and what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

from .errors import TrackTwoError
from .load import SHAPES_FILE, InputFile, Project
from .namespaces import qname
from .reason import Inconsistency, Reasoner
from .standard import gaps


@dataclass
class Problem:
    kind: str             # "syntax", "shacl" or "owl"
    file: str
    message: str
    line: int | None = None
    node: str | None = None
    path: str | None = None

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = " ".join(x for x in (self.node, self.path) if x)
        return f"{where}: {self.kind}: {what + ': ' if what else ''}{self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    reasoned_cases: int = 0
    cache_hits: int = 0
    gaps: list = field(default_factory=list)  # what valid cases still lack against the standard
    inferred: set = field(default_factory=set, repr=False)
    parsed: list = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"ok": self.ok, "files": self.files, "problems": [asdict(p) for p in self.problems],
                "gaps": [asdict(g) for g in self.gaps]}


class Locator:
    """Finds the file and line where a resource is described, for error messages."""

    def __init__(self, files: list[InputFile]):
        self.files = files

    def find(self, node, graph: Graph) -> tuple[str | None, int | None, str]:
        subject, label = self._named(node, graph)
        for f in self.files:
            if (subject, None, None) in f.graph:
                return f.name, self._line(f, subject), label
        for f in self.files:
            if (None, None, subject) in f.graph:
                return f.name, self._line(f, subject), label
        return None, None, label

    @staticmethod
    def _named(node, graph):
        """A blank node (a citation, a value claim) is described through the resource holding it."""
        trail = []
        while isinstance(node, BNode):
            holder = next(graph.subject_predicates(node), None)
            if holder is None:
                break
            node, predicate = holder
            trail.append(qname(predicate))
        label = qname(node) + "".join(f" {p} [ … ]" for p in reversed(trail))
        return node, label

    @staticmethod
    def _line(f: InputFile, node) -> int | None:
        if not isinstance(node, URIRef):
            return None
        short = qname(node)
        patterns = [re.escape(f"<{node}>")]
        if not short.startswith("<"):
            patterns.insert(0, r"(?<![\w:/-])" + re.escape(short) + r"(?![\w-])")
        for pattern in patterns:
            # Prefer the line where the resource starts a description (column 0).
            for regex in (re.compile("^" + pattern), re.compile(pattern)):
                for number, line in enumerate(f.text.splitlines(), start=1):
                    if regex.search(line):
                        return number
        return None


def run_shacl(data: Graph, ontology: Graph, shapes: Graph, locator: Locator) -> list[Problem]:
    conforms, results, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none",
        allow_warnings=True, advanced=True, abort_on_first=False,
    )
    if not isinstance(results, Graph):  # pyshacl reports a broken shapes graph this way
        raise TrackTwoError(f"{SHAPES_FILE}: the shapes cannot be used: {results}")
    if conforms:
        return []
    problems = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = str(results.value(result, SH.resultMessage) or "violates a shape")
        value = results.value(result, SH.value)
        if value is not None and "{" not in message and isinstance(value, URIRef) and qname(value) not in message:
            message += f" (value: {qname(value)})"
        file, line, node = locator.find(focus, data)
        problems.append(Problem("shacl", file or "(unknown file)", _tidy(message, data), line, node,
                                qname(path) if isinstance(path, URIRef) else None))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.node or "", p.message))


def _tidy(message: str, graph: Graph) -> str:
    """pyshacl prints IRIs in full inside messages; shorten the project's own."""
    return re.sub(r"<?(https?://[^\s>,)]+)>?", lambda m: qname(URIRef(m.group(1))), message)


def validate(project: Project, reason: bool = True, focus: set[str] | None = None) -> Report:
    """Check every input file. With `focus` (file names), only the problems found in those files and
    in the ontology and shared files are reported, and only those cases are reasoned over."""
    report = Report()
    parsed, syntax = project.parse_all()
    report.files = len(parsed) + len(syntax)
    report.parsed = parsed
    report.problems += [Problem("syntax", p.name, p.message, p.line) for p in syntax]
    try:
        shapes = project.parse_shapes()
    except TrackTwoError as err:
        report.problems.append(Problem("syntax", project.relative(project.shapes), str(err)))
        return report
    if syntax:
        return report  # SHACL over a partial graph would report what is merely missing

    ontology_files = [f for f in parsed if f.name.startswith("ontology/")]
    shared_files = [f for f in parsed if f.name.startswith("cases/shared/")]
    case_files = [f for f in parsed if f not in ontology_files and f not in shared_files]
    data, ontology = Graph(), Graph()
    for f in parsed:
        data += f.graph
    for f in ontology_files:
        ontology += f.graph
    in_focus = lambda name: focus is None or name in focus or not name.startswith("cases/") or name.startswith("cases/shared/")
    report.problems += [p for p in run_shacl(data, ontology, shapes, Locator(parsed)) if in_focus(p.file)]
    case_files = [f for f in case_files if in_focus(f.name)]
    if not report.problems:
        shared = Graph()
        for f in shared_files:
            shared += f.graph
        report.gaps = gaps({f.name: f.graph for f in case_files}, shared)

    if reason and not report.problems:
        reasoner = Reasoner(ontology_files, shared_files, project.build_dir / "cache" / "reasoner")
        try:  # one run over everything; only when that finds an inconsistency, one run per case to place it
            report.inferred |= reasoner.infer_all(case_files)
            report.reasoned_cases = len(case_files)
            per_case = []
        except Inconsistency:
            per_case = case_files or [None]
        for case in per_case:
            try:
                report.inferred |= reasoner.infer(case)
                report.reasoned_cases += 1
            except Inconsistency as inc:
                file = case.name if case else "cases/shared"
                line = Locator([case]).find(inc.individuals[0], data)[1] if case and inc.individuals else None
                report.problems.append(Problem("owl", file, str(inc).split(": ", 1)[1], line,
                                               node=", ".join(qname(i) for i in inc.individuals) or None))
        report.cache_hits = reasoner.cache_hits
        # A case's reasoning can infer what another file asserts (a reading's case is a t2:Case):
        # keep in the inferred graph only what no input file says.
        report.inferred = {t for t in report.inferred if t not in data}
    return report

