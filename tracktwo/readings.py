"""The readings catalogue and course packs: filter readings, organise them in sessions, export them.

A reading (t2:Reading) assigns one source with a level, a kind, topics, the cases it serves, the
pages to read and a note on why. A course pack is a title and sessions, each with a title, a note
and reading slugs in order. Exports go through libraries: CSL-JSON items (citations.py) formatted by
citeproc-py, BibTeX written by bibtexparser, RIS written by rispy.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
from urllib.parse import unquote
from dataclasses import asdict, dataclass, field

import bibtexparser
import rispy
from bibtexparser import middlewares, model

from .citations import DEFAULT_STYLE, bibliography, csl_items
from .errors import TrackTwoError
from .namespaces import ID, qname, sparql_prologue

LEVELS = ["introductory", "intermediate", "advanced"]

CATALOGUE = sparql_prologue() + """
SELECT ?reading ?label ?source ?level ?kind ?kindLabel ?pages ?note
       (GROUP_CONCAT(DISTINCT STR(?topic); separator=" ") AS ?topics)
       (GROUP_CONCAT(DISTINCT STR(?case); separator=" ") AS ?cases) WHERE {
  ?reading a t2:Reading ; rdfs:label ?label ; t2:readingOf ?source ; t2:level ?level ; t2:note ?note .
  OPTIONAL { ?reading t2:readingKind ?kind . ?kind skos:prefLabel ?kindLabel }
  OPTIONAL { ?reading t2:readingPages ?pages }
  OPTIONAL { ?reading t2:topic ?topic }
  OPTIONAL { ?reading t2:servesCase ?case }
} GROUP BY ?reading ?label ?source ?level ?kind ?kindLabel ?pages ?note ORDER BY ?label"""

TOPICS = sparql_prologue() + """
SELECT DISTINCT ?topic ?label WHERE { ?r t2:topic ?topic . ?topic skos:prefLabel ?label } ORDER BY ?label"""
CASES = sparql_prologue() + """
SELECT DISTINCT ?case ?label WHERE { ?r t2:servesCase ?case . ?case rdfs:label ?label } ORDER BY ?label"""
KINDS = sparql_prologue() + """
SELECT ?kind ?label WHERE { ?kind skos:inScheme <https://w3id.org/tracktwo/id/scheme/reading-kinds> ; skos:prefLabel ?label } ORDER BY ?label"""


SHORT_ID_LENGTH = 6


def short_id(reading_slug: str) -> str:
    """A short stable name for a reading in a pack's address, from its slug's hash: slugs run to
    forty letters, and a pack of a dozen readings would not fit in a message."""
    digest = base64.b32encode(hashlib.sha1(reading_slug.encode()).digest()).decode().lower()
    return digest[:SHORT_ID_LENGTH]


def slug(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Reading:
    slug: str
    iri: str
    label: str
    source: str
    level: str
    kind: str
    kind_label: str
    note: str
    pages: str = ""
    topics: list[str] = field(default_factory=list)   # qnames: track:track-2, mechanism:sustained-dialogue
    cases: list[str] = field(default_factory=list)    # case slugs


class Catalogue:
    """Every reading with its source as a CSL-JSON item, read from the store once."""

    def __init__(self, repo):
        # Sorted here, not only by ORDER BY: Virtuoso orders long literals by their first 20
        # characters alone ("Morozzo della Rocca, …" came out in load order), and every backend
        # must give the same page.
        self.readings: dict[str, Reading] = {}
        for row in sorted(repo.select(CATALOGUE), key=lambda row: (str(row["label"]), str(row["reading"]))):
            r = Reading(slug(row["reading"]), str(row["reading"]), str(row["label"]), str(row["source"]),
                        str(row["level"]), slug(row.get("kind") or ""), str(row.get("kindLabel") or ""),
                        str(row["note"]), str(row.get("pages") or ""),
                        sorted(qname(t) for t in str(row.get("topics") or "").split()),
                        sorted(slug(c) for c in str(row.get("cases") or "").split()))
            self.readings[r.slug] = r
        self.items = csl_items(repo)
        by_label = lambda pairs: sorted(pairs, key=lambda pair: (pair[1], pair[0]))
        self.topics = by_label((qname(r["topic"]), str(r["label"])) for r in repo.select(TOPICS))
        self.cases = by_label((slug(r["case"]), str(r["label"])) for r in repo.select(CASES))
        self.kinds = by_label((slug(r["kind"]), str(r["label"])) for r in repo.select(KINDS))
        self._citations: dict = {}
        self.by_short: dict[str, str] = {}
        for r in self.readings:
            other = self.by_short.setdefault(short_id(r), r)
            if other != r:  # six base-32 letters give a billion ids; a clash must still not mix readings up
                raise TrackTwoError(f"readings {other!r} and {r!r} share the short id {short_id(r)!r}; "
                                    "lengthen SHORT_ID_LENGTH in tracktwo/readings.py")

    def token(self, reading_slug: str) -> str:
        """How a pack's address names a reading: its short id, or its slug if the catalogue lacks it."""
        return short_id(reading_slug) if reading_slug in self.readings else reading_slug

    def resolve(self, token: str) -> str:
        """The reading a pack's address names, by short id or by slug (older addresses)."""
        return self.by_short.get(token, token)

    def filter(self, case: str = "", topic: str = "", level: str = "", kind: str = "", text: str = "") -> list[Reading]:
        """Readings matching every filter given; a topic may be a qname (mechanism:roadmap) or a bare slug."""
        out = []
        for r in self.readings.values():
            if case and case not in r.cases:
                continue
            if topic and topic not in r.topics and not any(t.split(":", 1)[-1] == topic for t in r.topics):
                continue
            if level and r.level != level:
                continue
            if kind and r.kind != kind:
                continue
            if text and text.casefold() not in (r.label + " " + r.note + " " + self.item(r).get("title", "")).casefold():
                continue
            out.append(r)
        return out

    def citation(self, reading: Reading, style: str = DEFAULT_STYLE) -> str:
        """The reading's source formatted in a CSL style (HTML), kept: citeproc-py takes tens of
        milliseconds an entry, and the catalogue does not change while the store is open."""
        key = (reading.slug, style)
        if key not in self._citations:
            item = self.item(reading)
            self._citations[key] = bibliography([item], style).get(item["id"], "")
        return self._citations[key]

    def item(self, reading: Reading) -> dict:
        """The reading's source as a CSL-JSON item, with the pages to read and the note attached."""
        item = dict(self.items.get(reading.source, {"id": reading.source, "type": "document", "title": reading.label}))
        if reading.pages:
            item["locator"] = reading.pages
        item["note"] = reading.note
        return item


# --- course packs ---------------------------------------------------------------------------

@dataclass
class Session:
    title: str
    note: str = ""
    readings: list[str] = field(default_factory=list)


@dataclass
class Pack:
    title: str = "Course readings"   # DEFAULT_TITLE
    sessions: list[Session] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps({"tracktwo-course-pack": 1, **asdict(self)}, ensure_ascii=False, indent=2)

    def url_args(self, token=lambda slug: slug) -> list[tuple[str, str]]:
        """The pack as query parameters: `title` (left out when it is the default), then one `s`
        per session, so that one damaged session does not lose the others. A session is written
        `ids~title~note`: the readings' short ids joined by dots, then the title and the note with
        `%` and `~` escaped; `token` gives a reading's id (Catalogue.token)."""
        args = [("title", self.title)] if self.title != DEFAULT_TITLE else []
        for s in self.sessions:
            fields = [".".join(token(r) for r in s.readings), _escape(s.title)] + ([_escape(s.note)] if s.note else [])
            args.append(("s", "~".join(fields)))
        return args


DEFAULT_TITLE = "Course readings"


def _escape(text: str) -> str:
    # every % escaped too, so that unquote() gives back exactly the text
    return text.replace("%", "%25").replace("~", "%7E")


def session_heading(n: int, title: str) -> str:
    """"Session 2: Mediation", but "Week 2: Mediation" alone rather than "Session 2: Week 2: …"."""
    if re.match(r"(?i)(session|week|day|class|lecture|unit|module|part|seminar|topic)\s*([0-9]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", title):
        return title
    return f"Session {n}: {title}"


def _session(data, where: str, problems: list[str]) -> Session | None:
    if not isinstance(data, dict):
        problems.append(f"{where}: not a session (expected an object with a title and readings); left out")
        return None
    title = data.get("t", data.get("title"))
    readings = data.get("r", data.get("readings", []))
    note = data.get("n", data.get("note", "")) or ""
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: the session has no title; called it \"Untitled session\"")
        title = "Untitled session"
    if not isinstance(readings, list):
        problems.append(f"{where} ({title}): its readings are not a list; kept the session without them")
        readings = []
    kept = []
    for i, r in enumerate(readings, 1):
        if isinstance(r, str) and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", r):
            kept.append(r)
        else:
            problems.append(f"{where} ({title}), reading {i}: {str(r)[:60]!r} is not a reading's slug; left out")
    return Session(title.strip()[:200], str(note)[:2000], kept)


# A pack is an object of sessions, each an object with a list of slugs: four levels. Anything much
# deeper is not a damaged pack but an attack on the parser (Python's json gives up near 1,000 levels)
MAX_DEPTH = 8
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half of a UTF-16 pair, alone: not a character


def _json(text: str, where: str):
    """JSON text as data, refused (TrackTwoError) when it is nested too deeply or holds text that
    is not Unicode; ValueError when it is not JSON at all."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise TrackTwoError(f"{where}: nested more than {MAX_DEPTH} levels deep; not a course pack") from None
    _check_plain(data, where)
    return data


def _check_plain(data, where: str) -> None:
    """Every string valid Unicode and no more than MAX_DEPTH levels, checked without recursion.
    A JSON escape such as \\ud800 decodes to a lone surrogate, which no page or file can hold."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise TrackTwoError(f"{where}: nested more than {MAX_DEPTH} levels deep; not a course pack")
        if isinstance(item, str) and _SURROGATE.search(item):
            raise TrackTwoError(f"{where}: the text {item[:40]!r} holds a lone surrogate, "
                                "which is not a character (a damaged or forged pack)")
        if isinstance(item, dict):
            stack += [(k, depth) for k in item] + [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]


def pack_from_args(title: str | None, sessions: list[str], resolve=lambda token: token) -> tuple[Pack, list[str]]:
    """A pack from URL parameters, with a message for every part that could not be read; refused
    (TrackTwoError) when it holds text that is not Unicode or JSON nested too deeply. A session is
    `ids~title~note` (see Pack.url_args) or, in addresses made before that, a JSON object;
    `resolve` turns a reading's short id into its slug (Catalogue.resolve)."""
    problems: list[str] = []
    _check_plain(title or "", "the pack's title")
    pack = Pack((title or DEFAULT_TITLE).strip()[:200] or DEFAULT_TITLE)
    for n, text in enumerate(sessions, 1):
        try:
            data = _json(text, f"session {n}") if text.lstrip()[:1] in ("{", "[", '"') else _compact(text, resolve)
        except ValueError:
            problems.append(f"session {n}: {text[:60]!r} is not readable (damaged link?); left out")
            continue
        session = _session(data, f"session {n}", problems)
        if session:
            pack.sessions.append(session)
    return pack, problems


def _compact(text: str, resolve) -> dict:
    """`ids~title~note` as the dict a JSON session would give; ValueError when it is not one."""
    ids, sep, rest = text.partition("~")
    if not sep:
        raise ValueError("no ~ between the readings and the title")
    title, _, note = rest.partition("~")
    _check_plain(unquote(title) + unquote(note), "a session")
    return {"t": unquote(title), "n": unquote(note), "r": [resolve(t) for t in ids.split(".") if t]}


def pack_from_json(text: str, name: str = "the file") -> tuple[Pack, list[str]]:
    """A pack from a saved JSON file, keeping what can be read and saying what could not."""
    try:
        data = _json(text, name)
    except ValueError as err:
        raise TrackTwoError(f"{name}: not a course pack (not JSON: {err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sessions", None), list):
        raise TrackTwoError(f"{name}: not a course pack (expected an object with \"title\" and \"sessions\")")
    problems: list[str] = []
    title = data.get("title") if isinstance(data.get("title"), str) else None
    if title is None:
        problems.append(f"{name}: the pack has no title")
    pack = Pack((title or "Course readings")[:200])
    for n, s in enumerate(data["sessions"], 1):
        session = _session(s, f"{name}, session {n}", problems)
        if session:
            pack.sessions.append(session)
    return pack, problems


