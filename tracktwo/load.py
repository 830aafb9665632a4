"""Find the input files of a project and parse them, one graph per file.

A syntax error is reported as file:line and the parser's message; nothing is half-loaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import TrackTwoError
from .namespaces import GRAPH, bind_prefixes

SHAPES_FILE = "ontology/shapes.ttl"


@dataclass
class InputFile:
    path: Path          # absolute
    name: str           # relative to the project root, e.g. cases/oslo-back-channel.ttl
    text: str
    graph: Graph = field(repr=False)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def graph_iri(self) -> URIRef:
        """Named graph of this file in the built dataset: .../graph/cases/oslo-back-channel."""
        return URIRef(GRAPH + self.name.removesuffix(".ttl"))

    @property
    def is_case(self) -> bool:
        return not (self.name.startswith("ontology/") or self.name.startswith("cases/shared/"))


class SyntaxProblem(TrackTwoError):
    def __init__(self, name: str, line: int | None, message: str):
        self.name, self.line, self.message = name, line, message
        where = f"{name}:{line}" if line else name
        super().__init__(f"{where}: Turtle syntax error: {message}")


@dataclass
class Project:
    """The input files of one repository checkout (or of a validation run over chosen files)."""

    root: Path
    ontology: list[Path]
    shapes: Path
    shared: list[Path]
    cases: list[Path]

    @classmethod
    def at(cls, root: Path | str = ".", case_files: list[Path | str] | None = None) -> "Project":
        root = Path(root).resolve()
        if not (root / "ontology" / "tracktwo.ttl").is_file():
            raise TrackTwoError(f"{root}: not a tracktwo checkout (no ontology/tracktwo.ttl); use --root")
        shapes = root / SHAPES_FILE
        ontology = sorted(p for p in (root / "ontology").glob("*.ttl") if p != shapes)
        shared = sorted((root / "cases" / "shared").glob("*.ttl"))
        if case_files is None:
            cases = sorted((root / "cases").glob("*.ttl"))
        else:
            # a relative name is looked up from the current directory, then from the root
            cases = [Path(p).resolve() if Path(p).exists() or Path(p).is_absolute() else (root / p).resolve()
                     for p in case_files]
            for p in cases:
                if not p.is_file():
                    raise TrackTwoError(f"{p}: no such file")
        return cls(root, ontology, shapes, shared, cases)

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def data_paths(self) -> list[Path]:
        """Everything that goes into the dataset, in a stable order (shapes are not data)."""
        return [*self.ontology, *self.shared, *self.cases]

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def parse_all(self) -> tuple[list[InputFile], list[SyntaxProblem]]:
        """Parse every data file; return the parsed ones and the syntax problems of the rest."""
        parsed, problems = [], []
        for path in self.data_paths():
            try:
                parsed.append(parse_file(path, self.relative(path)))
            except SyntaxProblem as problem:
                problems.append(problem)
        return parsed, problems

    def parse_shapes(self) -> Graph:
        return parse_file(self.shapes, self.relative(self.shapes)).graph


def parse_file(path: Path, name: str) -> InputFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SyntaxProblem(name, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    graph = bind_prefixes(Graph())
    try:
        graph.parse(data=text, format="turtle", publicID=path.as_uri())
    except BadSyntax as err:
        raise SyntaxProblem(name, err.lines + 1, err._why) from None
    except Exception as err:  # rdflib raises assorted errors for bad literals, IRIs ...
        raise SyntaxProblem(name, None, str(err).splitlines()[0] if str(err) else type(err).__name__) from None
    return InputFile(path, name, text, graph)
