"""Run untrusted queries where they can be stopped: in worker processes that are killed and
replaced when a query runs past its time limit.

pyoxigraph has no timeout and keeps running when a signal arrives (it releases the GIL), so the
only reliable stop is to end the process. The workers are forked from a "zygote": a process the
executor forks as soon as it is made (make it before the app opens its own store, while the app
has no threads), which opens the store once, when told to (the app tells it once its own store is
open), and forks a worker whenever one is needed. A worker is ready at once, also when it replaces
a killed one (a fresh process had to load the dataset again: 3 s at 10,000 synthetic cases). The app never forks after opening its
store: Oxigraph writes to the pages its reads visit, and every first write to a page shared with
a forked child costs a copy (case pages took 4-10 times as long). Each worker answers queries one
at a time and caps the rows (or triples) it sends back.

Untrusted text is read and checked (tracktwo.sparql.read_query) inside the worker, so that reading
counts against the time limit too (a 900 KB query once cost 22 s of parsing outside it). The
zygote runs at a lower CPU priority and, for the embedded engines, cannot make network sockets
(tracktwo.sandbox); its workers cannot make sockets at all. Fairness: workers are forked on demand
up to a maximum; one client may hold only a few at a time (TooManyQueries), and a query that finds
every worker busy waits a bounded time, then gets Busy, never a thread held for minutes.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import signal
import socket
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from rdflib import Graph

from .errors import TrackTwoError
from .namespaces import bind_prefixes
from .sandbox import SandboxUnavailable, deny_network
from .sparql import QueryRefused, read_query
from .store import QueryFailed, QuerySyntaxError, QueryTimeout, Repository, Result, open_repository

log = logging.getLogger("tracktwo.executor")
WORKER_NICENESS = 10  # query workers yield the CPU to the app's own pages


class Busy(QueryTimeout):
    """Every query worker stayed busy for the whole wait; try again in a few seconds."""


class TooManyQueries(TrackTwoError):
    """This client already has as many queries running as one client may."""


_ERRORS = {"refused": QueryRefused, "syntax": QuerySyntaxError, "timeout": QueryTimeout, "failed": QueryFailed}


@dataclass(frozen=True)
class StoreSpec:
    """The repository the zygote opens."""

    dataset: str | None
    backend: str = "oxigraph"
    endpoint: str | None = None
    timeout: float = 30


def _serve(conn: Connection, repo: Repository, cap: int) -> None:
    """A worker's loop: answer queries until the app closes the connection. Untrusted text is read
    here (read_query), and the engine runs the text the check saw."""
    while True:
        try:
            text, bindings, default_graphs, named_graphs, base_iri, untrusted = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if untrusted:
                text = read_query(text).text
            result = repo.query(text, bindings, default_graphs, named_graphs, base_iri)
            if result.kind == "select" and len(result.rows) > cap:
                result.rows, result.truncated = result.rows[:cap], True
            if result.kind == "graph":
                triples = list(result.graph)
                result.truncated = len(triples) > cap
                result.graph = triples[:cap]  # a list of triples pickles reliably; rebuilt below
            conn.send(("ok", result, ""))
        except QueryRefused as err:
            conn.send(("refused", str(err), ""))
        except QuerySyntaxError as err:
            conn.send(("syntax", str(err), ""))
        except QueryTimeout as err:
            conn.send(("timeout", str(err), ""))
        except QueryFailed as err:
            conn.send(("failed", str(err), err.detail))
        except RecursionError:
            conn.send(("syntax", "the query is nested too deeply to run", ""))
        except Exception as err:  # noqa: BLE001 - an engine's own exception: never verbatim to a client
            conn.send(("failed", "the query failed inside the engine", f"{type(err).__name__}: {err}"))


def _plain_signals() -> None:
    """Forked children keep the server's signal handlers (gunicorn's, say); put back the defaults."""
    for name in ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGCHLD"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def _zygote(control: socket.socket, spec: StoreSpec, cap: int) -> None:
    """Fork a worker for every byte the app sends; hand back its pid and its end of a socket pair.
    Runs in the forked zygote and never returns (os._exit: the app's atexit handlers are not ours)."""
    try:
        # Close every descriptor inherited from the app but our socket (and stdio): a copy of another
        # executor's socket, or of the server's listening socket, would keep them open after the
        # app closes them, and a zygote waits for the end of its socket to exit.
        keep = control.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        _plain_signals()
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the system reaps the workers that end
        os.nice(WORKER_NICENESS)
        isolated = False
        if spec.backend != "sparql":  # (the remote backend's workers must reach their endpoint)
            try:
                deny_network(allow_unix=True)  # the zygote still makes socket pairs for its workers
                isolated = True
            except SandboxUnavailable:
                pass
        if control.recv(1) != b"g":  # the app says when to open the store (or closes: never)
            return
        try:
            repo = open_repository(spec.dataset, spec.backend, spec.endpoint, spec.timeout)
        except Exception as err:  # reported to the app, which raises it
            control.sendall(f"error cannot open the store: {err}".encode())
            return
        control.sendall(b"ready isolated" if isolated else b"ready")
        while control.recv(1):
            mine, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # a worker
                try:
                    control.close()
                    mine.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    if isolated:
                        deny_network(allow_unix=False)  # a worker makes no socket of any kind
                    _serve(Connection(theirs.detach()), repo, cap)
                finally:
                    os._exit(0)
            theirs.close()
            socket.send_fds(control, [str(pid).encode()], [mine.fileno()])
            mine.close()
    except BaseException:  # noqa: BLE001 - whatever happens, the zygote must not return into the app
        pass
    finally:
        os._exit(0)


class _Zygote:
    def __init__(self, spec: StoreSpec, cap: int, startup_timeout: float, load_now: bool = True):
        self.control, theirs = socket.socketpair()
        self.lock = threading.Lock()
        self.startup_timeout = startup_timeout
        self.ready, self.error, self.loading, self.isolated = False, None, False, False
        self.pid = os.fork()
        if self.pid == 0:
            self.control.close()
            _zygote(theirs, spec, cap)
        theirs.close()
        if load_now:
            self.load()

    def load(self) -> None:
        """Tell the zygote to open the store (once)."""
        with self.lock:
            self._load()

    def _load(self) -> None:
        if not self.loading:
            self.loading = True
            try:
                self.control.sendall(b"g")
            except OSError:
                pass  # a zygote gone already: the first fork says so

    def _wait_until_ready(self) -> None:
        """The first worker waits for the zygote to have opened the store (the app opens its own
        meanwhile); a store that cannot be opened is reported here."""
        self.control.settimeout(self.startup_timeout)
        try:
            status = self.control.recv(4096).decode()
        except OSError:
            status = "error the query process did not start in time"
        if not status.startswith("ready"):
            self.error = status.removeprefix("error ") or "the query process exited while starting"
            raise TrackTwoError(self.error)
        self.ready, self.isolated = True, status == "ready isolated"

    def fork(self) -> tuple[int, Connection]:
        with self.lock:
            if self.error:
                raise TrackTwoError(self.error)
            if not self.ready:
                self._load()
                self._wait_until_ready()
            try:
                self.control.sendall(b"f")
                message, fds, _, _ = socket.recv_fds(self.control, 32, 1)
            except OSError:
                fds = []
        if not fds:  # the zygote has gone (killed from outside): say so rather than fail with a 500
            raise TrackTwoError("the query process has stopped; restart the app to run queries again")
        return int(message), Connection(fds[0])

    def close(self, grace: float = 5) -> None:
        self.control.close()  # the zygote sees the end of its socket and exits
        deadline = time.monotonic() + grace
        try:
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:  # it should not happen; never leave it behind
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    break
                time.sleep(0.01)
        except ChildProcessError:
            pass


class _Worker:
    def __init__(self, zygote: _Zygote):
        self.pid, self.conn = zygote.fork()

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.conn.close()


class Executor:
    """Queries with a time limit, in workers forked from a zygote that opens the repository spec
    describes. Make it before the app opens its own store; workers are forked on demand, up to
    `workers`. With load_now=False the zygote opens its store when load() is called (or on the
    first query): an app calls it once its own store is open, so that a server's workers are ready
    after one load each rather than two side by side.

    `per_client` queries may run at once for one client (the `client` given to run); a query that
    finds all `workers` busy waits `queue_wait` seconds at most, then gets Busy."""

    def __init__(self, spec: StoreSpec, timeout: float = 10, cap: int = 10000, workers: int = 4,
                 startup_timeout: float = 300, load_now: bool = True, queue_wait: float = 2,
                 per_client: int = 2):
        self.timeout, self.startup_timeout, self.queue_wait = timeout, startup_timeout, queue_wait
        self.workers, self.per_client = max(1, workers), max(1, per_client)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()  # the warmest worker first
        self._all: set[_Worker] = set()
        self._forking = 0
        self._clients: dict[str, int] = {}
        self._lock = threading.Lock()
        self._zygote: _Zygote | None = _Zygote(spec, cap, startup_timeout, load_now)
        atexit.register(self.close)

    @property
    def isolated(self) -> bool:
        """Whether the workers run without network sockets (known once the store is open)."""
        return self._zygote is not None and self._zygote.isolated

    def load(self) -> None:
        """Let the zygote open its store now, in the background."""
        if self._zygote is not None:
            self._zygote.load()

    def _fork(self) -> _Worker:
        zygote = self._zygote
        if zygote is None:
            raise TrackTwoError("the query executor is closed")
        worker = _Worker(zygote)
        with self._lock:
            self._all.add(worker)
        return worker

    def _acquire(self) -> _Worker:
        """An idle worker, a new fork while there are fewer than `workers`, or Busy after the wait."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            grow = len(self._all) + self._forking < self.workers
            self._forking += grow
        if grow:
            try:
                return self._fork()
            finally:
                with self._lock:
                    self._forking -= 1
        try:
            return self._idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise Busy(f"all {self.workers} query workers are busy; try again in a few seconds") from None

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
        dead.kill()
        if self._zygote is not None:  # (None once closed)
            self._idle.put(self._fork())  # a fork of the zygote: ready at once

    def _enter(self, client: str | None) -> None:
        if client is None:
            return
        with self._lock:
            if self._clients.get(client, 0) >= self.per_client:
                raise TooManyQueries(f"{self.per_client} of your queries are already running; "
                                     "wait for one to finish")
            self._clients[client] = self._clients.get(client, 0) + 1

    def _leave(self, client: str | None) -> None:
        if client is None:
            return
        with self._lock:
            left = self._clients.get(client, 1) - 1
            if left:
                self._clients[client] = left
            else:
                self._clients.pop(client, None)

    def run(self, text: str, bindings=None, default_graphs=None, named_graphs=None, base_iri=None,
            untrusted: bool = True, client: str | None = None) -> Result:
        """Run a query in a worker. Untrusted text is read and checked there first (read_query);
        errors come back as QueryRefused, QuerySyntaxError, QueryTimeout (Busy), QueryFailed or
        TooManyQueries, with messages fit for anyone."""
        self._enter(client)
        started = time.perf_counter()
        try:
            return self._run(text, bindings, default_graphs, named_graphs, base_iri, untrusted)
        finally:
            self._leave(client)
            log.debug("query in a worker: %.1f ms", (time.perf_counter() - started) * 1000)

    def _run(self, text, bindings, default_graphs, named_graphs, base_iri, untrusted) -> Result:
        worker = self._acquire()
        try:
            worker.conn.send((text, bindings, default_graphs, named_graphs, base_iri, untrusted))
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped")
            status, payload, detail = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise TrackTwoError("the query worker stopped unexpectedly; it has been replaced") from None
        self._idle.put(worker)
        if status != "ok":
            error = _ERRORS[status](payload)
            if detail:
                error.detail = detail
            raise error
        if payload.kind == "graph":
            graph = bind_prefixes(Graph())
            for triple in payload.graph:
                graph.add(triple)
            payload.graph = graph
        return payload

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
            zygote, self._zygote = self._zygote, None
        for worker in workers:
            worker.kill()
        if zygote is not None:
            zygote.close()
