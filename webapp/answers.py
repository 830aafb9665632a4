"""Answers worked out once per build for the pages of the concepts many things point at.

A concept (a track, a role, a region …) is a short word that, in a large corpus, thousands of
things use: at 10,000 synthetic cases the page of track 2 read every dialogue to show the first
100 (238 ms) and every link to it to show 500 (202 ms), and sorting them needs them all. What
those pages show changes only with a build, so `tracktwo build` works out their page queries and
sections once, for every concept with at least HUB_LINKS links to it, and keeps the rows beside
the dataset in a file named after the file's layout (VERSION) and the dataset's fingerprint (its
size, time and manifest): a new build gets a new file, and a file of another build is never read.
Answers are kept by the text of their query, so a query edited since is run, not looked up. The
app reads the rows from there instead of the store, with the embedded engines only (a remote server
may hold other data); without the file the pages run the queries as usual.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from pathlib import Path

from rdflib import Literal, URIRef

from tracktwo.diskstore import fingerprint
from tracktwo.errors import TrackTwoError
from tracktwo.namespaces import ID
from tracktwo.queries import load_query
from tracktwo.store import Result, _from_json

log = logging.getLogger("tracktwo.answers")

HERE = Path(__file__).resolve().parent
HUB_LINKS = 100          # links to a concept from which its page is worked out at build time
VERSION = "2"            # bump when the file's layout changes
# the resource page's own queries bound to ?r that return rows (the description is a graph, and
# bounded by what the resource itself says)
PAGE_QUERIES = ("resource-outgoing", "resource-incoming", "resource-citations", "resource-schemaorg")
HUBS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c (COUNT(?s) AS ?n) WHERE { ?c a skos:Concept . ?s ?p ?c } GROUP BY ?c HAVING (COUNT(?s) >= ?least)"""


def path_for(nquads: Path) -> Path:
    return nquads.parent / f"{nquads.stem}.answers-v{VERSION}-{fingerprint(nquads)}.json"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _term(term) -> dict:
    """An rdflib term as SPARQL 1.1 JSON results write it (read back by tracktwo.store._from_json)."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if not isinstance(term, Literal):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


class ConceptQueries:
    """The queries a concept page runs on the app's store, read from their files: the resource
    page's own and the sections of each kind (those that are saved queries run in a worker with the
    reader's limits and are left out). Reading only these, not the whole catalogue, keeps the step
    short when a build changed one case (0.4 s against 2 s on the 2-core machine)."""

    def __init__(self, pages: Path | None = None, sections: Path | None = None):
        pages, sections = pages or HERE / "queries", sections or HERE / "sections"
        self.pages = [(name, load_query(pages / f"{name}.rq", "page").text) for name in PAGE_QUERIES]
        self.sections: dict[str, list] = {}
        for path in sorted(sections.glob("*.rq")):
            spec = load_query(path, "section")
            if not spec.saved:
                for kind in spec.kinds:
                    self.sections.setdefault(kind, []).append((spec.name, spec.text))

    def of(self, kind: str) -> list[tuple[str, str]]:
        return self.pages + self.sections.get(kind, [])


def compute(repo, queries: ConceptQueries, least: int = HUB_LINKS) -> dict:
    """{digest of a query's text: {"name": its file's name, "rows": {concept IRI: result}}} for every
    concept with at least `least` links to it (by text, so that a query edited since is not answered)."""
    hubs = [row["c"] for row in repo.select(HUBS.replace("?least", str(int(least))))
            if str(row["c"]).startswith(str(ID))]
    answers: dict = {}
    for iri in sorted(hubs):
        kind = str(iri)[len(str(ID)):].split("/", 1)[0]
        for name, text in queries.of(kind):
            out = repo.query(text, {"r": iri})
            entry = answers.setdefault(_digest(text), {"name": name, "rows": {}})
            entry["rows"][str(iri)] = {"vars": out.variables,
                                       "rows": [{k: _term(v) for k, v in row.items()} for row in out.rows]}
    return answers


def precompute(nquads: Path, queries: ConceptQueries | None = None, repo=None, least: int = HUB_LINKS) -> Path:
    """The answers file of this build of `nquads`, worked out now if there is none (under a lock, so
    that two builds or processes at once work it out once); the files of older builds are removed.
    A query file that cannot be read stops it, named with its line."""
    nquads = Path(nquads)
    target = path_for(nquads)
    lock_path = nquads.parent / f"{nquads.stem}.answers.lock"
    try:
        lock = open(lock_path, "w")
    except OSError as err:
        raise TrackTwoError(f"{lock_path}: cannot write the precomputed answers beside the dataset: {err.strerror}") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.is_file():
            if repo is None:
                from tracktwo.store import OxigraphRepository
                repo = OxigraphRepository(nquads)
            data = {"version": VERSION, "least": least, "answers": compute(repo, queries or ConceptQueries(), least)}
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, target)
        for old in nquads.parent.glob(f"{nquads.stem}.answers-*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    return target


def _well_formed(data) -> bool:
    """Whether a file read back has the layout compute() writes, down to each stored result."""
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("answers"), dict):
        return False
    for entry in data["answers"].values():
        if not isinstance(entry, dict) or not isinstance(entry.get("rows"), dict):
            return False
        for stored in entry["rows"].values():
            if not (isinstance(stored, dict) and isinstance(stored.get("vars"), list) and isinstance(stored.get("rows"), list)
                    and all(isinstance(row, dict) and all(isinstance(v, dict) and "type" in v and "value" in v
                                                          for v in row.values()) for row in stored["rows"])):
                return False
    return True


class Answers:
    """The precomputed rows of one build, read once; `get` gives a fresh Result or None."""

    def __init__(self, data: dict | None = None):
        self.answers = (data or {}).get("answers", {})
        self.parsed: dict = {}

    @classmethod
    def of(cls, nquads: Path) -> "Answers":
        """The answers of this very build of `nquads`, or none (no file, or a file that cannot be read)."""
        try:
            data = json.loads(path_for(Path(nquads)).read_text(encoding="utf-8"))
        except FileNotFoundError:
            log.info("%s: no precomputed answers for this build (`tracktwo build` makes them)", nquads)
            return cls()
        except (OSError, ValueError) as err:
            log.warning("%s: precomputed answers not used: %s", nquads, err)
            return cls()
        if not _well_formed(data):   # written by another version, or damaged: the store answers
            log.warning("%s: precomputed answers not used: not of layout %s", nquads, VERSION)
            return cls()
        return cls(data)

    def get(self, text: str, bindings: dict | None) -> Result | None:
        if not bindings or set(bindings) != {"r"}:
            return None
        digest = _digest(text)
        entry = self.answers.get(digest)
        if entry is None:   # not worked out, or a query edited since the build
            return None
        key = (digest, str(bindings["r"]))
        if key not in self.parsed:
            stored = entry["rows"].get(key[1])
            if stored is None:
                return None
            self.parsed[key] = (stored["vars"], [{k: _from_json(v) for k, v in row.items()} for row in stored["rows"]])
        variables, rows = self.parsed[key]
        return Result("select", list(variables), [dict(row) for row in rows])
