"""Logging: a line per request, refusals and engine failures, query timings at DEBUG.

Everything goes to the `tracktwo` logger on stderr (a server's usual place for it), at the level of
TRACKTWO_LOG_LEVEL. A request line: method, path, status and milliseconds; query strings are left
out, since they carry what people searched for.
"""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request

log = logging.getLogger("tracktwo")


def register(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(app.config["TRACKTWO_LOG_LEVEL"])

    @app.before_request
    def started():
        g.started = time.perf_counter()

    @app.after_request
    def request_line(response):
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code, elapsed)
        return response
