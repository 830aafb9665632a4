"""Content negotiation, written once: which media type a request gets, and `Vary: Accept` on
every response whose body depended on it."""

from __future__ import annotations

from flask import Flask, g, request

from tracktwo.results import media_type


def choose(available: list[str], default: str | None = None, param: str | None = "format") -> str | None:
    """The media type to answer with: the `param` request parameter (a short name such as csv, or a
    media type) if given and available; else the best match of the Accept header; else `default` (or
    the first available). None when nothing asked for is available (a 406)."""
    g.negotiated = True
    wanted = request.values.get(param) if param else None
    if wanted:
        media = media_type(wanted)
        return media if media in available else None
    accept = request.accept_mimetypes
    if not accept or accept.best in ("*/*", None):
        return default or available[0]
    return accept.best_match(available, default=None)


def register(app: Flask) -> None:
    @app.after_request
    def vary(response):
        if g.get("negotiated"):
            response.vary.add("Accept")
        return response
