"""HTTP for the remote backend: SPARQL protocol requests over connections kept open per thread.

SPARQLWrapper, used as it was for every query, opened a new connection each time and re-read the
whole query text with regular expressions to build its request (3.6 ms for a long saved query):
8–45 ms a query against a server that answers in 1 ms. Here SPARQLWrapper still decides how a
request looks (the method, the form encoding, what each kind of result is asked for as), once per
kind of result; each query is then a form POST of its own fields on this thread's connection.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.parse


class Transport:
    """POSTs to one endpoint over a keep-alive connection per thread (a waitress or gunicorn thread
    keeps its own, so no lock is held while a query runs)."""

    def __init__(self, endpoint: str, timeout: float):
        parts = urllib.parse.urlsplit(endpoint)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.timeout = timeout
        self.headers = {kind: _protocol_headers(endpoint, kind) for kind in ("select", "graph")}
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            conn = self._local.conn = cls(self.host, self.port, timeout=self.timeout)
        return conn

    def post(self, fields: list[tuple[str, str]], kind: str) -> tuple[int, bytes]:
        """Send the form fields; return the status and the whole body. A kept-alive connection the
        server has closed meanwhile is found only on use: the query (read-only) is then sent again,
        once, on a new connection. Timeouts and refusals are raised as they come (OSError)."""
        body = urllib.parse.urlencode(fields).encode("utf-8")
        for attempt in (1, 2):
            conn = self._connection()
            reused = conn.sock is not None
            try:
                conn.request("POST", self.target, body, self.headers[kind])
                acknowledge_at_once(conn)
                response = conn.getresponse()
                data = response.read()
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                conn.close()
                if reused and attempt == 1:
                    continue
                raise
            except BaseException:
                conn.close()  # a timeout or a half-read answer leaves the connection unusable
                raise
            if response.will_close:
                conn.close()
            return response.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


def acknowledge_at_once(conn: http.client.HTTPConnection) -> None:
    """Acknowledge the answer's packets as they come (Linux's TCP_QUICKACK; it lasts a little while,
    so it is set again for every request). Virtuoso writes an answer in parts without TCP_NODELAY, so
    its last part waits for our acknowledgement of the first, which Linux delays by 40 ms on a
    connection in steady use: a 36 KB answer took 52 ms back to back on a kept-alive connection, and
    10 ms on a new one or with this set."""
    if hasattr(socket, "TCP_QUICKACK") and conn.sock is not None:
        try:
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        except OSError:
            pass


def _protocol_headers(endpoint: str, kind: str) -> dict:
    """The headers SPARQLWrapper sends for a POSTed query of this kind: its content type and what
    it accepts (SPARQL JSON results for SELECT/ASK; Turtle or N-Triples for a graph)."""
    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(POST)
    wrapper.setQuery("SELECT * WHERE { ?s ?p ?o }" if kind == "select" else "CONSTRUCT WHERE { ?s ?p ?o }")
    wrapper.setReturnFormat(JSON if kind == "select" else N3)
    request = wrapper._createRequest()  # (no public way to ask for them)
    return {name: value for name, value in request.header_items() if name.lower() != "connection"}
