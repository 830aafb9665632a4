"""What every response carries, and who a client is, for an app that faces the open internet.

The headers keep a page from running anything but the app's own scripts and styles (no inline
script: a link or value that slipped through escaping still cannot run), from being framed, from
being sniffed as another type, and from leaking its URL to other sites. Behind a reverse proxy,
TRACKTWO_PROXIES says how many proxies to trust for the client's address (X-Forwarded-For), which
the per-client query limit counts by.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def client_id() -> str:
    """The address the per-client limits count by (the proxy's client, when proxies are trusted)."""
    return request.remote_addr or "unknown"


def log_failure(err) -> None:
    """An engine's own words go to the log, never to the client."""
    logging.getLogger("tracktwo.query").warning("query failed: %s", getattr(err, "detail", "") or err)


def log_refusal(status: int, message: str) -> None:
    logging.getLogger("tracktwo.query").info("refused (%d) for %s: %s", status, client_id(), message)


def register(app: Flask) -> None:
    proxies = app.config["TRACKTWO_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.after_request
    def secure_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.pop("Server", None)
        return response
