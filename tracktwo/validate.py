"""Validation: Turtle syntax, literal values, SHACL shapes (pyshacl) and OWL consistency (HermiT).

Every problem names the file, the line of the offending token, the resource and what is wrong,
quoting the bad value.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from . import shacl
from .caches import prune, run_start, used
from .errors import TrackTwoError
from .load import InputFile, Project, quiet_rdflib
from .namespaces import qname
from .reason import Inconsistency, Reasoner
from .standard import Warning, gaps


@dataclass
class Problem:
    kind: str             # "file", "syntax", "literal", "shacl" or "owl"
    file: str
    message: str
    line: int | None = None
    node: str | None = None
    path: str | None = None

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = " ".join(x for x in (self.node, self.path) if x)
        return f"{where}: {self.kind}: {what + ': ' if what else ''}{self.message}"


# --- where a statement is written -------------------------------------------------------------
# rdflib keeps no positions, so the locator reads the (already valid) Turtle text again as tokens.

_TOKEN = re.compile(r'''
    (?P<space>\s+) | (?P<comment>\#[^\n]*)
  | (?P<iri><[^>]*>)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"{3,5}|\'\'\'(?:[^'\\]|\\.|'(?!''))*'{3,5}
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<datatype>\^\^) | (?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<punct>[\[\]();,])
  | (?P<word>[^\s<>"'\[\]();,\#^]+)
''', re.X | re.S)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass
class Token:
    kind: str       # iri, string, datatype, at, punct, word
    text: str
    line: int
    term: object = None   # the IRI or literal lexical form it stands for, once resolved


def _unescape(body: str) -> str:
    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)",
                  lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] in "uU" and len(m.group(1)) > 1
                  else _ESCAPES.get(m.group(1), m.group(1)), body)


def tokens(text: str, base: str) -> list[Token]:
    """The Turtle tokens of a text, with their lines and, where they name a term, the term."""
    out, line, prefixes = [], 1, {}
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "word" and value.endswith(".") and len(value) > 1:  # a name or number never ends with "."
            stripped = value.rstrip(".")
            out.append(Token("word", stripped, line))
            out.extend(Token("punct", ".", line) for _ in value[len(stripped):])
        elif kind == "word" and value == ".":
            out.append(Token("punct", ".", line))
        elif kind not in ("space", "comment"):
            out.append(Token(kind, value, line))
        line += value.count("\n")
    # resolve prefixed names, IRIs and strings
    for i, t in enumerate(out):
        if t.kind == "iri":
            t.term = URIRef(urljoin(base, _unescape(t.text[1:-1])))
            if i >= 2 and out[i - 2].text.lower() in ("@prefix", "prefix"):
                prefixes[out[i - 1].text[:-1]] = str(t.term)
            elif i >= 1 and out[i - 1].text.lower() in ("@base", "base"):
                base = str(t.term)
        elif t.kind == "string":
            quote = 3 if t.text[:3] in ('"""', "'''") else 1
            t.term = _unescape(t.text[quote:-quote])
        elif t.kind == "word":
            if t.text == "a":
                t.term = RDF.type
            elif ":" in t.text and t.text.split(":", 1)[0] in prefixes:
                prefix, local = t.text.split(":", 1)
                t.term = URIRef(prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
            else:
                t.term = t.text  # a number or boolean: its lexical form
    return out


def _matches(token: Token, term) -> bool:
    if isinstance(term, URIRef):
        return isinstance(token.term, URIRef) and token.term == term
    if isinstance(term, Literal):
        return token.kind in ("string", "word") and not isinstance(token.term, URIRef) and token.term == str(term)
    return False


class Locator:
    """Finds the file and the line where a resource, or one statement about it, is written."""

    def __init__(self, files: list[InputFile]):
        self.files = files
        self._tokens: dict[str, list[Token]] = {}

    def file_of(self, node, graph: Graph) -> str | None:
        """The file find() names for node, without looking for the line."""
        subject = self._named(node, graph)[0]
        for f in self.files:
            if (subject, None, None) in f.graph:
                return f.name
        for f in self.files:
            if (None, None, subject) in f.graph:
                return f.name
        return None

    def find(self, node, graph: Graph, path=None, value=None) -> tuple[str | None, int | None, str]:
        """(file, line, label) for node; with path (and value), the line of that statement's value."""
        subject, trail, label = self._named(node, graph)
        if isinstance(path, URIRef) and value is not None:
            for f in self.files:
                if (node, path, value) in f.graph:
                    return f.name, self.line(f, subject, trail, path, value), label
        for f in self.files:
            if (subject, None, None) in f.graph:
                return f.name, self.line(f, subject, trail, path if isinstance(path, URIRef) else None, value), label
        for f in self.files:
            if (None, None, subject) in f.graph:
                return f.name, self.line(f, subject), label
        return None, None, label

    @staticmethod
    def _named(node, graph):
        """A blank node (a citation, a value claim) is described through the resource holding it:
        returns that resource, the predicates leading from it to the node, and a label."""
        trail = []
        while isinstance(node, BNode):
            holder = next(graph.subject_predicates(node), None)
            if holder is None:
                break
            node, predicate = holder
            trail.append(predicate)
        trail.reverse()
        label = qname(node) + "".join(f" {qname(p)} [ … ]" for p in trail)
        return node, trail, label

    def tokens(self, f: InputFile) -> list[Token]:
        if f.name not in self._tokens:
            self._tokens[f.name] = tokens(f.text, f.path.as_uri())
        return self._tokens[f.name]

    def line(self, f: InputFile, subject, trail=(), path=None, value=None) -> int | None:
        """The line of `value` as an object of `path` in a statement about subject (reached
        through the trail of predicates when the statement is about a blank node inside it);
        else the line of the path, else of the subject."""
        if not isinstance(subject, URIRef):
            return None
        toks = self.tokens(f)
        fallback = None
        for start, end in _statements(toks):
            if not _matches(toks[start], subject):
                continue
            if fallback is None:
                fallback = toks[start].line
            ranges = [(start + 1, end)]
            for predicate in trail:   # into the blank nodes, one predicate at a time
                ranges = [inner for lo, hi in ranges for olo, ohi in _objects(toks, lo, hi, predicate)
                          for inner in _brackets(toks, olo, ohi)]
            if path is None:
                if trail and ranges:
                    return toks[ranges[0][0] - 1].line
                continue
            if trail and ranges:
                fallback = toks[ranges[0][0] - 1].line
            for lo, hi in ranges:
                for olo, ohi in _objects(toks, lo, hi, path):
                    if value is None:
                        return toks[olo - 1].line
                    hit = next((t for t in toks[olo:ohi] if _matches(t, value)), None)
                    if hit:
                        return hit.line
                    fallback = toks[olo - 1].line
        return fallback if fallback is not None else self._line(f, subject)

    @staticmethod
    def _line(f: InputFile, node) -> int | None:
        """The first line mentioning node (for resources not written as a statement's subject)."""
        short = qname(node)
        patterns = [re.escape(f"<{node}>")]
        if not short.startswith("<"):
            patterns.insert(0, r"(?<![\w:/-])" + re.escape(short) + r"(?![\w-])")
        for pattern in patterns:
            regex = re.compile(pattern)
            for number, line in enumerate(f.text.splitlines(), start=1):
                if regex.search(line):
                    return number
        return None


def _statements(toks: list[Token]) -> list[tuple[int, int]]:
    """(first, end) token indexes of the triples statements (directives left out)."""
    out, depth, start = [], 0, 0
    for i, t in enumerate(toks):
        if t.kind != "punct":
            continue
        if t.text in "[(":
            depth += 1
        elif t.text in "])":
            depth -= 1
        elif t.text == "." and depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, len(toks)))
    statements = []
    for first, end in out:
        # SPARQL-style PREFIX and BASE lines have no final dot: step over them
        while first < end and toks[first].text.upper() in ("PREFIX", "BASE", "@PREFIX", "@BASE"):
            first += 3 if toks[first].text.upper().endswith("PREFIX") else 2
        if first < end:
            statements.append((first, end))
    return statements