def missing(pack: Pack, catalogue: Catalogue) -> list[str]:
    """Readings the pack names that the catalogue no longer has."""
    return [r for s in pack.sessions for r in s.readings if r not in catalogue.readings]


# --- suggested packs --------------------------------------------------------------------------

def suggested(catalogue: Catalogue) -> list[Pack]:
    """An introductory course, then one pack per case, built from the readings' levels, kinds,
    topics and cases (nothing is hand-picked)."""
    rs = list(catalogue.readings.values())
    by_level = lambda xs: sorted(xs, key=lambda r: (LEVELS.index(r.level) if r.level in LEVELS else 9, r.label))
    intro = Pack("Introduction to track two diplomacy", [
        Session("What track two diplomacy is", "Where the term comes from and how the tracks are told apart.",
                [r.slug for r in by_level(r for r in rs if r.kind == "theory" and r.level == "introductory")][:4]),
        Session("How unofficial dialogue works", "Workshops, sustained dialogue and back channels, from those who ran them.",
                [r.slug for r in by_level(r for r in rs if r.kind in ("practitioner-guide", "theory") and r.level != "introductory"
                                          and any(t.startswith("mechanism:") for t in r.topics))][:4]),
        Session("Cases", "One reading for each of a few cases, to set theory against what happened.",
                [r.slug for r in by_level(r for r in rs if r.cases and r.level == "introductory")][:5]),
    ])
    packs = [intro] if any(s.readings for s in intro.sessions) else []
    for case_slug, case_label in catalogue.cases:
        serving = [r for r in rs if case_slug in r.cases]
        topics = {t for r in serving for t in r.topics}
        background = [r for r in rs if r.kind == "theory" and topics & set(r.topics) and r not in serving]
        sessions = [Session("Background", "The ideas the case puts to work.", [r.slug for r in by_level(background)][:3]),
                    Session("The case", "Accounts of what happened, from participants and scholars.",
                            [r.slug for r in by_level(r for r in serving if r.kind != "primary-document")]),
                    Session("The texts", "What the parties themselves wrote and signed.",
                            [r.slug for r in serving if r.kind == "primary-document"])]
        packs.append(Pack(f"Reading pack: {case_label}", [s for s in sessions if s.readings]))
    return packs


