"""Real server processes for tests: tracktwo serve and oxigraph serve, on free loopback ports."""

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
                raise RuntimeError(f"{process.args[0]} exited: {process.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds} s")
            time.sleep(0.2)


@contextmanager
def running(cmd: list[str], probe: str, env: dict | None = None):
    """Start a server process, wait until `probe` answers, stop it afterwards."""
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(probe, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


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
