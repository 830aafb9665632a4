"""Shared fixtures: a tiny fixture world, a built copy of the repository, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from tracktwo.build import build, dataset_path
from tracktwo.load import Project

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"

# The longest test files (measured with --durations: each 45-130 s on one process) are handed out
# first: under `-n 2 --dist loadfile` files go to the processes in collection order, so the short
# ones fill in at the end instead of one long file running alone (7 min 58 s -> 7 min 23 s, two
# runs back to back on a busy afternoon).
LONGEST_FIRST = ["test_shacl_cache.py", "test_queries.py", "test_remote_backend.py", "test_security.py",
                 "test_cli.py", "test_pages_backends.py", "test_pages.py", "test_hostile_input.py",
                 "test_browser.py", "test_fuzz.py"]


def pytest_collection_modifyitems(items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))   # stable: a file's own order holds


def fixture_expectations(path: Path) -> dict:
    """Read the '# expect-…:' header lines a fixture declares about itself."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect-"):
            key, value = line[len("# expect-"):].split(":", 1)
            out[key.strip()] = value.strip()
    return out


@pytest.fixture(scope="session")
def mini_root(tmp_path_factory) -> Path:
    """A checkout with the real ontology and a tiny fictional shared file instead of the real ones."""
    root = tmp_path_factory.mktemp("mini")
    shutil.copytree(REPO / "ontology", root / "ontology")
    (root / "cases" / "shared").mkdir(parents=True)
    shutil.copy(FIXTURES / "mini" / "shared.ttl", root / "cases" / "shared" / "shared.ttl")
    return root


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Project:
    """A copy of the repository's data, built once for the whole run (tests only read it). Under
    pytest-xdist the workers share one copy: the first to get the lock builds it, the others wait."""
    from filelock import FileLock
    from webapp.answers import precompute
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent   # the run's directory, above each worker's own
    root = base / "built-repo"
    with FileLock(str(base / "built-repo.lock")):
        if not (root / "build" / "manifest.json").is_file():
            shutil.rmtree(root, ignore_errors=True)
            for part in ("ontology", "cases", "queries"):
                shutil.copytree(REPO / part, root / part)
            result = build(Project.at(root))
            precompute(result.path)   # as `tracktwo build` does: the pages read them
    return Project.at(root)


@pytest.fixture(scope="session")
def embedded_repo(built):
    """The built dataset in the embedded Oxigraph store, opened once a session (tests only read it)."""
    from tracktwo.store import open_repository
    return open_repository(dataset_path(built))


@pytest.fixture(scope="session")
def rdflib_repo(built):
    """The built dataset in rdflib, the reference engine; parsing it takes seconds, so once a session."""
    from tracktwo.store import open_repository
    return open_repository(dataset_path(built), "rdflib")


@pytest.fixture(scope="session")
def saved_answers(request, built):
    """A saved query's rows on the embedded store or on rdflib, worked out once a run: the engine
    comparisons (rdflib with Oxigraph, each remote engine with both, the on-disk store) all use the
    same ones. Under pytest-xdist they are kept beside the shared build, so the process that needs
    them second reads them (rdflib takes about 30 s for all of them) and opens no rdflib store."""
    import pickle

    from filelock import FileLock
    from saved import NEEDS, REGISTRY
    kept, memo = built.root.parent / "saved-answers", {}
    kept.mkdir(exist_ok=True)
    repo = lambda engine: request.getfixturevalue({"oxigraph": "embedded_repo", "rdflib": "rdflib_repo"}[engine])

    def answers(name: str, engine: str) -> list[dict]:
        if (name, engine) not in memo:
            path = kept / f"{name}.{engine}.pickle"
            with FileLock(str(path) + ".lock"):
                if not path.is_file():
                    rows = REGISTRY.get(name).run(repo(engine), NEEDS.get(name, {})).rows
                    path.write_bytes(pickle.dumps(rows))
                memo[name, engine] = pickle.loads(path.read_bytes())
        return memo[name, engine]
    return answers


def run_cli(*args, env=None, cwd=None, stdin=None, timeout=600):
    """Run the real tracktwo command line in a subprocess."""
    return subprocess.run([sys.executable, "-m", "tracktwo.cli", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd or REPO, input=stdin, timeout=timeout)


@contextmanager
def app_on(project: Project, **settings):
    """The web app over a project's built dataset, with these settings (TRACKTWO_QUERY_TIMEOUT=2 …);
    its query processes end with the block."""
    from webapp import create_app
    app = create_app({"TRACKTWO_DATASET": str(dataset_path(project)), "TESTING": True, **settings})
    try:
        yield app
    finally:
        app.extensions["tracktwo"].close()


@pytest.fixture
def app_with(built):
    """Make apps over the built dataset with the settings a test needs; all are closed after it."""
    from webapp import create_app
    made = []

    def make(**settings):
        made.append(create_app({"TRACKTWO_DATASET": str(dataset_path(built)), "TESTING": True, **settings}))
        return made[-1]
    yield make
    for app in made:
        app.extensions["tracktwo"].close()


@pytest.fixture(scope="module")
def client(built):
    """Flask's test client over the built dataset (test modules that need other settings define their own)."""
    with app_on(built) as app:
        yield app.test_client()
