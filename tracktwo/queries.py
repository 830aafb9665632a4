"""The query catalogue: every query the project runs is a .rq file with grlc-style `#+` decorators,
read by this one module with one set of rules, loaded and checked once.

Three kinds, one format:

- **saved** (`queries/*.rq`): researchers' questions, shown in the gallery, the OpenAPI description,
  the command line.

      #+ summary: one line
      #+ description: what it answers and how to read it
      #+ tags: [bridges, accords]
      #+ defaults: [{role: role:convener}]
      #+ enumerate: [{role: [role:convener, role:funder]}]
      #+ view: table
      #+ web: /search?q={text}      (optional: the web page that answers this question, parameters filled in)

  Parameters follow grlc's convention: ``?_name_type`` is required, ``?__name_type`` optional;
  the type suffix is one of iri, integer, decimal, date, boolean, string (string if omitted).
- **section** (`webapp/sections/*.rq`): a panel of a resource page, with ``#+ title:``,
  ``#+ kinds: [person, …]``, ``#+ order:``, ``#+ note:``, and either a SELECT in which ``?r`` is the
  resource or ``#+ saved: NAME`` (a saved query with one IRI parameter, set to the resource). A
  section that can be long (a concept thousands of processes use) ends its query with ``LIMIT N``
  and names where the whole list is, ``#+ more: /cases?{kind}={r}``: it shows N - 1 rows, and the
  link when the Nth came back.
- **page** (`webapp/queries/*.rq`): a query a page runs, with ``#+ summary:`` and
  ``#+ binds: [case]`` naming the variables the page sets.

Values are bound as typed RDF terms: rdflib takes them as initial bindings, Oxigraph and remote
endpoints as an inline VALUES block written from the validated terms (tracktwo.store.inline_values);
user text never becomes query syntax. A broken file is a QueryFileError naming its file and line,
and a catalogue with any broken file refuses to start (Catalogue.check).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

import yaml
from pyparsing import ParseException
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.algebra import translateQuery

from .errors import TrackTwoError
from .namespaces import PREFIXES, qname
from .store import Repository, Result

TYPES = ("iri", "integer", "decimal", "date", "boolean", "string")
VIEWS = ("table", "timeline", "bar", "graph", "map")
# What each picture is drawn from (its channels, after Vega-Lite's encodings): `#+ encode:` names the
# projected column for each; the required ones must be there, the others may be.
CHANNELS = {
    "bar": ({"label", "value"}, {"colour"}),             # a category, a number; series by colour
    "map": ({"lat", "long"}, {"label", "place"}),         # coordinates, what the marker says
    "timeline": ({"start"}, {"end", "label", "item"}),    # a date (and an end), what it was
    "graph": ({"source", "target"}, {"edge"}),           # two resources and what links them
}
KEYS = {  # the decorators each kind of query takes
    "saved": {"summary", "description", "tags", "defaults", "enumerate", "view", "encode", "web"},
    "section": {"title", "kinds", "order", "note", "saved", "view", "encode", "more"},
    "page": {"summary", "description", "binds"},
    # the tables of the data package (tracktwo/tables/): keys and how some columns are written
    "table": {"summary", "description", "primaryKey", "foreignKeys", "sets", "indicators"},
}
PARAM = re.compile(r"\?(_{1,2})([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


class QueryFileError(TrackTwoError):
    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class ParameterError(TrackTwoError):
    """A missing, ill-typed or not-allowed parameter value; the message names the parameter."""


@dataclass
class Param:
    name: str            # as people write it: case, role, year
    variable: str        # as the query writes it, without "?": _case_iri, __track_iri
    type: str
    required: bool
    default: str | None = None
    allowed: list[str] | None = None

    def convert(self, value: str):
        """The RDF term for a value given as text, or a ParameterError naming this parameter."""
        text = str(value).strip()
        try:
            term = _CONVERT[self.type](text, self.name)
        except (ValueError, TypeError) as err:
            raise ParameterError(f"parameter {self.name!r}: {text!r} is not a valid {self.type} ({err})") from None
        if self.allowed is not None and term not in [_CONVERT[self.type](a, self.name) for a in self.allowed]:
            raise ParameterError(f"parameter {self.name!r}: {text!r} is not one of the allowed values: "
                                 + ", ".join(self.allowed))
        return term


def _iri(text: str, name: str) -> URIRef:
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    elif not sep and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text) and name in PREFIXES:
        text = PREFIXES[name] + text  # a bare slug for a parameter named after a kind: case=oslo-back-channel
    if not IRI.match(text):
        raise ValueError("expected an IRI such as case:oslo-back-channel or https://…")
    return URIRef(text)


def _integer(text, _name):
    return Literal(int(text), datatype=XSD.integer)


def _decimal(text, _name):
    float(text)
    return Literal(text, datatype=XSD.decimal)


def _date(text, _name):
    return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)


def _boolean(text, _name):
    if text.lower() not in ("true", "false"):
        raise ValueError("expected true or false")
    return Literal(text.lower() == "true")


def _string(text, _name):
    return Literal(text)


_CONVERT = {"iri": _iri, "integer": _integer, "decimal": _decimal, "date": _date, "boolean": _boolean,
            "string": _string}


@dataclass
class QuerySpec:
    """One query of the catalogue, whatever its kind."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    view: str = "table"
    params: list[Param] = field(default_factory=list)
    encode: dict = field(default_factory=dict)  # picture channel -> column (see CHANNELS)
    kind: str = "saved"                      # saved | section | page
    title: str = ""                          # a section's heading
    kinds: list[str] = field(default_factory=list)   # the resource kinds a section appears on
    order: int = 9
    note: str = ""
    saved: str | None = None                 # a section that runs a saved query
    binds: list[str] = field(default_factory=list)   # the variables a page or section sets
    variables: list[str] = field(default_factory=list)  # what it projects (SELECT)
    web: str | None = None                   # a saved query's web page elsewhere: "/search?q={text}"
    more: str | None = None                  # a section's complete list elsewhere: "/cases?{kind}={r}"
    shows: int | None = None                 # the rows a section with `more` shows (its LIMIT less one)

    def web_page(self, values: dict[str, str]) -> str | None:
        """The address of the web page that answers this question for these (valid) values, or None
        when the query's own page does: `#+ web: /search?q={text}` with each {name} filled in."""
        if not self.web:
            return None
        return self.web.format(**{p.name: quote_plus(str(values.get(p.name, p.default) or "")) for p in self.params})

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise ParameterError(f"{self.name} has no parameter {name!r}"
                             + (f"; its parameters are {', '.join(p.name for p in self.params)}" if self.params
                                else "; it takes none"))

    def bind(self, values: dict[str, str]) -> dict[str, object]:
        """Typed RDF terms for the given values and the defaults, keyed by query variable."""
        for name in values:
            self.param(name)
        bindings = {}
        for p in self.params:
            value = values.get(p.name, p.default)
            if value is None or value == "":
                if p.required:
                    raise ParameterError(f"{self.name}: parameter {p.name!r} is required ({p.type})")
                continue
            bindings[p.variable] = p.convert(value)
        return bindings

    def run(self, repo: Repository, values: dict[str, str] | None = None, labelled: slice = slice(None)) -> Result:
        """The answer, with labels beside its IRIs in the rows `labelled` picks (all by default; a
        page of results asks only for the rows it shows: labelling 10,000 rows to show 500 cost
        a third as much again as the query itself)."""
        bindings = self.bind(values or {})
        self.check_resources(repo, bindings)
        return self.present(repo, repo.query(self.text, bindings), labelled)

    def check_resources(self, repo: Repository, bindings: dict) -> None:
        """A ParameterError for an IRI parameter naming a resource the dataset does not have: its
        answer would be no rows, which reads as "none" rather than "no such thing"."""
        for p in self.params:
            term = bindings.get(p.variable)
            if p.type != "iri" or term is None or str(term) in repo.labels():
                continue
            known = repo.query("ASK { { ?x ?p ?o } UNION { ?s ?p ?x } }", {"x": term}).boolean
            if not known:
                raise ParameterError(f"parameter {p.name!r}: there is no {qname(term)} in the dataset")

    def present(self, repo: Repository, result: Result, labelled: slice = slice(None)) -> Result:
        """The result as people read it: the parameter columns hidden, labels beside the IRIs."""
        hidden = {p.variable for p in self.params}
        if hidden & set(result.variables):
            result.variables = [v for v in result.variables if v not in hidden]
            for row in result.rows:
                for v in hidden:
                    row.pop(v, None)
        return with_labels(repo, result, labelled)


