"""The data package and its codebook, made from the store once per process and kept: the tables
take a few seconds to query, and the store never changes while the app runs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from tracktwo.datapackage import archive, package

from . import runner
from .state import state

# The shapes are not part of the built dataset: the checkout's, the ones the build checked it with.
SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"


def _made() -> dict:
    kept = state().downloads.get("datapackage")
    if kept is None:
        ontology = runner.result("ontology-graph").graph
        shapes = Graph().parse(SHAPES, format="turtle")
        book, files = package(state().repo, ontology, shapes)
        kept = state().downloads["datapackage"] = {"codebook": book, "zip": archive(files)}
    return kept


def codebook() -> dict:
    return _made()["codebook"]


def zipped() -> bytes:
    return _made()["zip"]
