"""Read-only SPARQL: refuse what must not run, and format results for people and programs.

Queries are inspected after parsing, before they run: updates (including LOAD) and SERVICE are
refused, because the engines would write or open outbound connections. FROM / FROM NAMED pass:
the stores resolve them against the dataset's own graphs and never fetch (see tracktwo.store).
"""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from pyparsing import ParseException, ParseResults

from .errors import TrackTwoError
from .namespaces import bind_prefixes, qname, sparql_prologue
from .store import Repository, Result


class QueryRefused(TrackTwoError):
    """A query that is well-formed but not allowed (an update, SERVICE, a remote dataset)."""


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def check_query(text: str) -> str:
    """Raise QueryRefused or TrackTwoError (syntax) unless text is a safe read-only query.

    Returns the kind of result: "select", "ask" or "graph". FROM / FROM NAMED are allowed: the
    stores resolve them against the dataset's own graphs only (an unknown graph is empty)."""
    try:
        parsed = parseQuery(text)
    except ParseException as err:
        try:
            parseUpdate(text)
        except ParseException:
            raise TrackTwoError(f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from None
        raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE …) are refused: the store is read-only") from None
    except Exception as err:  # e.g. an undeclared prefix
        raise TrackTwoError(f"SPARQL error: {err}") from None
    for node in _walk(parsed):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is refused: queries run over the tracktwo dataset only")
    return {"SelectQuery": "select", "AskQuery": "ask"}.get(parsed[1].name, "graph")


def run(repo: Repository, text: str, bindings: dict | None = None) -> Result:
    check_query(text)
    return repo.query(text, bindings)


def with_prologue(text: str) -> str:
    """Let people write t2:, case:, event: … without declaring them."""
    return sparql_prologue() + text


# --- formatting -----------------------------------------------------------------------------

def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return qname(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def as_table(result: Result) -> str:
    if result.kind == "ask":
        return "yes" if result.boolean else "no"
    if result.kind == "graph":
        return bind_prefixes(result.graph).serialize(format="turtle")
    header = result.variables
    rows = [[_cell(row.get(v)) for v in header] for row in result.rows]
    widths = [min(60, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(header)]
    clip = lambda s, w: s if len(s) <= w else s[: w - 1] + "…"
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(clip(c, w).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def as_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    if result.kind == "graph":
        return result.graph.serialize(format="json-ld")
    return json.dumps({"head": {"vars": result.variables},
                       "results": {"bindings": [{k: _json_term(v) for k, v in row.items()} for row in result.rows]}},
                      ensure_ascii=False, indent=1)


def as_csv(result: Result, delimiter: str = ",") -> str:
    if result.kind == "ask":
        return f"boolean\n{'true' if result.boolean else 'false'}\n"
    if result.kind == "graph":
        raise TrackTwoError("CSV and TSV are for SELECT and ASK results; use --format ttl for a graph")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([str(row.get(v, "")) for v in result.variables])
    return out.getvalue()


FORMATS = {
    "table": as_table,
    "json": as_json,
    "csv": as_csv,
    "tsv": lambda r: as_csv(r, "\t"),
    "ttl": lambda r: r.graph.serialize(format="turtle") if r.kind == "graph" else as_table(r),
}