def with_labels(repo: Repository, result: Result, labelled: slice = slice(None)) -> Result:
    """Add a `<column>Label` column after every IRI column that does not have one, filled in the
    rows `labelled` picks (the columns are the same whichever rows are filled)."""
    if result.kind != "select" or not result.rows:
        return result
    # exact type tests: isinstance() goes through URIRef's ABC machinery, and testing every cell of
    # a column with no IRIs that way cost a third of the query's own time on 2,000-row results
    iri_columns = [v for v in result.variables
                   if f"{v}Label" not in result.variables and not v.endswith("Label")
                   and any(type(r.get(v)) is URIRef for r in result.rows)]
    if not iri_columns:
        return result
    labels = repo.labels()
    variables = []
    for v in result.variables:
        variables.append(v)
        if v in iri_columns:
            variables.append(f"{v}Label")
            for r in result.rows[labelled]:
                label = labels.get(str(r.get(v)))
                if label is not None:
                    r[f"{v}Label"] = label
    result.variables = variables
    return result


# --- loading ---------------------------------------------------------------------------------

def _decorators(path: Path, text: str, kind: str = "saved") -> dict:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" "))
        elif lines and not line.strip():
            continue
        elif line.startswith("#") and not lines:
            continue
        else:
            break
    first = {"saved": "summary", "page": "summary", "table": "summary", "section": "title"}[kind]
    if not lines:
        raise QueryFileError(path, 1, f"no `#+ {first}:` decorator at the top of the file")
    try:
        data = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise QueryFileError(path, mark.line + 1 if mark else None, f"bad decorator: {err}") from None
    if not isinstance(data, dict):
        raise QueryFileError(path, 1, "decorators must be `#+ key: value` lines")
    unknown = set(data) - KEYS[kind]
    if unknown:
        name = sorted(unknown)[0]
        raise QueryFileError(path, _line_of(text, f"#+ {name}", comments=True),
                             f"unknown decorator(s) for a {kind} query: {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(KEYS[kind]))}")
    if not data.get(first):
        raise QueryFileError(path, 1, f"the `{first}` decorator is required")
    return data


