"""Site-wide search over every labelled resource: labels and alternative labels, matched without
regard to case or accents, best matches first, grouped by kind.

The index is read from the store once (the store never changes while the app runs) and searched in
Python: a scan of folded strings answers in a few milliseconds at 1,000 synthetic cases (make
bench), and request text never goes into a query.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass

from tracktwo.namespaces import ID, T2

LABELS = """SELECT ?x ?label WHERE {
  ?x <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2004/02/skos/core#altLabel> ?label
  FILTER (isIRI(?x))
}"""

# How a kind of resource is named on the page, in the order groups are shown when matches tie
KINDS = {"case": "Cases", "person": "People", "organization": "Organisations", "place": "Places",
         "accord": "Accords", "process": "Processes", "event": "Events", "conflict": "Conflicts",
         "state": "States", "bridge": "Bridges", "source": "Sources", "reading": "Readings"}
CONCEPTS = "Concepts (roles, tracks, mechanisms …)"
ONTOLOGY = "Ontology terms"

# Letters Unicode does not decompose into a base letter and a mark
_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
                          "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "þ": "th"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """'Rød-Larsen' -> 'rod larsen': no case, no accents, words split on anything not a letter or digit."""
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def kind_of(iri: str) -> str | None:
    """The group an IRI is shown in; None for IRIs that are not ours (SKOS, PROV … terms)."""
    if iri.startswith(ID):
        segment = iri[len(ID):].split("/", 1)[0]
        return KINDS.get(segment, CONCEPTS)
    if iri.startswith(str(T2)):
        return ONTOLOGY
    return None


@dataclass
class Hit:
    iri: str
    label: str          # the resource's own label, as pages show it
    matched: str        # the label or alternative label that matched
    kind: str
    score: tuple


class SearchIndex:
    def __init__(self, repo):
        shown = repo.labels()
        self.entries: list[tuple[str, str, str, str]] = []   # (folded text, text, iri, kind)
        seen = set()
        for row in repo.select(LABELS):
            iri, text = str(row["x"]), str(row["label"])
            kind = kind_of(iri)
            if kind is None or (iri, text) in seen:
                continue
            seen.add((iri, text))
            self.entries.append((" " + fold(text) + " ", text, iri, kind))
        self.shown = {iri: str(shown.get(iri, text)) for _, text, iri, _ in self.entries}
        # every word of every folded label, sorted, with the entry it is in: the entries in which some
        # word starts with a prefix are one range of it, found by bisection, and its length says which
        # word of a query is the rarest. (A scan of all the labels for the word took 3 ms at 10,000
        # synthetic cases even when nothing matched, and 25 ms for a word in thousands of labels.)
        pairs = sorted((sys.intern(word), i) for i, e in enumerate(self.entries) for word in set(e[0].split()))
        self.words = [w for w, _ in pairs]
        self.owners = array("I", (i for _, i in pairs))

    def _range(self, word: str) -> tuple[int, int]:
        """Where the words that start with `word` are in self.words (folded words hold only a-z and
        0-9, so "{", after "z", ends the range)."""
        return bisect.bisect_left(self.words, word), bisect.bisect_left(self.words, word + "{")

    def _count(self, word: str) -> int:
        lo, hi = self._range(word)
        return hi - lo

    def _candidates(self, word: str) -> list[int]:
        """Entries in which some word starts with `word`."""
        lo, hi = self._range(word)
        return sorted(set(self.owners[lo:hi]))

    def search(self, query: str) -> list[Hit]:
        """Every resource one of whose labels holds each word of the query at the start of a word;
        ranked: the whole label, then its beginning, then a word, then anywhere."""
        words = fold(query).split()
        if not words:
            return []
        phrase = " ".join(words)
        best: dict[str, Hit] = {}
        rarest = min(words, key=self._count)  # the word in the fewest labels: fewest candidates to check
        for i in self._candidates(rarest):
            folded, text, iri, kind = self.entries[i]
            if not all(" " + w in folded for w in words):
                continue
            rank = (0 if folded == f" {phrase} " else 1 if folded.startswith(f" {phrase}")
                    else 2 if f" {phrase}" in folded else 3)
            score = (rank, len(folded), text.casefold())
            if iri not in best or score < best[iri].score:
                best[iri] = Hit(iri, self.shown[iri], text, kind, score)
        return sorted(best.values(), key=lambda h: (h.score, h.iri))

    @staticmethod
    def grouped(hits: list[Hit]) -> list[tuple[str, list[Hit]]]:
        """Hits by kind, the group with the best hit first (ties in the order of KINDS)."""
        order = list(KINDS.values()) + [CONCEPTS, ONTOLOGY]
        groups: dict[str, list[Hit]] = {}
        for h in hits:
            groups.setdefault(h.kind, []).append(h)
        return sorted(groups.items(), key=lambda kv: (kv[1][0].score[0], order.index(kv[0])))