def _brackets(toks: list[Token], lo: int, hi: int) -> list[tuple[int, int]]:
    """Token ranges inside each outermost [ … ] of toks[lo:hi]."""
    out, depth, opened = [], 0, None
    for i in range(lo, hi):
        t = toks[i]
        if t.kind == "punct" and t.text in "[(":
            if depth == 0 and t.text == "[":
                opened = i + 1
            depth += 1
        elif t.kind == "punct" and t.text in "])":
            depth -= 1
            if depth == 0 and t.text == "]" and opened is not None:
                out.append((opened, i))
                opened = None
    return out


def _objects(toks: list[Token], lo: int, hi: int, predicate) -> list[tuple[int, int]]:
    """Token ranges of the object lists of `predicate` directly inside toks[lo:hi] (depth 0 there)."""
    out, depth, i = [], 0, lo
    while i < hi:
        t = toks[i]
        if t.kind == "punct" and t.text in "[(":
            depth += 1
        elif t.kind == "punct" and t.text in "])":
            depth -= 1
        elif depth == 0 and _matches(t, predicate) and (i == lo or toks[i - 1].text == ";"):
            j, d = i + 1, 0
            while j < hi and not (d == 0 and toks[j].kind == "punct" and toks[j].text in ";."):
                if toks[j].kind == "punct" and toks[j].text in "[(":
                    d += 1
                elif toks[j].kind == "punct" and toks[j].text in "])":
                    d -= 1
                    if d < 0:
                        break
                j += 1
            out.append((i + 1, j))
            i = j
            continue
        i += 1
    return out


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    reasoned_cases: int = 0
    cache_hits: int = 0
    shacl_reused: list = field(default_factory=list)   # files whose SHACL results came from the cache
    gaps: list = field(default_factory=list)  # what valid cases still lack against the standard
    inferred: set = field(default_factory=set, repr=False)
    parsed: list = field(default_factory=list, repr=False)
    data: Graph | None = field(default=None, repr=False)   # the union of the parsed files, once SHACL ran

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"ok": self.ok, "files": self.files, "problems": [asdict(p) for p in self.problems],
                "gaps": [asdict(g) for g in self.gaps]}