def _mapping(path: Path, data, key: str) -> dict:
    """grlc writes defaults/enumerate as a list of one-key maps; accept a plain map as well."""
    value = data.get(key) or {}
    if isinstance(value, list):
        merged = {}
        for item in value:
            if not isinstance(item, dict):
                raise QueryFileError(path, None, f"`{key}` must map parameter names to values")
            merged.update(item)
        value = merged
    if not isinstance(value, dict):
        raise QueryFileError(path, None, f"`{key}` must map parameter names to values")
    return {str(k): v for k, v in value.items()}


@lru_cache(maxsize=1024)
def _algebra(text: str):
    """rdflib's algebra of a query's text, worked out once a process (about 35 ms a file): every app
    a process makes reads the same files, and the tests make many. Only read, never changed."""
    return translateQuery(parseQuery(text)).algebra


def _parse(path: Path, text: str):
    try:
        return _algebra(text)
    except ParseException as err:
        raise QueryFileError(path, err.lineno, f"SPARQL syntax error: {err.msg}") from None
    except Exception as err:  # undefined prefixes and similar surface here
        raise QueryFileError(path, None, f"SPARQL error: {err}") from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryFileError(path, None, f"cannot be read: {err}") from None


def load_query(path: Path, kind: str = "saved") -> QuerySpec:
    """One file of the catalogue, checked by the rules of its kind."""
    text = _read(path)
    data = _decorators(path, text, kind)
    if kind == "section":
        return _section(path, text, data)
    algebra = _parse(path, text)
    projected = [str(v) for v in algebra.get("PV", [])]
    if kind == "page":
        binds = [str(b) for b in (data.get("binds") or [])]
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        for variable in binds:
            if not re.search(rf"[?$]{re.escape(variable)}\b", body):
                raise QueryFileError(path, _line_of(text, "#+ binds", comments=True),
                                     f"`binds` names ?{variable}, which the query does not use")
        return QuerySpec(path.stem, path, text, str(data["summary"]).strip(), str(data.get("description") or "").strip(),
                         kind="page", binds=binds, variables=projected)
    if algebra.name != "SelectQuery":
        raise QueryFileError(path, None, "a saved query must be a SELECT query")
    view = data.get("view", "table")
    if view not in VIEWS:
        raise QueryFileError(path, _line_of(text, "#+ view", comments=True),
                             f"view {view!r} is not one of {', '.join(VIEWS)}")

    encode = _encoding(path, text, data, view, projected)

    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    params: dict[str, Param] = {}
    for underscores, rest in PARAM.findall(body):
        variable = underscores + rest
        *name_parts, last = rest.split("_")
        type_ = last if last in TYPES and name_parts else "string"
        name = "_".join(name_parts) if last in TYPES and name_parts else rest
        if variable not in projected:
            raise QueryFileError(path, _line_of(text, "?" + variable),
                                 f"parameter ?{variable} must be in the SELECT projection "
                                 "(Oxigraph binds only projected variables)")
        params.setdefault(name, Param(name, variable, type_, underscores == "_"))

    defaults, enumerate_ = _mapping(path, data, "defaults"), _mapping(path, data, "enumerate")
    for key, mapping in (("defaults", defaults), ("enumerate", enumerate_)):
        for name in mapping:
            if name not in params:
                raise QueryFileError(path, _line_of(text, f"#+ {key}", comments=True),
                                     f"`{key}` names parameter {name!r}, which the query does not have"
                                     + (f" (it has: {', '.join(params)})" if params else ""))
    for name, p in params.items():
        if name in enumerate_:
            p.allowed = [str(v) for v in (enumerate_[name] or [])]
        if name in defaults:
            p.default = str(defaults[name])
        try:
            if p.default is not None:
                p.convert(p.default)
            for v in p.allowed or []:
                _CONVERT[p.type](v, p.name)
        except (ParameterError, ValueError) as err:
            raise QueryFileError(path, None, f"bad default or enumerated value: {err}") from None
    web = data.get("web")
    if web is not None:
        fields = [f for _, f, _, _ in string.Formatter().parse(str(web)) if f is not None]
        if not str(web).startswith("/") or any(f not in params for f in fields):
            raise QueryFileError(path, _line_of(text, "#+ web", comments=True),
                                 "`web` is a path on this site with the query's parameters in braces, e.g. "
                                 f"/search?q={{text}} (its parameters: {', '.join(params) or 'none'})")
    tags = data.get("tags") or []
    return QuerySpec(path.stem, path, text, str(data["summary"]).strip(), str(data.get("description") or "").strip(),
                     [str(t) for t in (tags if isinstance(tags, list) else [tags])], view, list(params.values()),
                     encode=encode, variables=projected, web=str(web) if web is not None else None)


