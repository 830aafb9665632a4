"""Run untrusted queries where they can be stopped: in worker processes that are killed and
replaced when a query runs past its time limit.

pyoxigraph has no timeout and keeps running when a signal arrives (it releases the GIL), so the
only reliable stop is to end the process. Each worker opens its own repository once, answers
queries one at a time, and caps the rows (or triples) it sends back.
"""

from __future__ import annotations

import atexit
import json
import queue
import socket
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection

from rdflib import Graph

from .errors import TrackTwoError
from .namespaces import bind_prefixes
from .store import QueryTimeout, Result, open_repository


@dataclass(frozen=True)
class StoreSpec:
    """What a worker needs to open the same repository as the app (picklable)."""

    dataset: str | None
    backend: str = "oxigraph"
    endpoint: str | None = None
    timeout: float = 30


def _serve(conn, spec: StoreSpec, cap: int) -> None:
    try:
        repo = open_repository(spec.dataset, spec.backend, spec.endpoint, spec.timeout)
    except Exception as err:  # reported to the parent, which raises it in the app
        conn.send(("error", f"cannot open the store: {err}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = repo.query(*args)
            if result.kind == "select" and len(result.rows) > cap:
                result.rows, result.truncated = result.rows[:cap], True
            if result.kind == "graph":
                triples = list(result.graph)
                result.truncated = len(triples) > cap
                result.graph = triples[:cap]  # a list of triples pickles reliably; rebuilt below
            conn.send(("ok", result))
        except TrackTwoError as err:
            conn.send(("error", str(err)))
        except Exception as err:  # an engine's own exception: report it, keep serving
            conn.send(("error", f"query failed: {type(err).__name__}: {err}"))


class _Worker:
    """A `python -m tracktwo.executor` process, talking over a socket pair.

    A plain subprocess rather than multiprocessing: spawn re-imports the parent's main module,
    which breaks under servers and scripts, and fork is unsafe in a threaded server."""

    def __init__(self, spec: StoreSpec, cap: int, startup_timeout: float):
        mine, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tracktwo.executor", str(theirs.fileno()), json.dumps(asdict(spec)), str(cap)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(mine.detach())
        if not self.conn.poll(startup_timeout):
            self.kill()
            raise TrackTwoError(f"a query worker did not start within {startup_timeout:g} s")
        try:
            status, message = self.conn.recv()
        except EOFError:
            status, message = "error", "a query worker exited while starting"
        if status != "ready":
            self.kill()
            raise TrackTwoError(message)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.conn.close()


class Executor:
    def __init__(self, spec: StoreSpec, timeout: float = 10, cap: int = 10000, workers: int = 1,
                 startup_timeout: float = 300):
        self.spec, self.timeout, self.cap = spec, timeout, cap
        self.startup_timeout = startup_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(max(1, workers)):
            self._add(_Worker(spec, cap, startup_timeout))
        atexit.register(self.close)

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
        dead.kill()
        threading.Thread(target=lambda: self._add(_Worker(self.spec, self.cap, self.startup_timeout)),
                         daemon=True).start()

    def run(self, text: str, bindings=None, default_graphs=None, named_graphs=None, base_iri=None) -> Result:
        try:
            worker = self._idle.get(timeout=self.timeout + self.startup_timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker is busy; try again") from None
        try:
            worker.conn.send((text, bindings, default_graphs, named_graphs, base_iri))
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise TrackTwoError("the query worker stopped unexpectedly; it has been replaced") from None
        self._idle.put(worker)
        if status == "error":
            raise TrackTwoError(payload)
        if payload.kind == "graph":
            graph = bind_prefixes(Graph())
            for triple in payload.graph:
                graph.add(triple)
            payload.graph = graph
        return payload

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()


if __name__ == "__main__":  # a worker: python -m tracktwo.executor FD SPEC_JSON CAP
    _serve(Connection(int(sys.argv[1])), StoreSpec(**json.loads(sys.argv[2])), int(sys.argv[3]))
