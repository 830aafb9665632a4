"""Real server processes for tests: tracktwo serve, oxigraph serve and Virtuoso, on free loopback ports."""

from __future__ import annotations

import os
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
def running(cmd: list[str], probe: str, env: dict | None = None, log: Path | None = None):
    """Start a server process, wait until `probe` answers, stop it afterwards. A server that writes
    as it goes writes to `log` (a pipe nobody reads would fill and stop it)."""
    out = open(log, "wb") if log else subprocess.PIPE
    process = subprocess.Popen(cmd, env=env, stdout=out, stderr=out)
    try:
        wait_for(probe, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)
        if log:
            out.close()


@contextmanager
def tracktwo_server(root: Path, **env):
    port = free_port()
    cmd = [sys.executable, "-m", "tracktwo.cli", "--root", str(root), "serve", "--no-build", "--port", str(port)]
    with running(cmd, f"http://127.0.0.1:{port}/sparql", {**os.environ, **{k: str(v) for k, v in env.items()}}):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def oxigraph_server(location: Path, *args):
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("the oxigraph server (PyPI package oxigraph) is not installed")
    port = free_port()
    with running([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *args],
                 f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


# Virtuoso's settings for a throwaway test server: its files in `location`, loopback ports only; no
# row cap on results, and neither its "anytime" time limit (which answers with partial results) nor
# its cost estimate (which refuses a query before it runs): time limits are the app's business.
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
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 8
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
ServerThreads = 8
MaxKeepAlives = 16
KeepAliveTimeout = 30

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


@contextmanager
def virtuoso_server(location: Path):
    """Virtuoso Open Source (Debian's virtuoso-opensource-7-bin, installed by `make virtuoso`) on free
    loopback ports, with its database in `location`. Its unauthenticated Graph Store endpoint
    (/sparql-graph-crud) may write once the SPARQL user has the SPARQL_UPDATE role, granted here over
    isql: the app itself refuses updates before they reach any engine (tests/test_security.py)."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        raise RuntimeError("Virtuoso is not installed: `make virtuoso` installs Debian's")
    ports = {"dir": location, "isql": free_port(), "http": free_port()}
    (location / "virtuoso.ini").write_text(VIRTUOSO_INI.format(**ports))
    with running([binary, "-f", "-c", str(location / "virtuoso.ini")], f"http://127.0.0.1:{ports['http']}/sparql",
                 log=location / "virtuoso.out"):
        granted = subprocess.run([isql, f"127.0.0.1:{ports['isql']}", "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
                                 capture_output=True, text=True, timeout=60)
        if granted.returncode != 0 or "Error" in granted.stdout + granted.stderr:
            raise RuntimeError(f"isql could not grant SPARQL_UPDATE: {granted.stdout}{granted.stderr}")
        yield f"http://127.0.0.1:{ports['http']}"


# Each SPARQL server the remote backend is tested on: where its query and Graph Store endpoints are.
ENGINES = {
    "oxigraph": (oxigraph_server, "/query", "/store"),
    "virtuoso": (virtuoso_server, "/sparql", "/sparql-graph-crud"),
}


@contextmanager
def sparql_server(engine: str, location: Path):
    """A real server of this engine, empty; yields (query endpoint, graph store endpoint)."""
    start, query, store = ENGINES[engine]
    with start(location) as url:
        yield url + query, url + store
