"""A read-only copy of the built dataset in an on-disk Oxigraph (RocksDB) store, shared by processes.

The in-memory store is the fastest to query, but every process that holds one holds all of it
(about 700 MB at 10,000 synthetic cases), and Oxigraph's reads write to the memory they visit, so
a forked copy does not stay shared. An on-disk store opened read-only keeps its data in the
operating system's page cache, which every process opening the same directory shares: the
`/sparql` query workers (or the whole app) can then run in a few tens of megabytes each.
Queries over the whole corpus are 3-6 times slower than in memory (see the README's Performance).

The store is made from the N-Quads file the first time a process asks for it, under a lock so
that processes starting together make it once, in a folder named after the dataset's fingerprint
(its size and modification time, and the build's manifest): a new build gets a new folder, and
the older ones are removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from .errors import TrackTwoError

INFO = "tracktwo-store.json"  # written last: a folder without it is an unfinished copy


def fingerprint(nquads: Path) -> str:
    stat = nquads.stat()
    manifest = nquads.parent / "manifest.json"
    extra = manifest.read_bytes() if manifest.is_file() else b""
    return hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}:".encode() + extra).hexdigest()[:16]


def ensure(nquads: Path, union_is_set) -> tuple[Path, bool]:
    """The folder of the on-disk copy of `nquads` (made now if there is none for this build) and
    whether its default graph is to be read as the union of the named graphs.
    `union_is_set(store)` says, for a freshly loaded store, whether Oxigraph's union view is a set
    (tracktwo.store._union_is_set); when it is not, the union is copied into the default graph."""
    nquads = Path(nquads)
    try:
        key = fingerprint(nquads)
    except OSError as err:
        raise TrackTwoError(f"{nquads}: cannot read the built dataset: {err.strerror}") from None
    folder = nquads.parent / f"{nquads.stem}.oxigraph-{key}"
    lock_path = nquads.parent / f"{nquads.stem}.oxigraph.lock"
    try:
        lock = open(lock_path, "w")
    except OSError as err:  # a read-only build folder, say: name it rather than fail with a traceback
        raise TrackTwoError(f"{lock_path}: cannot make the on-disk store beside the dataset: {err.strerror}") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process makes it; the others wait, then open it
        info = folder / INFO
        if not info.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            _make(nquads, folder, union_is_set)
            for old in nquads.parent.glob(f"{nquads.stem}.oxigraph-*"):
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
        return folder, json.loads(info.read_text())["union"]


def _make(nquads: Path, folder: Path, union_is_set) -> None:
    try:
        store = ox.Store(str(folder))
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        union = union_is_set(store)
        if not union:
            store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        store.optimize()
        store.flush()
        del store  # closes the read-write instance before anyone opens it read-only
    except (OSError, SyntaxError, RuntimeError) as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise TrackTwoError(f"{nquads}: cannot make the on-disk store in {folder}: {err}") from None
    tmp = folder / (INFO + ".tmp")
    tmp.write_text(json.dumps({"union": union, "dataset": str(nquads)}))
    os.replace(tmp, folder / INFO)


def open_read_only(folder: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(folder))
    except OSError as err:
        raise TrackTwoError(f"{folder}: cannot open the on-disk store: {err}") from None