# --- literal values ----------------------------------------------------------------------------
# rdflib accepts "1993-13-45"^^xsd:date, logs a traceback and carries on with a literal that has
# no value; it does not check gYear at all, and takes "1e5" as a decimal. The XSD lexical forms
# (XML Schema 1.1 part 2) are checked here, the values by Python's calendar, before SHACL runs.

_TZ = r"(Z|[+-]\d\d:\d\d)?"
_YEAR = r"(-?(?:[1-9]\d{3,}|0\d{3}))"
_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")
_FORMS = {  # datatype: (lexical form, how to write it)
    XSD.date: (re.compile(_YEAR + r"-(\d\d)-(\d\d)" + _TZ), 'a date is written YYYY-MM-DD, e.g. "1993-09-13"'),
    XSD.gYearMonth: (re.compile(_YEAR + r"-(\d\d)" + _TZ), 'a year and month is written YYYY-MM, e.g. "1993-09"'),
    XSD.gYear: (re.compile(_YEAR + _TZ), 'a year is written with four digits, e.g. "1993"'),
    XSD.dateTime: (re.compile(_YEAR + r"-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?" + _TZ),
                   'a date and time is written YYYY-MM-DDThh:mm:ss, e.g. "1993-09-13T11:43:00"'),
    XSD.boolean: (re.compile(r"true|false|1|0"), "a boolean is true or false"),
    XSD.decimal: (re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
                  'a decimal is digits with an optional "." (no exponent, no thousands separator), e.g. "41.9028"'),
    XSD.double: (_DOUBLE, 'a number is written like "1.5E3", "-0.25" or "12"'),
    XSD.float: (_DOUBLE, 'a number is written like "1.5E3", "-0.25" or "12"'),
}
_INTEGERS = {XSD.integer: None, XSD.int: None, XSD.long: None, XSD.short: None, XSD.byte: None,
             XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
             XSD.nonPositiveInteger: (None, 0), XSD.negativeInteger: (None, -1),
             XSD.unsignedInt: (0, None), XSD.unsignedLong: (0, None)}


