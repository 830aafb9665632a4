"""The OpenAPI description of the HTTP API at /openapi.json, generated from the saved queries."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from tracktwo.openapi import build_openapi

from ..state import state

bp = Blueprint("api", __name__)


@bp.get("/openapi.json")
def openapi():
    # made per request (a few milliseconds): the server it names is the request's own base URL
    document = build_openapi(state().catalogue, request.url_root)
    response = Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # readable by API tools on other origins
    return response
