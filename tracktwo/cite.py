"""How to cite what a page of the site shows: a case, any resource, or the whole dataset, as a
CSL-JSON item carrying the dataset's version and the page's permanent IRI, written out by the same
libraries as the readings (citeproc-py, bibtexparser, rispy)."""

from __future__ import annotations

import datetime as dt
import json

from . import dataset
from .readings import bibtex_of, ris_of

FORMATS = {"bib": ("application/x-bibtex", lambda item: bibtex_of([item])),
           "ris": ("application/x-research-info-systems", lambda item: ris_of([item])),
           "json": ("application/vnd.citationstyles.csl+json",
                    lambda item: json.dumps([item], ensure_ascii=False, indent=2))}


def item(label: str | None = None, iri: str | None = None, accessed: dt.date | None = None) -> dict:
    """A page as a CSL-JSON item: without a label and IRI, the dataset itself."""
    released = dt.date.fromisoformat(dataset.RELEASED)
    out = {"id": (iri or dataset.IRI).rstrip("/").rsplit("/", 1)[-1], "type": "dataset",
           "author": [{"literal": dataset.CREATOR}], "publisher": dataset.PUBLISHER,
           "version": dataset.VERSION, "issued": {"date-parts": [[released.year, released.month, released.day]]},
           "URL": iri or dataset.IRI}
    if label:
        out["title"] = label
        out["container-title"] = dataset.TITLE
    else:
        out["title"] = dataset.TITLE
    if accessed:
        out["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    return out


def text(label: str | None = None, iri: str | None = None) -> str:
    """The citation as one line of plain text (the page shows it; the downloads carry the same)."""
    year = dataset.RELEASED[:4]
    if label:
        return f"{dataset.CREATOR} ({year}). “{label}.” In {dataset.TITLE}, version {dataset.VERSION}. {iri}"
    return f"{dataset.CREATOR} ({year}). {dataset.TITLE}, version {dataset.VERSION}. {dataset.IRI}"