# --- exports ----------------------------------------------------------------------------------

def _items(readings: list[Reading], catalogue: Catalogue) -> list[dict]:
    seen, out = set(), []
    for r in readings:
        item = catalogue.item(r)
        if item["id"] not in seen:
            seen.add(item["id"])
            out.append(item)
    return out


def csl_json(readings: list[Reading], catalogue: Catalogue) -> str:
    return json.dumps(_items(readings, catalogue), ensure_ascii=False, indent=2)


BIBTEX_TYPES = {"dataset": "misc", "book": "book", "chapter": "incollection", "article-journal": "article", "report": "techreport",
                "thesis": "phdthesis", "article-newspaper": "article", "webpage": "misc", "interview": "misc",
                "legal_case": "misc", "document": "misc"}


# A name given whole (an organisation, a name not split into family and given) goes in braces, or
# BibTeX takes its last word for a surname ("Group, International Crisis"). The LaTeX encoding would
# escape braces written here, so two private-use characters, which it keeps, stand for them until then.
_OPEN, _CLOSE = "\ue000", "\ue001"
logging.getLogger("pylatexenc.latexencode._unicode_to_latex_encoder").addFilter(
    lambda record: not any(c in record.getMessage() for c in (_OPEN, _CLOSE)))   # kept as meant: say nothing


