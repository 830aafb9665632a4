"""The query executor: workers forked from a zygote that holds the app's open store."""

import os
import time

import pytest

from tracktwo.build import dataset_path
from tracktwo.errors import TrackTwoError
from tracktwo.executor import Executor, StoreSpec
from tracktwo.store import QueryTimeout, open_repository

COUNT_CASES = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/tracktwo/ontology#Case> }"
# a cross product of every triple with itself, twice: minutes on any engine
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def repo(built):
    return open_repository(dataset_path(built))


def gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie waiting for its new parent to reap it counts as gone
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_workers_use_the_open_store_rather_than_loading_it_again(repo, built, tmp_path):
    # the spec names a file that does not exist: only the shared, already open store can answer
    executor = Executor(StoreSpec(str(tmp_path / "missing.nq")), timeout=30, repo=repo)
    try:
        [expected] = repo.select(COUNT_CASES)
        [row] = executor.run(COUNT_CASES).rows
        assert int(row["n"]) == int(expected["n"]) > 20
    finally:
        executor.close()


def test_without_a_repository_the_zygote_opens_the_spec_and_reports_failure(built, tmp_path):
    executor = Executor(StoreSpec(str(dataset_path(built))), timeout=30)
    try:
        assert int(executor.run(COUNT_CASES).rows[0]["n"]) > 20
    finally:
        executor.close()
    with pytest.raises(TrackTwoError, match="cannot open the store"):
        Executor(StoreSpec(str(tmp_path / "missing.nq")), timeout=30)


def test_a_runaway_worker_is_killed_and_replaced_at_once(repo):
    executor = Executor(StoreSpec(None), timeout=1, repo=repo)
    try:
        [first] = list(executor._all)
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            executor.run(RUNAWAY)
        assert gone(first.pid), "the runaway worker was stopped"
        assert int(executor.run(COUNT_CASES).rows[0]["n"]) > 20
        assert time.monotonic() - started < 5, "the replacement is a fork, not a fresh load"
    finally:
        executor.close()


def test_closing_ends_the_zygote_and_every_worker(repo):
    executor = Executor(StoreSpec(None), timeout=30, workers=2, repo=repo)
    pids = [w.pid for w in executor._all] + [executor._zygote.pid]
    executor.close()
    assert all(gone(pid) for pid in pids)


def test_closing_one_executor_ends_its_zygote_while_another_lives(repo):
    # the second zygote is forked while the first executor's socket is open in the app: it must
    # not keep a copy, or the first zygote never sees its socket close
    first = Executor(StoreSpec(None), timeout=30, repo=repo)
    second = Executor(StoreSpec(None), timeout=30, repo=repo)
    try:
        zygote = first._zygote.pid
        [worker] = list(first._all)
        first._all.clear()  # not killed: the worker must notice the end of its socket on its own
        worker.conn.close()
        first._zygote.control.close()
        assert gone(zygote) and gone(worker.pid)
        first.close()
        assert int(second.run(COUNT_CASES).rows[0]["n"]) > 20
    finally:
        second.close()
