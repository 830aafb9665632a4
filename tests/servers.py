"""Real server processes for tests: tracktwo serve on a free loopback port; the SPARQL servers
(oxigraph serve and Virtuoso) come from tracktwo.localservers, which the benchmarks use too."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from tracktwo.localservers import (  # noqa: F401 - the tests import them from here
    ENGINES, free_port, oxigraph_server, running, sparql_server, virtuoso_server, wait_for)


@contextmanager
def tracktwo_server(root: Path, **env):
    port = free_port()
    cmd = [sys.executable, "-m", "tracktwo.cli", "--root", str(root), "serve", "--no-build", "--port", str(port)]
    with running(cmd, f"http://127.0.0.1:{port}/sparql", {**os.environ, **{k: str(v) for k, v in env.items()}}):
        yield f"http://127.0.0.1:{port}"