def _bib_names(names: list[dict], whole=lambda name: name) -> str:
    return " and ".join(f"{n['family']}, {n['given']}" if "family" in n else whole(n["literal"]) for n in names)


def _braced(name: str) -> str:
    return _OPEN + name.replace(_OPEN, "").replace(_CLOSE, "") + _CLOSE


def bibtex(readings: list[Reading], catalogue: Catalogue) -> str:
    return bibtex_of(_items(readings, catalogue))


def bibtex_of(items: list[dict]) -> str:
    """CSL-JSON items as BibTeX (also for citing a page of the site: tracktwo.cite)."""
    library = bibtexparser.Library()
    for item in items:
        fields = [("title", item["title"])]
        if item.get("author"):
            fields.append(("author", _bib_names(item["author"], _braced)))
        if item.get("editor"):
            fields.append(("editor", _bib_names(item["editor"], _braced)))
        if item.get("issued"):
            fields.append(("year", str(item["issued"]["date-parts"][0][0])))
        if item.get("version"):
            fields.append(("version", item["version"]))
        container = {"chapter": "booktitle", "dataset": "howpublished"}.get(item["type"], "journal")
        for csl, bib in (("container-title", container), ("publisher", "publisher"), ("publisher-place", "address"),
                         ("volume", "volume"), ("issue", "number"), ("page", "pages"), ("DOI", "doi"),
                         ("ISBN", "isbn"), ("URL", "url")):
            if item.get(csl):
                fields.append((bib, item[csl]))
        note = item.get("note", "") + (f" Read: {item['locator']}." if item.get("locator") else "")
        if note.strip():
            fields.append(("note", note.strip()))
        key = slug(item["id"])
        library.add(model.Entry(BIBTEX_TYPES.get(item["type"], "misc"), key, [model.Field(k, v) for k, v in fields]))
    text = bibtexparser.write_string(library, prepend_middleware=[middlewares.LatexEncodingMiddleware()])
    return text.replace(_OPEN, "{").replace(_CLOSE, "}")


