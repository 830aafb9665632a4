"""The query executor: workers forked from a zygote that opens the store once."""

import os
import time

import pytest

from tracktwo.build import dataset_path
from tracktwo.errors import TrackTwoError
from tracktwo.executor import Executor, StoreSpec
from tracktwo.store import QueryTimeout

COUNT_CASES = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/tracktwo/ontology#Case> }"
# a cross product of every triple with itself, twice: minutes on any engine
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def spec(built):
    return StoreSpec(str(dataset_path(built)))


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


def parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def waiting_for_word(pid: int, seconds: float = 30) -> None:
    """Wait until the zygote is blocked reading its socket (recvfrom), which it does before it opens
    any store: a deterministic point, where a sleep would be a guess."""
    import platform
    recvfrom = {"x86_64": "45", "aarch64": "207"}.get(platform.machine())
    if recvfrom is None:
        pytest.skip("no syscall number known for this machine")
    deadline = time.monotonic() + seconds
    while True:
        with open(f"/proc/{pid}/syscall") as f:
            if f.read().split()[0] == recvfrom:
                return
        assert time.monotonic() < deadline, "the zygote never waited for the word to open its store"
        time.sleep(0.01)


def test_workers_are_forks_of_the_zygote_forked_on_demand_up_to_the_maximum(spec):
    import threading
    executor = Executor(spec, timeout=2, workers=2, queue_wait=0.2)
    try:
        assert not executor._all, "no worker before the first query"
        assert int(executor.run(COUNT_CASES).rows[0]["n"]) > 20
        assert len(executor._all) == 1, "one query at a time needs one worker"
        outcomes = []

        def runaway():
            try:
                executor.run(RUNAWAY)
            except TrackTwoError as err:  # stopped at the limit, or no worker free within the wait
                outcomes.append(type(err).__name__)
        threads = [threading.Thread(target=runaway) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(executor._all) == 2, "four at once need more, but never more than the maximum"
        assert sorted(outcomes) == ["Busy", "Busy", "QueryTimeout", "QueryTimeout"]
        assert all(parent(w.pid) == executor._zygote.pid for w in executor._all)
    finally:
        executor.close()


def test_the_zygote_opens_its_store_only_when_told(spec, tmp_path):
    """With load_now=False the store is opened on load(), not when the executor is made: a dataset
    that only exists by then is found (had the zygote opened it at once, it would have failed)."""
    import shutil
    later = tmp_path / "later.nq"
    executor = Executor(StoreSpec(str(later)), timeout=30, load_now=False)
    try:
        waiting_for_word(executor._zygote.pid)  # it reached its wait for the word, not opening anything
        shutil.copy(spec.dataset, later)
        executor.load()
        assert int(executor.run(COUNT_CASES).rows[0]["n"]) > 20
    finally:
        executor.close()


def test_a_query_before_load_opens_the_store_itself(spec):
    executor = Executor(spec, timeout=30, load_now=False)
    try:
        assert int(executor.run(COUNT_CASES).rows[0]["n"]) > 20
    finally:
        executor.close()


def test_a_store_that_cannot_be_opened_is_reported_on_every_query(tmp_path):
    executor = Executor(StoreSpec(str(tmp_path / "missing.nq")), timeout=30)
    try:
        for _ in range(2):
            with pytest.raises(TrackTwoError, match="cannot open the store"):
                executor.run(COUNT_CASES)
    finally:
        executor.close()


def test_a_runaway_worker_is_killed_and_replaced_by_a_fork(spec):
    executor = Executor(spec, timeout=1)
    try:
        assert int(executor.run(COUNT_CASES).rows[0]["n"]) > 20
        [first] = list(executor._all)
        with pytest.raises(QueryTimeout):
            executor.run(RUNAWAY)
        assert gone(first.pid), "the runaway worker was stopped"
        [second] = list(executor._all)
        assert second.pid != first.pid and parent(second.pid) == executor._zygote.pid
        assert int(executor.run(COUNT_CASES).rows[0]["n"]) > 20
    finally:
        executor.close()


def test_closing_ends_the_zygote_and_every_worker(spec):
    executor = Executor(spec, timeout=30, workers=2)
    executor.run(COUNT_CASES)
    pids = [w.pid for w in executor._all] + [executor._zygote.pid]
    executor.close()
    assert all(gone(pid) for pid in pids)


def test_closing_one_executor_ends_its_zygote_while_another_lives(spec):
    # the second zygote is forked while the first executor's sockets are open in the app: it must
    # not keep copies, or the first zygote and worker never see their sockets close
    first = Executor(spec, timeout=30)
    first.run(COUNT_CASES)
    second = Executor(spec, timeout=30)
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


def test_a_zygote_killed_from_outside_gives_a_clear_error(spec):
    executor = Executor(spec, timeout=1)
    try:
        executor.run(COUNT_CASES)
        os.kill(executor._zygote.pid, 9)
        assert gone(executor._zygote.pid)
        with pytest.raises(TrackTwoError, match="query process has stopped"):
            executor.run(RUNAWAY)  # times out; the replacement cannot be forked
    finally:
        executor.close()
