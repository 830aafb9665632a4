"""Whole-dataset downloads and a VoID description of the dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from tracktwo import dataset as about

from .. import package, runner
from ..state import state

bp = Blueprint("downloads", __name__)
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = {"nq": ("application/n-quads", None), "ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld")}


@bp.get("/downloads/tracktwo.<fmt>")
def dataset(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    path = Path(current_app.config["TRACKTWO_DATASET"])
    if not path.is_file():
        abort(404)
    media, rdflib_format = FORMATS[fmt]
    if rdflib_format is None:
        return send_file(path.resolve(), mimetype=media, as_attachment=True,
                         download_name=f"tracktwo-{about.VERSION}.nq")
    # Turtle and JSON-LD are made from the store once per process and kept.
    # Made from the store on the first request and kept while it fits TRACKTWO_DOWNLOAD_CACHE_MB
    # (a 10,000-case dataset as Turtle is hundreds of megabytes: too big to keep in every process)
    body = state().downloads.get(fmt)
    if body is None:
        body = runner.result("dataset-all").graph.serialize(format=rdflib_format, encoding="utf-8")
        if len(body) <= current_app.config["TRACKTWO_DOWNLOAD_CACHE_MB"] * 1024 * 1024:
            state().downloads[fmt] = body
    response = Response(body, mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="tracktwo-{about.VERSION}.{fmt}"'
    return response


@bp.get("/downloads/tracktwo-datapackage.zip")
def datapackage():
    """The CSV tables with datapackage.json and codebook.md, made from the store once per process."""
    response = Response(package.zipped(), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="tracktwo-datapackage-{about.VERSION}.zip"'
    return response


@bp.get("/void")
@bp.get("/.well-known/void")
def void():
    base = request.host_url.rstrip("/")
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    ds = URIRef(base + "/void#tracktwo")
    graph.add((ds, RDF.type, VOID.Dataset))
    graph.add((ds, DCTERMS.title, Literal(about.TITLE, lang="en")))
    graph.add((ds, DCTERMS.license, URIRef(about.DATA_LICENCE)))
    graph.add((ds, OWL.versionInfo, Literal(about.VERSION)))
    graph.add((ds, DCTERMS.hasVersion, Literal(about.VERSION)))
    graph.add((ds, DCTERMS.creator, Literal(about.CREATOR)))
    graph.add((ds, DCTERMS.publisher, Literal(about.PUBLISHER)))
    graph.add((ds, DCTERMS.issued, Literal(about.RELEASED, datatype=XSD.date)))
    graph.add((ds, DCTERMS.isVersionOf, URIRef(about.IRI)))
    built = Path(current_app.config["TRACKTWO_DATASET"])
    if built.is_file():  # modified: when the dataset served was built
        stamp = dt.datetime.fromtimestamp(built.stat().st_mtime, dt.timezone.utc).date().isoformat()
        graph.add((ds, DCTERMS.modified, Literal(stamp, datatype=XSD.date)))
    graph.add((ds, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
    graph.add((ds, VOID.uriSpace, Literal("https://w3id.org/tracktwo/id/")))
    graph.add((ds, VOID.vocabulary, URIRef("https://w3id.org/tracktwo/ontology#")))
    for fmt in FORMATS:
        graph.add((ds, VOID.dataDump, URIRef(f"{base}/downloads/tracktwo.{fmt}")))
    [total] = runner.rows("dataset-size")
    graph.add((ds, VOID.triples, Literal(int(total["n"]), datatype=XSD.integer)))
    for row in runner.rows("dataset-classes"):
        partition = BNode()
        graph.add((ds, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], row["class"]))
        graph.add((partition, VOID.entities, Literal(int(row["n"]), datatype=XSD.integer)))
    return Response(graph.serialize(format="turtle", encoding="utf-8"), mimetype="text/turtle")