RIS_TYPES = {"dataset": "DATA", "book": "BOOK", "chapter": "CHAP", "article-journal": "JOUR", "report": "RPRT", "thesis": "THES",
             "article-newspaper": "NEWS", "webpage": "ELEC", "interview": "GEN", "legal_case": "GEN", "document": "GEN"}


def ris(readings: list[Reading], catalogue: Catalogue) -> str:
    return ris_of(_items(readings, catalogue))


def ris_of(items: list[dict]) -> str:
    """CSL-JSON items as RIS."""
    entries = []
    for item in items:
        entry = {"type_of_reference": RIS_TYPES.get(item["type"], "GEN"), "id": slug(item["id"]), "title": item["title"]}
        if item.get("author"):
            entry["authors"] = [_bib_names([n]) for n in item["author"]]
        if item.get("editor"):  # A2: the editors (of the book, for a chapter)
            entry["secondary_authors"] = [_bib_names([n]) for n in item["editor"]]
        if item.get("issued"):
            entry["year"] = str(item["issued"]["date-parts"][0][0])
        for csl, key in (("container-title", "secondary_title"), ("publisher", "publisher"), ("publisher-place", "place_published"),
                         ("volume", "volume"), ("issue", "number"), ("DOI", "doi"), ("URL", "urls"), ("ISBN", "issn")):
            if item.get(csl):
                entry[key] = [item[csl]] if key == "urls" else item[csl]
        if item.get("page"):
            start, _, end = item["page"].replace("–", "-").partition("-")
            entry["start_page"] = start.strip()
            if end:
                entry["end_page"] = end.strip()
        if item.get("version"):
            entry["edition"] = f"version {item['version']}"  # RIS has no version field; ET is what Zotero reads it from
        entry["notes"] = [item.get("note", "")] + ([f"Read: {item['locator']}"] if item.get("locator") else [])
        entries.append(entry)
    return rispy.dumps(entries)


def _markdown_citation(entry_html: str) -> str:
    """citeproc-py's HTML entry as Markdown: italics kept, everything else as text."""
    text = re.sub(r"</?i>", "*", entry_html)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


def markdown(pack: Pack, catalogue: Catalogue, style: str = DEFAULT_STYLE) -> str:
    lines = [f"# {pack.title}", ""]
    for n, session in enumerate(pack.sessions, 1):
        lines += [f"## {session_heading(n, session.title)}", ""]
        if session.note:
            lines += [session.note, ""]
        readings = [catalogue.readings[r] for r in session.readings if r in catalogue.readings]
        entries = bibliography(_items(readings, catalogue), style)
        for r in readings:
            citation = _markdown_citation(entries.get(catalogue.item(r)["id"], r.label))
            pages = f" Read {r.pages}." if r.pages else ""
            lines.append(f"- {citation}{pages}  \n  *Why:* {r.note}")
        for gone in [r for r in session.readings if r not in catalogue.readings]:
            lines.append(f"- (`{gone}`: no longer in the catalogue)")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def pack_readings(pack: Pack, catalogue: Catalogue) -> list[Reading]:
    return [catalogue.readings[r] for s in pack.sessions for r in s.readings if r in catalogue.readings]


EXPORTS = {"bibtex": (bibtex, "application/x-bibtex", "bib"), "ris": (ris, "application/x-research-info-systems", "ris"),
           "csljson": (csl_json, "application/vnd.citationstyles.csl+json", "json")}


def reading_iri(slug_: str) -> str:
    return f"{ID}reading/{slug_}"