def literal_fault(lexical: str, datatype: URIRef) -> str | None:
    """What is wrong with a typed literal's lexical form or value, or None."""
    if not lexical.isascii() and datatype in (*_INTEGERS, *_FORMS):  # int() and date() take other digits; XSD does not
        return f"is not a valid {qname(datatype)}: it holds characters other than ASCII digits and signs"
    if datatype in _INTEGERS:
        if not re.fullmatch(r"[+-]?\d+", lexical):
            return "is not a whole number"
        bounds = _INTEGERS[datatype]
        if bounds and ((bounds[0] is not None and int(lexical) < bounds[0]) or
                       (bounds[1] is not None and int(lexical) > bounds[1])):
            return f"is out of the range of {qname(datatype)}"
    elif datatype in _FORMS:
        pattern, form = _FORMS[datatype]
        match = pattern.fullmatch(lexical)
        if not match:
            return f"is not a valid {qname(datatype)}: {form}"
        if datatype in (XSD.date, XSD.gYearMonth, XSD.dateTime):
            year, month, day = (int(x) for x in (match.group(1), match.group(2),
                                                 match.group(3) if datatype != XSD.gYearMonth else "1"))
            try:
                datetime.date(year, month, day)
                if datatype == XSD.dateTime:
                    datetime.time(*(int(match.group(i)) for i in (4, 5, 6)))
            except ValueError as err:
                return f"is not a valid {qname(datatype)}: {err}"
        zone = match.groups()[-1] if datatype in (XSD.date, XSD.gYearMonth, XSD.gYear) else None
        if zone:
            return (f"has a time zone ({zone}): the project's dates are calendar dates without one, "
                    f'write "{lexical[:-len(zone)]}"')
    if Literal(lexical, datatype=datatype).ill_typed:   # whatever else rdflib cannot read
        return f"is not a valid {qname(datatype)}"
    return None


def typed_literals(toks: list[Token]):
    """(resource label, predicate, string token, datatype token) for every "…"^^datatype written."""
    for first, end in _statements(toks):
        subject = toks[first].term
        frame = [qname(subject) if isinstance(subject, URIRef) else "[ … ]", None]
        stack, expect, i = [], "predicate", first + 1
        while i < end:
            t = toks[i]
            if t.kind == "punct":
                if t.text == ";":
                    expect = "predicate"
                elif t.text == ",":
                    expect = "object"
                elif t.text == "[":
                    stack.append((frame, expect))
                    label = f"{frame[0]} {qname(frame[1])} [ … ]" if frame[1] is not None else frame[0]
                    frame, expect = [label, None], "predicate"
                elif t.text == "(":
                    stack.append((frame, expect))
                    frame, expect = [frame[0], frame[1]], "list"
                elif t.text in "])" and stack:
                    frame, expect = stack.pop()
                    expect = "list" if expect == "list" else "after"
            elif expect == "predicate":
                frame[1], expect = t.term, "object"
            elif expect in ("object", "list"):
                if t.kind == "string" and i + 2 < end and toks[i + 1].kind == "datatype":
                    yield frame[0], frame[1], t, toks[i + 2]
                    i += 2
                elif t.kind == "string" and i + 1 < end and toks[i + 1].kind == "at":
                    i += 1
                expect = "list" if expect == "list" else "after"
            i += 1


def check_literals(f: InputFile, locator: Locator) -> list[Problem]:
    problems = []
    for label, predicate, value, datatype in typed_literals(locator.tokens(f)):
        if not isinstance(datatype.term, URIRef):
            continue
        fault = literal_fault(value.term, datatype.term)
        if fault:
            written = (value.text if len(value.text) <= 60 else value.text[:57] + "…") + "^^" + datatype.text
            problems.append(Problem("literal", f.name, f"{written} {fault}", value.line, label,
                                    qname(predicate) if isinstance(predicate, URIRef) else None))
    return problems


