"""Read-only SPARQL: read a query once, refuse what must not run, and format results for people.

The engines and rdflib's parser disagree on codepoint escapes (`\\u0022` inside a string is an
escaped quote to Oxigraph and a real quote to rdflib), so a check made on the text as sent could
be bypassed: the check saw a comment where Oxigraph saw SERVICE. `read_query` therefore applies
SPARQL 1.1's escape rule (section 19.2: `\\uXXXX` and `\\UXXXXXXXX` are replaced everywhere, before
parsing) once, here, refuses what could still be read two ways, checks that text with rdflib's
parser, and returns *that text* for the engine to run: the check and the engine read the same
characters (with every line ending in LF: engines disagreed on a lone CR in a comment too).
Updates (including LOAD) and SERVICE are refused; FROM / FROM NAMED pass, since the
stores resolve them against the dataset's own graphs and never fetch (see tracktwo.store).
The query workers cannot open a network socket either (tracktwo.sandbox): the check is one layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from pyparsing import ParseException, ParseResults

from .errors import TrackTwoError
from .namespaces import bind_prefixes, qname, sparql_prologue
from .store import QuerySyntaxError, Repository, Result


class QueryRefused(TrackTwoError):
    """A query that is well-formed but not allowed (an update, SERVICE, an ambiguous text)."""


@dataclass(frozen=True)
class ReadQuery:
    """A query as the engine will run it: escapes applied once, checked, and its kind."""

    text: str
    kind: str  # "select", "ask" or "graph"


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Characters that parsers treat differently (NUL ends a C string; some take U+0085, U+2028 and
# U+2029 for line ends) and that no query needs: refused rather than guessed at.
_AMBIGUOUS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")


def _codepoint(match: re.Match) -> str:
    value = int(match.group(1) or match.group(2), 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise QueryRefused(f"the escape {match.group(0)!r} is not a Unicode character")
    return chr(value)


def unescape_codepoints(text: str) -> str:
    """Apply SPARQL's codepoint escapes once. What is left looking like an escape (one an escape
    produced, such as \\u005Cu0022, or one with too few hex digits) would be read differently by
    different parsers, so it is refused, as are control characters and line separators."""
    out = _ESCAPE.sub(_codepoint, text)
    if "\\u" in out or "\\U" in out:
        at = out.find("\\u") if "\\u" in out else out.find("\\U")
        line = out.count("\n", 0, at) + 1
        raise QueryRefused(f"line {line}: a \\u or \\U that is not a complete codepoint escape "
                           "(4 or 8 hex digits) is refused: parsers read it differently")
    bad = _AMBIGUOUS.search(out)
    if bad:
        line = out.count("\n", 0, bad.start()) + 1
        raise QueryRefused(f"line {line}: the control character U+{ord(bad.group(0)):04X} is refused in a query")
    return out


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def read_query(text: str) -> ReadQuery:
    """The query as the engine must run it, or QueryRefused / QuerySyntaxError.

    FROM / FROM NAMED are allowed: the stores resolve them against the dataset's own graphs only
    (an unknown graph is empty)."""
    # one kind of line end: Oxigraph's server ended a comment at a lone CR where rdflib and the
    # embedded Oxigraph did not (so "# x\r SERVICE …" connected out through the remote backend)
    text = unescape_codepoints(text).replace("\r\n", "\n").replace("\r", "\n")
    try:
        parsed = parseQuery(text)
    except ParseException as err:
        try:
            parseUpdate(text)
        except ParseException:
            raise QuerySyntaxError(f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from None
        except Exception:  # noqa: BLE001 - rdflib's update parser fails in other ways too
            raise QuerySyntaxError(f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from None
        raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE …) are refused: the store is read-only") from None
    except RecursionError:
        raise QuerySyntaxError("SPARQL syntax error: the query is nested too deeply to read") from None
    except Exception as err:  # e.g. an undeclared prefix
        raise QuerySyntaxError(f"SPARQL error: {str(err).splitlines()[0] if str(err) else 'the query cannot be read'}") from None
    for node in _walk(parsed):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is refused: queries run over the tracktwo dataset only")
    kind = {"SelectQuery": "select", "AskQuery": "ask"}.get(parsed[1].name, "graph")
    return ReadQuery(text, kind)


def run(repo: Repository, text: str, bindings: dict | None = None) -> Result:
    """Run untrusted text as read by read_query (the text the check saw, not the text as sent)."""
    return repo.query(read_query(text).text, bindings)


def with_prologue(text: str) -> str:
    """Let people write t2:, case:, event: … without declaring them."""
    return sparql_prologue() + text


# --- a table for people on a terminal (machines get results.serialize) ------------------------

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
