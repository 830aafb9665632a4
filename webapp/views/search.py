"""/search: every labelled resource by name, grouped by kind; /search.json feeds the header's
autocomplete (the form works without it)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from ..format import local_path
from ..search import SearchIndex
from ..state import state

bp = Blueprint("search", __name__)
MAX_QUERY = 200     # longer text is no name; it is cut, and the page says so
PER_GROUP = 12      # shown under each kind before "all N"


def index() -> SearchIndex:
    if state().search_index is None:
        state().search_index = SearchIndex(state().repo)
    return state().search_index


def _query() -> tuple[str, str | None]:
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        return q[:MAX_QUERY], f"Only the first {MAX_QUERY} characters were searched for."
    return q, None


@bp.get("/search")
def search():
    q, notice = _query()
    kind = request.args.get("kind", "")
    hits = index().search(q)
    groups = index().grouped(hits)
    if kind:
        groups = [(k, hs) for k, hs in groups if k == kind]
    return render_template("search.html", q=q, notice=notice, groups=groups, total=len(hits), kind=kind,
                           per_group=None if kind else PER_GROUP, href=local_path)


@bp.get("/search.json")
def suggest():
    """The best few matches for the autocomplete: label, kind, the label that matched, address."""
    q, _ = _query()
    hits = index().search(q)[:8]
    return jsonify([{"label": h.label, "kind": h.kind, "matched": h.matched, "href": local_path(h.iri)} for h in hits])