# the checks are this module's code: a change to it must not reuse what an older version found
_CODE_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def cached_literal_problems(f: InputFile, locator: Locator, cache_dir: Path | None) -> list[Problem]:
    """check_literals, kept per file text: what it finds depends on nothing else."""
    if cache_dir is None:
        return check_literals(f, locator)
    key = hashlib.sha256("\0".join([_CODE_DIGEST, f.path.as_uri(), f.name, f.digest]).encode()).hexdigest()
    path = cache_dir / f"{key}.json"
    try:
        problems = [Problem(**p) for p in json.loads(path.read_text(encoding="utf-8"))]
        used(path)
        return problems
    except (OSError, ValueError, TypeError):
        pass   # not there yet, or damaged: check again
    problems = check_literals(f, locator)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps([asdict(p) for p in problems]), encoding="utf-8")
    tmp.replace(path)
    return problems


_ESCAPE_OUT = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def show(term, width: int = 60) -> str:
    """A term as it would be written in Turtle, on one line and shortened when long, for a message."""
    if isinstance(term, Literal):
        lexical = str(term)
        text = '"' + (lexical[:width] + "…" if len(lexical) > width else lexical).translate(_ESCAPE_OUT) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return text + (f"^^{qname(term.datatype)}" if term.datatype and term.datatype != XSD.string else "")
    return qname(term)


# --- SHACL -------------------------------------------------------------------------------------

def run_shacl(files: list[InputFile], data: Graph, shapes: Graph, locator: Locator,
              shapes_text: str = "", cache_dir=None) -> tuple[list[Problem], list[Warning], list[str]]:
    """Violations as problems; sh:Warning results (the case standard) as warnings, counted elsewhere;
    and the files whose results came from the cache (tracktwo/shacl.py)."""
    results, reused = shacl.run(files, data, shapes, shapes_text, cache_dir)
    problems, warnings = [], []
    for r in results:
        focus, path, value = r.focus, r.path, r.value
        message = _tidy(r.message)
        if r.warning:
            warnings.append(Warning(locator.file_of(focus, data), focus, message))
            continue
        if value == focus:
            value = None
        if path is None and value is None:
            # a node shape's sh:or / sh:not failed: quote the value its patterns test (a date not on the 1st)
            values = [v for p in r.pattern_paths for v in data.objects(focus, p)]
            if len(r.pattern_paths) == 1 and len(values) == 1:
                path, value = r.pattern_paths[0], values[0]
        unknown = _unknown_concept(value, r.expected_class, data)
        if unknown:
            message = unknown
        elif value is not None and not isinstance(value, BNode):
            shown = show(value)
            if shown not in message and (not isinstance(value, Literal) or str(value) not in message):
                message = message.rstrip() + f" (value: {shown})"
        path = path if isinstance(path, URIRef) else None
        file, line, node = locator.find(focus, data, path, value)
        problems.append(Problem("shacl", file or "(unknown file)", message, line, node, qname(path) if path else None))
    # results come in no fixed order: sort, so a report (and the gaps counted from it) reads the same every run
    warnings.sort(key=lambda w: (w.file or "", str(w.focus), w.message))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.node or "", p.message)), warnings, reused


def _unknown_concept(value, expected, data: Graph) -> str | None:
    """For a value that should be a concept of some kind (role:…, eventtype:…) but is not defined
    anywhere: say so, with the closest allowed values, instead of "needs a role" when it has one."""
    if not isinstance(value, URIRef) or (value, None, None) in data:
        return None
    if expected is None or (expected, RDFS.subClassOf, SKOS.Concept) not in data:
        return None
    allowed = sorted(qname(c) for c in data.subjects(RDF.type, expected))
    closest = _closest(qname(value), allowed)
    kind = str(data.value(expected, RDFS.label) or qname(expected)).lower()
    hint = f"did you mean {' or '.join(closest)}? " if closest else ""
    return f"{qname(value)} is not a known {kind}: {hint}(allowed: {', '.join(allowed)}; see docs/vocabulary.md)"


def _closest(written: str, allowed: list[str]) -> list[str]:
    """Up to three allowed names nearest to the written one: those it is the start of, or that are
    the start of it (sourcetype:news for sourcetype:news-article), else the most alike. Compared
    whole, the shared prefix made sourcetype:thesis look nearer than the value meant."""
    local = written.partition(":")[2]
    cut = [a for a in allowed if local and (a.partition(":")[2].startswith(local) or local.startswith(a.partition(":")[2]))]
    return cut[:3] or difflib.get_close_matches(written, allowed, n=3, cutoff=0.8)


