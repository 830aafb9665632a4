"""The on-disk read-only Oxigraph store (tracktwo.diskstore, backend `oxigraph-disk`): the same
answers as the in-memory store, made once per build and shared, and used by the `/sparql` workers
when TRACKTWO_QUERY_BACKEND says so."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, run_cli
from tracktwo.build import dataset_path
from saved import NEEDS, REGISTRY, normalised
from tracktwo.errors import TrackTwoError
from tracktwo.store import open_repository


def copy_dataset(built, folder):
    """The built dataset and its manifest in a folder of the test's own (the store goes beside it)."""
    source = dataset_path(built)
    for name in (source.name, "manifest.json"):
        shutil.copy2(source.parent / name, folder / name)
    return folder / source.name


@pytest.fixture()
def dataset_copy(built, tmp_path):
    return copy_dataset(built, tmp_path)


@pytest.fixture(scope="module")
def disk_repo(built, tmp_path_factory):
    return open_repository(copy_dataset(built, tmp_path_factory.mktemp("disk")), "oxigraph-disk")


def stores(dataset):
    return sorted(p.name for p in dataset.parent.glob(f"{dataset.stem}.oxigraph-*"))


@pytest.mark.parametrize("name", sorted(REGISTRY.queries))
def test_saved_queries_answer_the_same_on_disk(name, disk_repo, saved_answers):
    assert disk_repo.union is True  # the build found no triple in two graphs: the union view is used
    rows = REGISTRY.get(name).run(disk_repo, NEEDS.get(name, {})).rows
    expected = saved_answers(name, "oxigraph")
    # the same rows, in the same order (GROUP_CONCAT's order follows the storage, so parts are sorted)
    assert [normalised([row]) for row in rows] == [normalised([row]) for row in expected]


def test_the_store_is_made_once_a_build_and_remade_for_a_new_one(dataset_copy):
    open_repository(dataset_copy, "oxigraph-disk")
    first = stores(dataset_copy)
    assert len(first) == 1
    folder = dataset_copy.parent / first[0]
    made = (folder / "tracktwo-store.json").stat().st_mtime_ns
    open_repository(dataset_copy, "oxigraph-disk")  # the same build: the same folder, not made again
    assert stores(dataset_copy) == first and (folder / "tracktwo-store.json").stat().st_mtime_ns == made
    with open(dataset_copy, "a") as f:  # a new build (one more quad): a new folder, the old one gone
        f.write('<urn:x:s> <urn:x:p> "new" <https://w3id.org/tracktwo/graph/extra> .\n')
    repo = open_repository(dataset_copy, "oxigraph-disk")
    assert len(stores(dataset_copy)) == 1 and stores(dataset_copy) != first
    assert repo.query('ASK { <urn:x:s> <urn:x:p> "new" }').boolean is True


def test_processes_starting_together_make_it_once(dataset_copy):
    script = ("import sys; from pathlib import Path; from tracktwo.store import open_repository; "
              "r = open_repository(Path(sys.argv[1]), 'oxigraph-disk'); "
              "print(r.query('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }').rows[0]['n'])")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(dataset_copy)], cwd=REPO, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    counts = {out.strip() for out, _ in outputs}
    assert len(counts) == 1 and int(counts.pop()) > 1000
    assert len(stores(dataset_copy)) == 1


# The app runs in a process of its own: its query processes are forked from it, and a process that
# has opened an on-disk store (the tests above) cannot be forked safely (RocksDB's threads), which
# is why the app forks its workers' zygote before it opens any store.
APP_QUERY = """
import json, sys
from webapp import create_app
app = create_app({"TRACKTWO_DATASET": sys.argv[1], "TRACKTWO_QUERY_BACKEND": sys.argv[2], "TESTING": True})
query = "SELECT ?case WHERE { ?case a <https://w3id.org/tracktwo/ontology#Case> } ORDER BY ?case"
response = app.test_client().get("/sparql", query_string={"query": query},
                                 headers={"Accept": "application/sparql-results+json"})
print(json.dumps([response.status_code, [b["case"]["value"] for b in response.get_json()["results"]["bindings"]]]))
app.extensions["tracktwo"].close()
"""


