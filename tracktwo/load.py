"""Find the input files of a project and parse them, one graph per file.

A file that cannot be read, is not UTF-8, is not Turtle or holds no triples is reported as
file:line and a message quoting the offending text; nothing is half-loaded. The syntax is checked
by Oxigraph's strict Turtle parser, which knows the line and column of every error (rdflib's
counts lines from the start of the statement, or from where it gave up, and it accepts some
things Turtle does not: an IRI with spaces, a literal as a subject, a bad \\u escape); the graph is
then read by rdflib, with its logging and warnings caught instead of printed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph
import rdflib
from rdflib import BNode, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .caches import used
from .errors import TrackTwoError
from .namespaces import GRAPH, bind_prefixes

SHAPES_FILE = "ontology/shapes.ttl"
PARSED_BNODE = re.compile(r"n([0-9a-f]{32})b(\d+)")   # rdflib's Turtle parser: n{parse}b{counter}


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

    @cached_property
    def parse_ids(self) -> set[str] | None:
        """The parse ids in the names of the graph's blank nodes (rdflib's Turtle parser names them
        n{parse}b{counter}, in document order: one parse id for a file), or None when a blank node
        was named otherwise (a labelled _:x is named at random)."""
        ids = set()
        for triple in self.graph:
            for term in triple:
                if isinstance(term, BNode):
                    m = PARSED_BNODE.fullmatch(str(term))
                    if not m:
                        return None
                    ids.add(m.group(1))
        return ids

    @property
    def is_case(self) -> bool:
        return not (self.name.startswith("ontology/") or self.name.startswith("cases/shared/"))


class SyntaxProblem(TrackTwoError):
    """A file that could not be loaded: kind "syntax" (not Turtle, not UTF-8) or "file" (unreadable, empty)."""

    def __init__(self, name: str, line: int | None, message: str, kind: str = "syntax"):
        self.name, self.line, self.message, self.kind = name, line, message, kind
        where = f"{name}:{line}" if line else name
        super().__init__(f"{where}: {kind}: {message}")


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
            cases = [cls._case_path(root, p) for p in case_files]
        return cls(root, ontology, shapes, shared, cases)

    @staticmethod
    def _case_path(root: Path, name: Path | str) -> Path:
        """A relative name is looked up under the root first (`--root R validate cases/x.ttl` means
        R's cases/x.ttl, even where the current directory has one too), then in the current directory."""
        given = Path(name)
        if given.is_absolute():
            path = given
        elif (root / given).exists() or (root / given).is_symlink():
            path = root / given
        else:
            path = given.absolute()
        if path.is_dir():
            raise TrackTwoError(f"{name}: is a directory, not a Turtle file")
        if not path.exists():
            raise TrackTwoError(f"{name}: no such file")
        return Path(os.path.normpath(path))  # not resolved: a link in cases/ stays the same path as the glob's

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def data_paths(self) -> list[Path]:
        """Everything that goes into the dataset, in a stable order (shapes are not data)."""
        return [*self.ontology, *self.shared, *self.cases]

    def relative(self, path: Path) -> str:
        for candidate in (path.absolute(), path.resolve()):  # a link in cases/ is named where it is
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return str(path)

    def parse_all(self, cache: bool = False) -> tuple[list[InputFile], list[SyntaxProblem]]:
        """Parse every data file; return the parsed ones and the problems of the rest. With `cache`,
        the graph of a file read before with the same text is loaded from build/cache/parsed."""
        parsed, problems = [], []
        cache_dir = self.build_dir / "cache" / "parsed" if cache else None
        for path in self.data_paths():
            try:
                parsed.append(parse_file(path, self.relative(path), cache_dir))
            except SyntaxProblem as problem:
                problems.append(problem)
        return parsed, problems

    def parse_shapes(self) -> Graph:
        return parse_file(self.shapes, self.relative(self.shapes)).graph


@contextmanager
def quiet_rdflib():
    """Keep rdflib's log records and warnings off stderr: given "1993-13-45"^^xsd:date it logs a
    whole traceback, every time such a literal is made. The checks here report such things instead."""
    logger = logging.getLogger("rdflib")
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


# Parsing is most of a run that finds a warm cache everywhere else; a pickled graph loads in a third
# of the time. Its key holds this module's code and rdflib's version, so neither can go stale.
_PARSE_KEY = hashlib.sha256(Path(__file__).read_bytes() + rdflib.__version__.encode()).hexdigest()


def parse_file(path: Path, name: str, cache_dir: Path | None = None) -> InputFile:
    data = read_bytes(path, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise not_utf8(name, data, err) from None
    text = text.removeprefix("\ufeff")  # a byte order mark is allowed; Oxigraph would not skip it
    cached = None
    if cache_dir is not None:
        key = hashlib.sha256("\0".join([_PARSE_KEY, name, path.as_uri(), text]).encode()).hexdigest()
        cached = cache_dir / f"{key}.pickle"
        try:  # only graphs this code parsed without a problem are stored (the cache is build/'s own)
            graph = pickle.loads(cached.read_bytes())
            used(cached)
            return InputFile(path, name, text, graph)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, ImportError):
            pass
    check_turtle(text, name, path.as_uri())
    graph = bind_prefixes(Graph())
    with quiet_rdflib():
        try:
            graph.parse(data=text, format="turtle", publicID=path.as_uri())
        except BadSyntax as err:  # Oxigraph accepted what rdflib does not: place it from rdflib's offset
            line = text.count("\n", 0, max(0, min(err._i, len(text)))) + 1
            raise SyntaxProblem(name, line, f"{err._why} (rdflib)") from None
        except Exception as err:  # rdflib raises assorted errors for bad literals, IRIs ...
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise SyntaxProblem(name, None, f"{first} (rdflib)") from None
    if len(graph) == 0:
        raise SyntaxProblem(name, None, "the file is empty" if not text.strip()
                            else "the file holds no triples (only prefixes and comments)", kind="file")
    if cached is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(graph))
        tmp.replace(cached)
    return InputFile(path, name, text, graph)