def _encoding(path: Path, text: str, data: dict, view: str, projected: list[str]) -> dict:
    """The columns a declared picture is drawn from, checked against what the query projects."""
    encode = data.get("encode") or {}
    line = _line_of(text, "#+ encode", comments=True) or _line_of(text, "#+ view", comments=True)
    if not isinstance(encode, dict):
        raise QueryFileError(path, line, "`encode` maps a picture's channels to columns, e.g. {label: type, value: n}")
    if view == "table":
        if encode:
            raise QueryFileError(path, line, "`encode` is for a picture; this query's view is a table")
        return {}
    required, optional = CHANNELS[view]
    missing = sorted(required - set(encode))
    if missing:
        raise QueryFileError(path, line, f"a {view} view needs the column(s) for {', '.join(missing)} in `encode` "
                                         f"(channels: {', '.join(sorted(required | optional))})")
    for channel, column in encode.items():
        if channel not in required | optional:
            raise QueryFileError(path, line, f"a {view} view has no channel {channel!r} "
                                             f"(channels: {', '.join(sorted(required | optional))})")
        if str(column) not in projected:
            raise QueryFileError(path, line, f"`encode` draws {channel} from ?{column}, which the query does not "
                                             f"project (it projects: {', '.join(projected)})")
    return {str(k): str(v) for k, v in encode.items()}


