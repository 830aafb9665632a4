"""Rendered pages kept per process: the store is read-only, so a page only changes with a new build
(which restarts the app). Bounded, least recently used first out."""

from __future__ import annotations

from collections import OrderedDict
from functools import wraps
from threading import Lock

from flask import current_app, request

MAX_PAGES = 2000


def cached_page(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_app.config.get("TRACKTWO_NO_PAGE_CACHE"):
            return view(*args, **kwargs)
        store = current_app.extensions.setdefault("tracktwo.pages", (OrderedDict(), Lock()))
        pages, lock = store
        key = (request.path, request.query_string, request.headers.get("Accept", ""))
        with lock:
            if key in pages:
                pages.move_to_end(key)
                return pages[key]
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.direct_passthrough:
            response.freeze()
            with lock:
                pages[key] = response
                while len(pages) > MAX_PAGES:
                    pages.popitem(last=False)
        return response
    return wrapper
