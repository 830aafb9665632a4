"""/cite.{bib,ris,json}?iri=…: the citation of a page (a case, a resource, or without an IRI the
whole dataset) in the formats the readings export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from tracktwo import cite
from rdflib import URIRef

from tracktwo.namespaces import ID, qname

from .. import runner
from ..state import state

bp = Blueprint("cite", __name__)


@bp.get("/cite.<fmt>")
def download(fmt: str):
    if fmt not in cite.FORMATS:
        abort(404)
    iri = request.args.get("iri", "").strip()
    label = None
    if iri:
        label = state().repo.labels().get(iri)
        if label is None and iri.startswith(ID) and runner.rows("resource-outgoing", r=URIRef(iri)):
            label = qname(iri)  # a resource without a label (a participation) is cited by its short name
        if not iri.startswith(ID) or label is None:  # only our own resources: a citation names what we hold
            shown = iri if len(iri) <= 80 else iri[:80] + "…"
            abort(404, description=f"There is no resource {shown!r} here to cite.")
    media, write = cite.FORMATS[fmt]
    name = iri.rsplit("/", 1)[-1] if iri else "tracktwo"
    return Response(write(cite.item(str(label) if label else None, iri or None)), mimetype=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
