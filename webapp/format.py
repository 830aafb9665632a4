"""Jinja filters: dates at their precision, IRIs as links to their pages, short names."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from rdflib import Literal, URIRef

from tracktwo.namespaces import ID, T2, qname

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def date_at(value, precision=None) -> str:
    """1991-10-01 with t2:Month -> "October 1991"; with t2:Year -> "1991"; with t2:Day -> "1 October 1991"."""
    if value is None:
        return ""
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    p = str(precision or T2.Day)
    if p == str(T2.Year):
        return str(day.year)
    if p == str(T2.Month):
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def local_path(iri) -> str | None:
    """The app's own page for one of our IRIs: …/id/case/x -> /id/case/x, …/ontology#Case -> /ontology#Case."""
    text = str(iri)
    if text.startswith(str(T2)):
        return "/ontology#" + text[len(str(T2)):]
    return "/id/" + text[len(ID):] if text.startswith(ID) else None


def web_url(value) -> bool:
    """True for an http(s) address: the only IRIs that become links, besides our own. Any IRI can
    come out of a query (IRI("javascript:alert(1)") in the SPARQL editor), and a browser would run
    a javascript: or data: link when it is clicked."""
    try:
        parts = urlsplit(str(value))
    except ValueError:  # an unbalanced [ in the host part
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link(iri, label=None) -> Markup:
    """An <a> to the resource's page (or to the IRI itself when it is an http(s) address), label
    escaped; any other IRI is plain text."""
    if iri is None:
        return Markup("")
    # a missing label may come as None, "" or Jinja's Undefined (row.xLabel of a row without it)
    text = escape(label if label is not None and str(label) != "" else qname(iri))
    href = local_path(iri) or (str(iri) if web_url(iri) else None)
    if href is not None:
        return Markup(f'<a href="{escape(href)}">{text}</a>')
    return Markup(text)


def shown_columns(variables: list[str]) -> list[str]:
    """Result columns to show: `xLabel` and `xPrecision` go with column `x`, not on their own."""
    names = set(variables)
    return [v for v in variables
            if not any(v.endswith(s) and v[: -len(s)] in names for s in ("Label", "Precision"))]


_URL = re.compile(r'(?<!href=")https?://[^\s<>"]+[^\s<>".,;:)]')
_DOI = re.compile(r"\bdoi:\s?(10\.\d{4,9}/[^\s<>\"]+[^\s<>\".,;:)])", re.IGNORECASE)


def linkify(html) -> Markup:
    """Addresses and DOIs in text already escaped (a formatted citation, say) as links: a reader
    should not have to copy them. Only http(s) addresses; a DOI goes to doi.org."""
    text = str(html if isinstance(html, Markup) else escape(html))
    text = _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="nofollow">{m.group(0)}</a>', text)
    text = _DOI.sub(lambda m: f'<a href="https://doi.org/{m.group(1)}" rel="nofollow">doi:{m.group(1)}</a>', text)
    return Markup(text)


def value_of(prop, value) -> Markup:
    """A literal value as a page shows it: a source's address or DOI as a link, anything else as text."""
    if str(prop) == str(T2.doi):
        return linkify(f"doi:{value}")
    if str(prop) == str(T2.url) and web_url(value):
        return linkify(str(value))
    return Markup(escape(value))


def heading(variable: str) -> str:
    """A result column's name as people read it: unofficialRole -> "Unofficial role"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable.replace("_", " ")).split()
    return " ".join(words).capitalize() if words else variable


def label_of(iri) -> str:
    """The label of a resource or term (a property's rdfs:label: "signed on", not t2:signedOn), or
    its short name when it has none."""
    from .state import state
    found = state().repo.labels().get(str(iri))
    return str(found) if found is not None else qname(iri)


def cell_text(row: dict, column: str) -> str:
    """What a person reads for a cell: its label beside an IRI, else the label the store knows, else the value."""
    value = row.get(column)
    if value is None:
        return ""
    label = row.get(f"{column}Label")
    if label is None and isinstance(value, URIRef):
        from .state import state
        label = state().repo.labels().get(str(value))
    return str(label if label is not None else (qname(value) if isinstance(value, URIRef) else value))


def lead_time(row) -> str:
    """A bridge's lead time to its accord, in words, from the whole-month bounds the query gives:
    "4 months", "3–4 months", "the same day", or the range when the dates overlap."""
    if row.get("minMonths") is None or row.get("maxMonths") is None:
        return "no signing date"
    low, high, order = int(row["minMonths"]), int(row["maxMonths"]), str(row.get("order", ""))
    if order == "same day":
        return "the same day"
    span = f"{low} months" if low == high else f"{low}–{high} months"
    if order == "before":
        return span + " before"
    if order == "after":
        return "after the accord"
    return f"dates overlap: {low} to {high} months"


def register(app) -> None:
    app.jinja_env.filters["date_at"] = date_at
    app.jinja_env.filters["qname"] = qname
    app.jinja_env.filters["link"] = link
    app.jinja_env.globals["link"] = link
    app.jinja_env.globals["date_at"] = date_at
    app.jinja_env.globals["lead_time"] = lead_time
    app.jinja_env.globals["value_of"] = value_of
    app.jinja_env.globals["label_of"] = label_of
    app.jinja_env.globals["heading"] = heading
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.globals["shown_columns"] = shown_columns
    app.jinja_env.tests["literal"] = lambda v: isinstance(v, Literal)
    app.jinja_env.tests["web_url"] = web_url
