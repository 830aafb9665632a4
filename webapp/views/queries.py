"""The saved-query gallery and a page per query: parameter form, results, downloads."""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, Response, abort, redirect, render_template, request

from tracktwo.errors import TrackTwoError
from tracktwo.namespaces import PREFIXES
from tracktwo.queries import Catalogue, ParameterError
from tracktwo.results import TABULAR, media_type, serialize
from tracktwo.store import QueryTimeout

from .. import runner
from ..format import cell_text
from ..paging import page_of, requested_rows
from ..pictures import draw
from ..state import state

bp = Blueprint("queries", __name__)


def registry() -> Catalogue:
    return state().catalogue


MAX_CHOICES = 500  # more resources of a kind than this: a text box (a select of thousands helps no one)


def choices(q, values: dict) -> dict:
    """Parameter -> [(value, label, selected)] for a labelled list instead of a text box: the allowed
    values, or, for an IRI parameter named after a kind of resource (case, accord, track, region),
    every resource of that kind by its label. Values are short names, which the query accepts."""
    labels = state().repo.labels()
    out = {}
    for p in q.params:
        chosen = values.get(p.name, p.default)
        try:
            chosen_term = p.convert(chosen) if chosen not in (None, "") else None
        except ParameterError:
            chosen_term = None
        if p.allowed:
            options = [(v, str(labels.get(str(p.convert(v)), v)) if p.type == "iri" else v) for v in p.allowed]
        elif p.type == "iri" and p.name in PREFIXES:
            base = PREFIXES[p.name]
            found = [(iri[len(base):], str(label)) for iri, label in labels.items() if iri.startswith(base)]
            if not found or len(found) > MAX_CHOICES:
                continue
            options = sorted(found, key=lambda o: o[1].casefold())
        else:
            continue
        out[p.name] = [(v, label, chosen_term is not None and _same(p, v, chosen_term)) for v, label in options]
    return out


def _same(p, value: str, term) -> bool:
    try:
        return p.convert(value) == term
    except ParameterError:
        return False


@bp.get("/queries")
def gallery():
    # each query once, under its first tag (its other tags beside it): listing it under every tag
    # repeated 16 queries under 24 headings
    by_tag: OrderedDict = OrderedDict()
    for q in sorted(registry().queries.values(), key=lambda q: q.name):
        by_tag.setdefault((q.tags or ["other"])[0], []).append(q)
    return render_template("queries.html", by_tag=OrderedDict(sorted(by_tag.items())))


@bp.get("/queries/<name>")
def query(name: str):
    q = registry().queries.get(name)
    if q is None:
        abort(404)
    values = {p.name: request.args.get(p.name, "") for p in q.params if request.args.get(p.name, "") != ""}
    error, result = None, None
    fmt = request.args.get("format")
    status = 200
    if q.web and not fmt and values:
        # a question with a page of its own elsewhere (find-by-name: the site search, answered from an
        # index in milliseconds where the SPARQL reads every label); downloads still run the query
        try:
            q.bind(values)
            return redirect(q.web_page(values), 303)
        except ParameterError:
            pass  # the query's own page says what is wrong
    try:
        # in a worker, with the time limit; a download labels every row, a page only the rows it shows
        result = runner.saved(q, values, slice(None) if fmt else requested_rows())
    except ParameterError as err:
        status, error = 400, str(err)
    except QueryTimeout as err:  # the time limit, or every worker busy
        status, error = 503, f"the query could not run: {err}"
    except TrackTwoError as err:
        status, error = 400, f"the query could not run: {err}"
    if fmt and result is not None:
        media = media_type(fmt)
        if media not in TABULAR:
            abort(400, description="format must be one of csv, tsv, json, xml")
        response = Response(serialize(result, media), mimetype=media)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
    page = page_of(result.rows) if result is not None and result.rows is not None else None
    headers = {"Retry-After": "5"} if status == 503 else {}
    # the declared picture, unless the reader asked for the table (?view=table); drawn from every row
    view = "table" if request.args.get("view") == "table" else q.view
    picture = draw(view, q.encode, result.rows, cell_text) if result is not None and result.rows and view != "table" else None
    return render_template("query.html", q=q, values=values, result=result, error=error, page=page,
                           choices=choices(q, values), picture=picture, view=view), status, headers

