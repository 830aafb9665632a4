"""The content-addressed caches under build/cache/ (parsed graphs, literal checks, N-Quads lines, the
triples SHACL's cache compares with): an entry is named by what it was computed from, so it never
goes stale, but every saved version of a file would add one. A run marks what it used (its
modification time) and then removes the entries it did not use; a removed entry is only recomputed.
"""

from __future__ import annotations

import os
from pathlib import Path


def used(path: Path) -> None:
    """Mark a cache entry as used by this run."""
    try:
        os.utime(path)
    except OSError:
        pass   # gone meanwhile: the next run recomputes it


def prune(directory: Path, since: float) -> None:
    """Remove the entries of directory that no run since `since` (a time.time()) used or wrote."""
    try:
        entries = list(directory.iterdir())
    except OSError:
        return
    for path in entries:
        try:
            if path.is_file() and path.stat().st_mtime < since:
                path.unlink()
        except OSError:
            pass


def run_start(directory: Path) -> float:
    """The time a run starts, as the file system under directory stamps files (its clock and its
    granularity, which time.time() need not share)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        marker = directory / f".run-{os.getpid()}"
        marker.touch()
        try:
            return marker.stat().st_mtime
        finally:
            marker.unlink()
    except OSError:
        return 0.0   # nothing can be told apart: remove nothing