def _section(path: Path, text: str, data: dict) -> QuerySpec:
    kinds = data.get("kinds")
    if not isinstance(kinds, list) or not kinds:
        raise QueryFileError(path, _line_of(text, "#+ kinds", comments=True) or 1,
                             "a section needs `#+ kinds: [...]`, the kinds of resource it appears on")
    try:
        order = int(data.get("order", 9))
    except (TypeError, ValueError):
        raise QueryFileError(path, _line_of(text, "#+ order", comments=True), "`order` must be a whole number") from None
    spec = QuerySpec(path.stem, path, "", "", kind="section", title=str(data["title"]), kinds=[str(k) for k in kinds],
                     order=order, note=str(data.get("note") or ""), saved=data.get("saved"), binds=["r"])
    if not spec.saved:
        spec.text = text
        algebra = _parse(path, text)
        if algebra.name != "SelectQuery":
            raise QueryFileError(path, None, "a section must be a SELECT query (or name a saved one)")
        spec.variables = [str(v) for v in algebra.get("PV", [])]
        if not re.search(r"[?$]r\b", text):
            raise QueryFileError(path, None, "a section's query must use ?r, the resource of the page")
        # a section may draw its rows as a picture too, checked like a saved query's
        spec.view = str(data.get("view", "table"))
        if spec.view not in VIEWS:
            raise QueryFileError(path, _line_of(text, "#+ view", comments=True),
                                 f"view {spec.view!r} is not one of {', '.join(VIEWS)}")
        spec.encode = _encoding(path, text, data, spec.view, spec.variables)
        if data.get("more") is not None:
            spec.more, spec.shows = _more(path, text, data["more"], algebra)
    return spec


def _more(path: Path, text: str, more, algebra) -> tuple[str, int]:
    """A long section's link to its whole list and how many rows it shows: its LIMIT less one (the
    last row only says that there are more)."""
    line = _line_of(text, "#+ more", comments=True)
    fields = [f for _, f, _, _ in string.Formatter().parse(str(more)) if f is not None]
    if not str(more).startswith("/") or any(f not in ("r", "kind") for f in fields):
        raise QueryFileError(path, line, "`more` is a path on this site, with {r} for the resource and {kind} for "
                                         "its kind, e.g. /cases?{kind}={r}")
    limit = algebra.p.get("length") if algebra.p.name == "Slice" else None
    if not limit or limit < 2 or algebra.p.get("start"):
        raise QueryFileError(path, line, "a section with `more` ends its query with LIMIT N (N > 1, no OFFSET): "
                                         "it shows N - 1 rows, and the link when the Nth comes back")
    return str(more), int(limit) - 1


def _line_of(text: str, needle: str, comments: bool = False) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line and (comments or not line.lstrip().startswith("#")):
            return number
    return None


class Catalogue:
    """Every query of a checkout: saved queries, page sections and page queries, loaded and checked
    once. Broken files are collected in `errors` (each names its file and line); `check()` raises
    them all at once, which the web app does at start-up."""

    def __init__(self, saved: Path | None = None, sections: Path | None = None, pages: Path | None = None):
        self.directory = saved
        self.queries: dict[str, QuerySpec] = {}       # saved queries, by name
        self.pages: dict[str, QuerySpec] = {}
        self.sections: dict[str, list[QuerySpec]] = {}  # by the resource kind they appear on
        self.errors: list[QueryFileError] = []
        for kind, directory, into in (("saved", saved, self.queries), ("page", pages, self.pages)):
            for spec in self._load(kind, directory):
                into[spec.name] = spec
        for spec in self._load("section", sections):
            if spec.saved and not self._usable_for_section(spec):
                continue
            for kind in spec.kinds:
                self.sections.setdefault(kind, []).append(spec)
        for specs in self.sections.values():
            specs.sort(key=lambda s: (s.order, s.name))

    def _load(self, kind: str, directory: Path | None):
        for path in sorted(directory.glob("*.rq")) if directory else []:
            try:
                yield load_query(path, kind)
            except QueryFileError as err:
                self.errors.append(err)

    def _usable_for_section(self, spec: QuerySpec) -> bool:
        saved = self.queries.get(spec.saved)
        iris = [p for p in saved.params if p.type == "iri"] if saved else []
        if len(iris) != 1:
            why = "no such saved query" if saved is None else "it does not take exactly one IRI parameter"
            self.errors.append(QueryFileError(spec.path, _line_of(_read(spec.path), "#+ saved", comments=True),
                                              f"`saved: {spec.saved}` cannot be used: {why}"))
            return False
        return True

    def get(self, name: str) -> QuerySpec:
        try:
            return self.queries[name]
        except KeyError:
            raise TrackTwoError(f"no saved query {name!r}; `tracktwo query list` shows them") from None

    def page(self, name: str) -> QuerySpec:
        try:
            return self.pages[name]
        except KeyError:
            raise TrackTwoError(f"no page query {name!r} in the catalogue") from None

    def check(self) -> None:
        if self.errors:
            raise TrackTwoError("broken query files:\n" + "\n".join(str(e) for e in self.errors))


def Registry(directory: Path) -> Catalogue:
    """The saved queries of a folder alone (the command line's and the tests' view)."""
    return Catalogue(saved=directory)