def read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise SyntaxProblem(name, None, "is a directory, not a Turtle file", kind="file") from None
    except FileNotFoundError:
        raise SyntaxProblem(name, None, "cannot be read: no such file (a broken symbolic link?)", kind="file") from None
    except OSError as err:
        raise SyntaxProblem(name, None, f"cannot be read: {(err.strerror or str(err)).lower()}", kind="file") from None


def not_utf8(name: str, data: bytes, err: UnicodeDecodeError) -> SyntaxProblem:
    line_start = data.rfind(b"\n", 0, err.start) + 1
    line_end = data.find(b"\n", err.start)
    line = data[line_start:line_end if line_end >= 0 else len(data)]
    column = err.start - line_start
    shown = excerpt(line[:column].decode("utf-8", "replace"), line[column:].decode("utf-8", "backslashreplace"))
    return SyntaxProblem(name, data.count(b"\n", 0, err.start) + 1,
                         f"not UTF-8 text: byte {data[err.start]:#04x} in `{shown}` (save the file as UTF-8)")


def excerpt(before: str, after: str, width: int = 30) -> str:
    """Text around a position on one line, trimmed to about `width` characters each side."""
    before = before.lstrip()
    before = ("…" + before[-width:]) if len(before) > width else before
    after = after.rstrip()
    return before + ((after[:width] + "…") if len(after) > width else after)


_WHERE = re.compile(r"^Parser error (?:at line \d+ (?:between columns \d+ and \d+|column \d+)"
                    r"|between line \d+ column \d+ and line \d+ column \d+): ")
_TOKEN = re.compile(r'"""|\'\'\'|"|\'|<[^>\s]*|[^\s;,.\[\]()]+|\S')


def check_turtle(text: str, name: str, base: str) -> None:
    """Raise a SyntaxProblem at the line of the first Turtle syntax error, quoting the text there."""
    try:
        for _ in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, base_iri=base):
            pass
    except SyntaxError as err:
        line, message = describe(text, err)
        raise SyntaxProblem(name, line, message) from None


