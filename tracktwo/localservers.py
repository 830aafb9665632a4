"""Throwaway SPARQL servers on free loopback ports, for the tests and the benchmarks: an Oxigraph
server (PyPI `oxigraph`) and Virtuoso Open Source (Debian's `virtuoso-opensource-7-bin`), each with
its files in a folder of the caller's, stopped when the `with` block ends. Nothing here is used by
the app itself; it lives in the library so that tests and benchmarks share one copy."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None:
                said = process.stderr.read().decode()[-2000:] if process.stderr else "(see its log)"
                raise RuntimeError(f"{process.args[0]} exited: {said}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds} s")
            time.sleep(0.2)


@contextmanager
def running(cmd: list[str], probe: str, env: dict | None = None, log: Path | None = None, seconds: float = 90):
    """Start a server process, wait until `probe` answers, stop it afterwards; yields the process.
    A server that writes as it goes writes to `log` (a pipe nobody reads would fill and stop it)."""
    out = open(log, "wb") if log else subprocess.PIPE
    process = subprocess.Popen(cmd, env=env, stdout=out, stderr=out)
    try:
        wait_for(probe, process, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()


def oxigraph_binary() -> str:
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("the oxigraph server (PyPI package oxigraph) is not installed")
    return binary


@contextmanager
def oxigraph_server(location: Path, *args, read_only: bool = False, log: Path | None = None,
                    process_out: list | None = None):
    """`oxigraph serve` (or `serve-read-only`) on a free loopback port over the store in `location`;
    yields its base URL. `args` go to the server (`--timeout-s 60`); what it prints goes to `log`
    when given (a long run must not leave it writing to a pipe nobody reads); `process_out`, when
    given, gets the server's process (for its pid)."""
    port = free_port()
    command = "serve-read-only" if read_only else "serve"
    with running([oxigraph_binary(), command, "--location", str(location), "--bind", f"127.0.0.1:{port}", *args],
                 f"http://127.0.0.1:{port}/", log=log) as process:
        if process_out is not None:
            process_out.append(process)
        yield f"http://127.0.0.1:{port}"


# Virtuoso's settings for a throwaway server: its files in `location`, loopback ports only; no row
# cap on results, and neither its "anytime" time limit (which answers with partial results) nor its
# cost estimate (which refuses a query before it runs): time limits are the app's business.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
DirsAllowed = ., {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ServerThreads = {threads}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
ServerThreads = {threads}
MaxKeepAlives = {keep_alives}
KeepAliveTimeout = 30

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


@contextmanager
def virtuoso_server(location: Path, threads: int = 8, keep_alives: int = 16, buffers: int = 10000,
                    checkpoint: bool = False, process_out: list | None = None):
    """Virtuoso Open Source (Debian's virtuoso-opensource-7-bin, installed by `make virtuoso`) on free
    loopback ports, with its database in `location`; yields its base URL. Its unauthenticated Graph
    Store endpoint (/sparql-graph-crud) may write once the SPARQL user has the SPARQL_UPDATE role,
    granted here over isql: the app itself refuses updates before they reach any engine
    (tests/test_security.py). `threads` serve HTTP (and SQL), `keep_alives` connections may stay
    open between requests, `buffers` are 8 KB pages of cache. Started again on the same folder it
    opens the database there; with `checkpoint`, it writes what it holds to the database before it
    stops (a stop by signal leaves it in the transaction log, replayed at the next start: 5 s for
    1,000 synthetic cases)."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise RuntimeError("Virtuoso is not installed: `make virtuoso` installs Debian's")
    ports = {"dir": location, "isql": free_port(), "http": free_port(), "threads": threads,
             "keep_alives": keep_alives, "buffers": buffers, "dirty": buffers * 3 // 5}
    (location / "virtuoso.ini").write_text(VIRTUOSO_INI.format(**ports))

    def sql(statement: str, tolerated: str = "") -> None:
        done = subprocess.run([isql, f"127.0.0.1:{ports['isql']}", "dba", "dba", f"exec={statement}"],
                              capture_output=True, text=True, timeout=600)
        said = done.stdout + done.stderr
        if done.returncode != 0 or ("Error" in said and not (tolerated and tolerated in said)):
            raise RuntimeError(f"isql could not run {statement!r}: {said}")

    with running([binary, "-f", "-c", str(location / "virtuoso.ini")], f"http://127.0.0.1:{ports['http']}/sparql",
                 log=location / "virtuoso.out") as process:
        sql('grant SPARQL_UPDATE to "SPARQL";', tolerated="U0013")  # U0013: granted already (a reopened database)
        if process_out is not None:
            process_out.append(process)
        yield f"http://127.0.0.1:{ports['http']}"
        if checkpoint:
            sql("checkpoint;")


# Each SPARQL server the remote backend runs on: where its query and Graph Store endpoints are.
ENGINES = {
    "oxigraph": (oxigraph_server, "/query", "/store"),
    "virtuoso": (virtuoso_server, "/sparql", "/sparql-graph-crud"),
}


@contextmanager
def sparql_server(engine: str, location: Path, **options):
    """A real server of this engine over the store in `location` (empty at first); yields
    (query endpoint, graph store endpoint). `options` go to the engine's starter."""
    start, query, store = ENGINES[engine]
    with start(location, **options) as url:
        yield url + query, url + store