def _tidy(message: str) -> str:
    """pyshacl prints IRIs in full inside messages; shorten the project's own (t2:Event, event:x)."""
    def short(m):
        name = qname(URIRef(m.group(1)))
        return m.group(0) if name.startswith("<") else name
    return re.sub(r"<?(https?://[^\s>,)\"]+)>?", short, message)


def validate(project: Project, reason: bool = True, focus: set[str] | None = None, cache: bool = True) -> Report:
    """Check every input file. With `focus` (file names), only the problems found in those files and
    in the ontology and shared files are reported, and only those cases are reasoned over. With
    `cache`, each file's SHACL results are kept under build/cache/shacl and reused while nothing
    they were computed from changed (the report is the same either way)."""
    since = run_start(project.build_dir / "cache")
    with quiet_rdflib():  # rdflib logs tracebacks for bad literals wherever they are touched
        report = _validate(project, reason, focus, cache)
    if cache and set(Project.at(project.root).cases) <= set(project.cases):
        # a run over every input used every entry still worth keeping (SHACL's only when it ran:
        # the triples it compares with must outlive a save with a syntax error)
        cache_dir = project.build_dir / "cache"
        for name in ["parsed", "literals"] + (["shacl/triples"] if report.data is not None else []):
            prune(cache_dir / name, since)
    return report


def _validate(project: Project, reason: bool, focus: set[str] | None, cache: bool) -> Report:
    report = Report()
    parsed, syntax = project.parse_all(cache=cache)
    report.files = len(parsed) + len(syntax)
    report.parsed = parsed
    in_focus = lambda name: focus is None or name in focus or not name.startswith("cases/") or name.startswith("cases/shared/")
    report.problems += [Problem(p.kind, p.name, p.message, p.line) for p in syntax]
    locator = Locator(parsed)
    for f in parsed:
        report.problems += cached_literal_problems(f, locator, project.build_dir / "cache" / "literals" if cache else None)
    try:
        shapes = project.parse_shapes()
    except TrackTwoError as err:
        report.problems.append(Problem(getattr(err, "kind", "syntax"), project.relative(project.shapes),
                                       getattr(err, "message", str(err)), getattr(err, "line", None)))
        return report
    if report.problems:
        return report  # SHACL over a partial graph would report what is merely missing

    ontology_files = [f for f in parsed if f.name.startswith("ontology/")]
    shared_files = [f for f in parsed if f.name.startswith("cases/shared/")]
    case_files = [f for f in parsed if f not in ontology_files and f not in shared_files]
    data = report.data = shacl.data_graph()
    for f in parsed:
        data += f.graph
    all_case_files = case_files
    case_files = [f for f in case_files if in_focus(f.name)]
    reasoner = Reasoner(ontology_files, shared_files, project.build_dir / "cache" / "reasoner") if reason else None
    # Where a focused check needs no reasoner run (the last build found these links consistent), none
    # starts; otherwise the reasoner starts now, in a process beside SHACL, and is used only if SHACL passes.
    known = reasoner is not None and focus is not None and reasoner.known_consistent(all_case_files)
    reasoning = reasoner.start_all(case_files) if reasoner is not None and not known else None
    cache_dir = project.build_dir / "cache" / "shacl" if cache else None
    try:
        violations, warnings, report.shacl_reused = run_shacl(parsed, data, shapes, locator,
                                                              project.shapes.read_text(encoding="utf-8"), cache_dir)
    except BaseException:
        if reasoning is not None:
            reasoning.cancel()
        raise
    report.problems += [p for p in violations if in_focus(p.file)]
    if report.problems and reasoning is not None:
        reasoning.cancel()   # reasoning over data that breaks the shapes would say nothing of use
    if not report.problems:
        report.gaps = gaps(warnings, {f.name: f.graph for f in case_files})

    if reason and not report.problems:
        if known:
            # the last build reasoned over every case as they are now linked and found them consistent:
            # so are the chosen ones (OWL is monotonic), and a check needs no inferences
            report.reasoned_cases = reasoner.cache_hits = len(case_files)
            per_case = []
        else:  # one run over everything; only when that finds an inconsistency, one run per case to place it
            try:
                report.inferred |= reasoning.result()
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