def describe(text: str, err: SyntaxError) -> tuple[int | None, str]:
    """Oxigraph's message, placed on the line of the bad token and quoting it."""
    message = _WHERE.sub("", err.msg or str(err))
    if not err.lineno:
        return None, message
    lines = text.split("\n")
    start = _offset(lines, err.lineno, err.offset or 1)
    line = err.lineno
    rest_is_empty = not _significant(text[start:])
    if message.startswith("Unexpected end") or message == "Triples should be followed by a dot":
        if rest_is_empty:
            # the file ends inside a statement: name the line of its last token, not the end of the file
            last, last_line = _last_token(text, start)
            if last.endswith((";", ",", "[", "(")):
                return last_line, f"the file ends in the middle of a statement (after `{last}`)"
            return last_line, f'the last statement has no final "." (it ends with `{last}`)'
        opener = text[start:start + 3]
        first_line = lines[line - 1][(err.offset or 1) - 1:]
        if opener[:1] in "\"'":
            delim = opener if opener in ('"""', "'''") else opener[:1]
            return line, f"string never closed: `{excerpt('', first_line)}` has no closing {delim} before the end of the file"
        if opener[:1] == "<":
            return line, f'IRI never closed: `{excerpt("", first_line)}` has no closing ">"'
        if opener[:1] in "[(":
            close = "]" if opener[:1] == "[" else ")"
            return line, f"`{opener[:1]}` never closed: no matching `{close}` before the end of the file"
    if message.startswith("Invalid IRI code point") and "\n" in text[start:_offset(lines, err.end_lineno or line, err.end_offset or 1)]:
        first_line = lines[line - 1][(err.offset or 1) - 1:]
        return line, f'IRI never closed: `{excerpt("", first_line)}` has no ">" on its line'
    if message.startswith("Line jumps are not allowed in string literals"):
        row = lines[line - 1]
        opened = _open_quote(row)
        if opened is not None:
            return line, f"string not closed on its line: `{excerpt('', row[opened:])}` (close it, or use \"\"\" for text over several lines)"
    span = _span(lines, err)
    if span and span not in message:
        message += f": `{span}`"
    return line, message


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(x) + 1 for x in lines[:line - 1]) + column - 1


def _span(lines: list[str], err: SyntaxError) -> str:
    """The source text Oxigraph points at, on the error's first line."""
    row = lines[err.lineno - 1] if err.lineno <= len(lines) else ""
    begin = (err.offset or 1) - 1
    end = (err.end_offset or 1) - 1 if err.end_lineno == err.lineno else len(row)
    if end <= begin:  # a point: show the token that starts there
        match = _TOKEN.match(row, begin)
        end = match.end() if match else begin
    token = row[begin:end].strip()
    return (token[:40] + "…") if len(token) > 40 else token


def _significant(text: str) -> bool:
    """Whether text holds anything but white space and comments."""
    return any(line.split("#", 1)[0].strip() for line in text.split("\n"))


def _last_token(text: str, end: int) -> tuple[str, int]:
    """The last token before `end` (skipping comments) and its line."""
    lines = text[:end].split("\n")
    for number in range(len(lines), 0, -1):
        code = _strip_comment(lines[number - 1]).rstrip()
        if code:
            token = code.split()[-1]
            return ("…" + token[-40:] if len(token) > 40 else token), number
    return "", 1


def _open_quote(line: str) -> int | None:
    """Where a string left open at the end of the line starts, if one is."""
    return _scan_line(line)[1]


def _strip_comment(line: str) -> str:
    """A line without its trailing comment (a # inside a string or an IRI is kept)."""
    return line[:_scan_line(line)[0]]


def _scan_line(line: str) -> tuple[int, int | None]:
    """(where the code of one line ends: its comment or its end, where a string left open starts)."""
    close, opened, i = None, None, 0
    while i < len(line):
        ch = line[i]
        if close:
            if ch == "\\":
                i += 1  # an escaped character never closes
            elif ch == close:
                close = None
        elif ch in "\"'":
            close, opened = ch, i
        elif ch == "<":
            close = ">"
        elif ch == "#":
            return i, None
        i += 1
    return len(line), (opened if close in ("\"", "'") else None)
