"""Running the catalogue's queries for the pages: the one place a view gets rows from.

- A page query or section runs in the app's own process, on the store, with the variables its
  file declares (`#+ binds:`), and at most TRACKTWO_RESULT_CAP rows are kept. These are the
  project's own selective queries, bound to one resource; they cannot be stopped once started
  (pyoxigraph has no timeout), so they are kept selective and measured in `make bench`.
- A saved query, whose parameters a reader chooses, runs in a query worker with the time limit
  (tracktwo.executor), its rows capped there; labels are added here, only to the rows shown.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import quote, urlencode

from flask import abort, current_app, make_response, render_template
from rdflib import URIRef

from tracktwo.queries import QuerySpec, with_labels
from tracktwo.store import QueryTimeout, Result

from .format import cell_text
from .pictures import draw
from .state import state

log = logging.getLogger("tracktwo.query")


def result(name: str, **bindings) -> Result:
    """A page query's result, bound to the variables its file declares."""
    spec = state().catalogue.page(name)
    undeclared = set(bindings) - set(spec.binds)
    if undeclared:  # a programming error, caught by the tests of every page
        raise TypeError(f"{spec.path}: binds {sorted(spec.binds)}, not {sorted(undeclared)}")
    started = time.perf_counter()
    out = _precomputed(spec.text, bindings) or state().repo.query(spec.text, bindings or None)
    _cap(out)
    log.debug("%s: %d rows, %.1f ms", name, len(out.rows), (time.perf_counter() - started) * 1000)
    return out


def _precomputed(text: str, bindings: dict) -> Result | None:
    """The rows the build worked out for this query and resource (webapp.answers), if it did."""
    answers = state().answers
    return answers.get(text, bindings) if answers is not None else None


def rows(name: str, **bindings) -> list[dict]:
    return result(name, **bindings).rows


def _cap(out: Result) -> None:
    cap = current_app.config["TRACKTWO_RESULT_CAP"]
    if out.kind == "select" and len(out.rows) > cap:
        out.rows, out.truncated = out.rows[:cap], True


def saved(spec: QuerySpec, values: dict, labelled: slice = slice(None)) -> Result:
    """A saved query with the reader's values, in a worker with the time limit; labels beside its
    IRIs in the rows `labelled` picks. Raises ParameterError, QueryTimeout …"""
    bindings = spec.bind(values)
    spec.check_resources(state().repo, bindings)
    out = state().executor.run(spec.text, bindings, untrusted=False)
    return spec.present(state().repo, out, labelled)


def section(spec: QuerySpec, iri: URIRef, kind: str = "") -> Result | None:
    """A page section's rows for this resource of this kind (with labels), or None when it has none."""
    if spec.saved:
        query = state().catalogue.get(spec.saved)
        param = next(p for p in query.params if p.type == "iri")
        try:
            out = saved(query, {param.name: f"<{iri}>"})
        except QueryTimeout as err:  # every worker busy, or the limit: the page says so, not a 500
            page = render_template("error.html", title="Busy", message=f"Part of this page could not be "
                                   f"computed just now ({err}). Reload it in a few seconds.")
            abort(make_response(page, 503, {"Retry-After": "5"}))
        out.link = f"/queries/{query.name}?" + urlencode({param.name: str(iri)})  # the same rows there
        if query.view != "table" and out.rows:  # the saved query's picture, above its table
            out.picture = draw(query.view, query.encode, out.rows, cell_text)
    else:
        out = _precomputed(spec.text, {"r": iri}) or state().repo.query(spec.text, {"r": iri})
        _cap(out)
        if spec.shows is not None and len(out.rows) > spec.shows:
            # a long section shows its first rows and links to the whole list (see `#+ more:`)
            out.rows = out.rows[:spec.shows]
            out.more = spec.more.format(r=quote(str(iri), safe=""), kind=kind)
        out = with_labels(state().repo, out)
        out.variables = [v for v in out.variables if v != "r"]
        if spec.view != "table" and out.rows:
            out.picture = draw(spec.view, spec.encode, out.rows, cell_text)
    return out if out.rows else None
