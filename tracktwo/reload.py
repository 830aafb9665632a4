"""`tracktwo serve --reload`: rebuild on save and serve the new build on the next page load.

A supervisor, not a trick inside the app: it watches the inputs (ontology, cases, queries, the web
app's templates, queries and code) by their modification times, and after a change rebuilds (only
changed cases are reasoned again: the reasoner's cache) and restarts the server process. A build
that fails prints its problems and keeps the last good server running, so a half-typed edit never
takes the site down.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from .build import BuildFailed, build
from .errors import TrackTwoError
from .load import Project

WATCHED = ("ontology", "cases", "queries", "webapp", "tracktwo")
SUFFIXES = {".ttl", ".rq", ".html", ".py", ".css", ".js"}


def snapshot(root: Path) -> dict[Path, float]:
    out = {}
    for folder in WATCHED:
        for path in (root / folder).rglob("*"):
            if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                out[path] = path.stat().st_mtime
    return out


def _server(root: Path, host: str, port: int, backend: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tracktwo.cli", "--root", str(root), "serve", "--no-build",
                             "--host", host, "--port", str(port), "--backend", backend])


def _build(project: Project) -> bool:
    from webapp.answers import precompute
    try:
        result = build(project)
        precompute(result.path)   # the concept pages' rows (webapp.answers)
    except BuildFailed as failed:
        for problem in failed.report.problems:
            print(problem, file=sys.stderr)
        print(f"reload: {failed}; still serving the last good build", file=sys.stderr)
        return False
    except TrackTwoError as err:   # a broken query file, say: the app would not start with it
        print(f"reload: {err}; still serving the last good build", file=sys.stderr)
        return False
    print(f"reload: built in {result.seconds:.1f} s (SHACL: {result.shacl_reused} files from cache; "
          f"{result.reasoned_cases} case(s) reasoned, {result.cache_hits} from cache)", file=sys.stderr)
    return True


def serve_with_reload(root: Path, host: str, port: int, backend: str, interval: float = 1.0) -> int:
    project = Project.at(root)
    # stopped by a signal, still stop the server it started (SIGTERM would otherwise skip `finally`)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if not _build(project):
        return 1
    seen = snapshot(project.root)
    server = _server(project.root, host, port, backend)
    print(f"reload: watching {', '.join(WATCHED)} for changes", file=sys.stderr)
    try:
        while True:
            time.sleep(interval)
            now = snapshot(project.root)
            if now == seen:
                continue
            changed = sorted({p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)})
            seen = now
            print(f"reload: {len(changed)} file(s) changed ({project.relative(changed[0])} …)", file=sys.stderr)
            if _build(project):
                server.terminate()
                server.wait(timeout=30)
                server = _server(project.root, host, port, backend)
    except KeyboardInterrupt:
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)
