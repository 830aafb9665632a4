"""Rendered pages kept per process: the store is read-only, so a page only changes with a new build
(which restarts the app). Bounded by the bytes of the pages kept (TRACKTWO_PAGE_CACHE_MB), least
recently used first out: a bound by count let a worker at 10,000 cases hold 2,000 case pages on
top of its store."""

from __future__ import annotations

from collections import OrderedDict
from functools import wraps
from threading import Lock

from flask import current_app, request

from .state import state


class PageCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.pages: OrderedDict = OrderedDict()  # key -> (response, its size)
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            if key in self.pages:
                self.pages.move_to_end(key)
                return self.pages[key][0]
        return None

    def put(self, key, response) -> None:
        size = len(response.get_data())
        if size > self.max_bytes:
            return
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = (response, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, dropped) = self.pages.popitem(last=False)
                self.bytes -= dropped


def cached_page(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        limit = current_app.config["TRACKTWO_PAGE_CACHE_MB"]
        if limit <= 0:
            return view(*args, **kwargs)
        app_state = state()
        if app_state.page_cache is None:
            app_state.page_cache = PageCache(int(limit * 1024 * 1024))
        cache = app_state.page_cache
        key = (request.path, request.query_string, request.headers.get("Accept", ""))
        hit = cache.get(key)
        if hit is not None:
            return hit
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.direct_passthrough:
            response.freeze()
            cache.put(key, response)
        return response
    return wrapper
