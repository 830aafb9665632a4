"""Saved queries: one .rq file per question, with grlc-style `#+` decorators.

    #+ summary: one line
    #+ description: what it answers and how to read it
    #+ tags: [bridges, accords]
    #+ defaults: [{role: role:convener}]
    #+ enumerate: [{role: [role:convener, role:funder]}]
    #+ view: table

Parameters follow grlc's convention: ``?_name_type`` is required, ``?__name_type`` optional;
the type suffix is one of iri, integer, decimal, date, boolean, string (string if omitted).
Values are bound as typed RDF terms: rdflib takes them as initial bindings, Oxigraph and remote
endpoints as an inline VALUES block written from the validated terms (tracktwo.store.inline_values);
user text never becomes query syntax. A saved query projects its parameters and uses them in the
top-level group of its WHERE clause (the registry checks the first and hides those columns).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pyparsing import ParseException
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.algebra import translateQuery

from .errors import TrackTwoError
from .namespaces import PREFIXES
from .store import Repository, Result

TYPES = ("iri", "integer", "decimal", "date", "boolean", "string")
VIEWS = ("table", "timeline", "bar", "graph", "map")
KEYS = {"summary", "description", "tags", "defaults", "enumerate", "view"}
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
class SavedQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    view: str = "table"
    params: list[Param] = field(default_factory=list)

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
        result = repo.query(self.text, self.bind(values or {}))
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

def _decorators(path: Path, text: str) -> dict:
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
    if not lines:
        raise QueryFileError(path, 1, "no `#+ summary:` decorator at the top of the file")
    try:
        data = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise QueryFileError(path, mark.line + 1 if mark else None, f"bad decorator: {err}") from None
    if not isinstance(data, dict):
        raise QueryFileError(path, 1, "decorators must be `#+ key: value` lines")
    unknown = set(data) - KEYS
    if unknown:
        raise QueryFileError(path, None, f"unknown decorator(s): {', '.join(sorted(unknown))}; "
                                         f"known: {', '.join(sorted(KEYS))}")
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


def load_query(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    data = _decorators(path, text)
    try:
        parsed = parseQuery(text)
        algebra = translateQuery(parsed).algebra
    except ParseException as err:
        raise QueryFileError(path, err.lineno, f"SPARQL syntax error: {err.msg}") from None
    except Exception as err:  # undefined prefixes and similar surface here
        raise QueryFileError(path, None, f"SPARQL error: {err}") from None
    if algebra.name != "SelectQuery":
        raise QueryFileError(path, None, "a saved query must be a SELECT query")
    if not data.get("summary"):
        raise QueryFileError(path, 1, "the `summary` decorator is required")
    view = data.get("view", "table")
    if view not in VIEWS:
        raise QueryFileError(path, None, f"view {view!r} is not one of {', '.join(VIEWS)}")

    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    projected = {str(v) for v in algebra.get("PV", [])}
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
                raise QueryFileError(path, None, f"`{key}` names parameter {name!r}, which the query does not have"
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
    tags = data.get("tags") or []
    return SavedQuery(path.stem, path, text, str(data["summary"]).strip(), str(data.get("description") or "").strip(),
                      [str(t) for t in (tags if isinstance(tags, list) else [tags])], view, list(params.values()))


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line and not line.lstrip().startswith("#"):
            return number
    return None


class Registry:
    """All saved queries of a checkout, loaded and checked once."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.queries: dict[str, SavedQuery] = {}
        self.errors: list[QueryFileError] = []
        for path in sorted(directory.glob("*.rq")):
            try:
                query = load_query(path)
                self.queries[query.name] = query
            except QueryFileError as err:
                self.errors.append(err)

    def get(self, name: str) -> SavedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise TrackTwoError(f"no saved query {name!r}; `tracktwo query list` shows them") from None

    def check(self) -> None:
        if self.errors:
            raise TrackTwoError("broken saved queries:\n" + "\n".join(str(e) for e in self.errors))