def test_sparql_workers_use_the_disk_store_when_asked(dataset_copy):
    answers = {}
    for setting in ("oxigraph", "oxigraph-disk"):
        run = subprocess.run([sys.executable, "-c", APP_QUERY, str(dataset_copy), setting], cwd=REPO,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        status, answers[setting] = json.loads(run.stdout.strip().splitlines()[-1])
        assert status == 200
        # only the workers asked for it made the on-disk copy; the app itself stays in memory
        assert bool(stores(dataset_copy)) == (setting == "oxigraph-disk")
    assert len(answers["oxigraph"]) >= 60 and answers["oxigraph-disk"] == answers["oxigraph"]


def test_a_broken_dataset_is_named(tmp_path):
    dataset = tmp_path / "tracktwo.nq"
    dataset.write_text("<urn:x:s> <urn:x:p> not a term .\n")
    with pytest.raises(TrackTwoError, match="tracktwo.nq: cannot make the on-disk store"):
        open_repository(dataset, "oxigraph-disk")
    assert not stores(dataset)  # nothing half-made is left to be opened later


def test_a_folder_it_cannot_write_is_named(dataset_copy):
    import os
    if os.geteuid() == 0:  # root writes anywhere: make the lock's path a folder instead
        (dataset_copy.parent / f"{dataset_copy.stem}.oxigraph.lock").mkdir()
    else:
        dataset_copy.parent.chmod(0o555)
    try:
        with pytest.raises(TrackTwoError, match="cannot make the on-disk store beside the dataset"):
            open_repository(dataset_copy, "oxigraph-disk")
    finally:
        dataset_copy.parent.chmod(0o755)


def test_auto_serves_a_small_dataset_from_memory_and_a_large_one_from_disk(dataset_copy):
    """The default backend, `auto`, chooses by the size of the N-Quads (TRACKTWO_DISK_ABOVE_MB): the
    test moves the threshold around the real dataset's size rather than making a large one."""
    from webapp import create_app
    size_mb = dataset_copy.stat().st_size / 2**20
    for threshold, backend in ((size_mb * 2, "oxigraph"), (size_mb / 2, "oxigraph-disk")):
        app = create_app({"TRACKTWO_DATASET": str(dataset_copy), "TESTING": True,
                          "TRACKTWO_DISK_ABOVE_MB": threshold})
        try:
            assert (app.config["TRACKTWO_BACKEND"], app.extensions["tracktwo"].repo.name) == (backend, backend)
            client = app.test_client()
            assert client.get("/id/case/oslo-back-channel").status_code == 200
            # a query worker opens its store too: on disk only when the app's is
            answer = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                                headers={"Accept": "application/sparql-results+json"})
            assert answer.status_code == 200 and answer.get_json()["boolean"] is True
            assert bool(stores(dataset_copy)) == (backend == "oxigraph-disk")
        finally:
            app.extensions["tracktwo"].close()


def test_the_command_line_chooses_as_the_app_does(built, tmp_path):
    """`--backend auto` (the default) reads TRACKTWO_DISK_ABOVE_MB as the app does, and says what is
    wrong with a value it cannot take."""
    root = tmp_path / "r"
    (root / "build").mkdir(parents=True)
    for part in ("ontology", "cases", "queries"):
        shutil.copytree(built.root / part, root / part)
    copy_dataset(built, root / "build")
    ask = ("--root", root, "sparql", "ASK { ?s ?p ?o }")
    small = run_cli(*ask, env={"TRACKTWO_DISK_ABOVE_MB": "1000"})
    assert (small.returncode, small.stdout.strip(), stores(root / "build" / "tracktwo.nq")) == (0, "yes", [])
    large = run_cli(*ask, env={"TRACKTWO_DISK_ABOVE_MB": "0.5"})
    assert (large.returncode, large.stdout.strip()) == (0, "yes") and stores(root / "build" / "tracktwo.nq")
    bad = run_cli(*ask, env={"TRACKTWO_DISK_ABOVE_MB": "lots"})
    assert bad.returncode == 1 and "TRACKTWO_DISK_ABOVE_MB must be a number" in bad.stderr
    assert "Traceback" not in bad.stderr
