"""From an address to a resource: /id/{kind}/{slug}[.ttl|.jsonld|.nt] and the RDF formats a
resource can be had in. Shared by the case page and every other resource page."""

from __future__ import annotations

import re

from flask import abort, make_response, render_template
from rdflib import URIRef

from tracktwo.namespaces import ID

RDF_FORMATS = {"text/turtle": ("turtle", "ttl"), "application/ld+json": ("json-ld", "jsonld"),
               "application/n-triples": ("nt", "nt")}
SUFFIXES = {suffix: media for media, (_, suffix) in RDF_FORMATS.items()}

# Our identifiers are lowercase ASCII slugs; anything outside RFC 3986's unreserved characters
# cannot name one of them, and a space, quote, bracket, control character or non-ASCII text would
# make an IRI that rdflib will not write and Oxigraph will not parse
SEGMENT = re.compile(r"[A-Za-z0-9._~-]{1,200}")


def split(slug: str) -> tuple[str, str | None]:
    """oslo.ttl -> (oslo, ttl); a slug without a known suffix is itself."""
    stem, dot, suffix = slug.rpartition(".")
    return (stem, suffix) if dot and suffix in SUFFIXES else (slug, None)


def resource_iri(kind: str, slug: str) -> URIRef:
    """The IRI /id/{kind}/{slug} names, or a 404 saying why there cannot be such a resource."""
    if not (SEGMENT.fullmatch(kind) and SEGMENT.fullmatch(slug)):
        shown = f"{kind}/{slug}" if len(kind) + len(slug) <= 80 else f"{kind}/{slug}"[:80] + "…"
        message = (f"There is no resource {shown!r}: identifiers are made of letters, digits, "
                   "hyphens, dots, underscores and tildes.")
        abort(make_response(render_template("error.html", title="Not found", message=message), 404))
    return URIRef(f"{ID}{kind}/{slug}")
