"""Request guards: refuse what no view can answer sensibly, before any view runs.

A guard answers with a plain-text 4xx of its own rather than abort(): when the request is too
broken to route (a Host header that cannot be IDNA-encoded), Flask has no URL adapter, and the
HTML error page, which builds links with url_for, would fail in turn and make a 500.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import BadHost


def _plain(status: int, message: str) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


def host_problem(host: str) -> str | None:
    """Why werkzeug cannot use the host name, or None. It IDNA-encodes the name to bind the URL map
    and decodes it to build request.url, and each fails on a label that is empty or longer than 63
    characters (`a..b`) or, decoding, on a broken punycode label (`xn--`)."""
    name = host.lower().partition(":")[0]  # the port is not part of the name (werkzeug splits alike)
    try:
        name.encode("idna").decode("idna")
    except UnicodeError as err:
        return str(err.__cause__ or err)
    return None


def check_host() -> Response | None:
    """A 400 for a Host header werkzeug cannot use (it would fail later, building any URL)."""
    given = request.environ.get("HTTP_HOST")
    host = request.host
    problem = host_problem(host)
    if problem is None and given and not host:
        problem = "it has characters a host name cannot have"  # werkzeug gives "" for these
        host = given
    if problem is None and isinstance(request.routing_exception, BadHost):
        problem = "the server could not use it"  # any other reason werkzeug has, should it add one
    if problem is not None:
        shown = host if len(host) <= 80 else host[:80] + "…"
        return _plain(400, f"The Host header {shown!r} is not a valid host name ({problem}): "
                           "each dot-separated label must be 1 to 63 letters, digits or hyphens.")
    return None


def check_scheme() -> Response | None:
    """A 400 for a scheme other than http or https, which only a trusted proxy's X-Forwarded-Proto
    can set: every absolute URL the app writes (the VoID description's, the endpoint's) starts with it."""
    if request.scheme.lower() not in ("http", "https"):
        shown = request.scheme if len(request.scheme) <= 40 else request.scheme[:40] + "…"
        return _plain(400, f"The request's scheme {shown!r} (X-Forwarded-Proto) is not http or https.")
    return None


def register(app: Flask) -> None:
    # first of the before_request functions, so that none of them meets a request without a URL adapter
    app.before_request_funcs.setdefault(None, [])[0:0] = [check_host, check_scheme]
