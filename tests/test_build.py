"""Building: the dataset's graphs, skipping unchanged inputs, and surviving interruption."""

import json
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import FIXTURES
from rdflib import Dataset

from tracktwo.build import atomic_write, build, dataset_path
from tracktwo.load import Project
from tracktwo.namespaces import INFERRED_GRAPH


def test_dataset_has_one_graph_per_file_and_the_inferences(built):
    dataset = Dataset()
    dataset.parse(str(dataset_path(built)), format="nquads")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    for path in built.data_paths():
        assert "https://w3id.org/tracktwo/graph/" + built.relative(path).removesuffix(".ttl") in graphs
    assert str(INFERRED_GRAPH) in graphs
    assert len(dataset.graph(INFERRED_GRAPH)) > 0


def test_building_twice_skips_the_second_time(built):
    before = dataset_path(built).stat().st_mtime_ns
    result = build(built)
    assert result.skipped
    assert dataset_path(built).stat().st_mtime_ns == before


def test_a_changed_input_is_rebuilt_and_an_unchanged_one_reuses_the_reasoner(tmp_path, mini_root):
    root = tmp_path / "r"
    shutil.copytree(mini_root, root, ignore=shutil.ignore_patterns("build"))
    case = root / "cases" / "example.ttl"
    case.write_text((FIXTURES / "mini" / "valid-case.ttl").read_text())
    project = Project.at(root)
    first = build(project)
    assert not first.skipped and first.cache_hits == 0
    case.write_text(case.read_text().replace('"First meeting"@en', '"First meeting, renamed"@en'))
    second = build(project)
    assert not second.skipped
    assert "First meeting, renamed" in dataset_path(project).read_text()
    (root / "build" / "tracktwo.nq").unlink(missing_ok=True)
    third = build(project)  # the same inputs again: the reasoner's result comes from the cache
    assert not third.skipped and third.cache_hits == third.reasoned_cases == 1


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path):
    target = tmp_path / "data.nq"
    target.write_text("old\n")

    def chunks():
        yield "new line 1\n"
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C half way through

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, chunks())
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target], "no temporary file is left behind"


def test_killed_build_leaves_the_previous_build_usable(tmp_path, built):
    """The kill lands inside the write of the dataset: as soon as its temporary file (or, were the
    write not atomic, the dataset itself) starts to change. The previous dataset must survive."""
    root = tmp_path / "r"
    shutil.copytree(built.root, root)
    target = root / "build" / "tracktwo.nq"
    previous, before = target.read_bytes(), target.stat()
    proc = subprocess.Popen([sys.executable, "-m", "tracktwo.cli", "--root", str(root), "build", "--force"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline, writing = time.monotonic() + 300, []
    while not writing and time.monotonic() < deadline and proc.poll() is None:
        writing = [p for p in (root / "build").glob(".tracktwo.nq.*.tmp") if p.stat().st_size > 0]
        now = target.stat()
        if (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size, before.st_mtime_ns):
            writing.append(target)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert writing and writing[0] != target, "the dataset itself was being written in place"
    assert target.read_bytes() == previous
    Dataset().parse(str(target), format="nquads")
    manifest = json.loads((root / "build" / "manifest.json").read_text())
    assert manifest["quads"] == previous.decode().count("\n")


def test_invalid_input_stops_the_build_and_keeps_the_previous_one(tmp_path, built):
    root = tmp_path / "r"
    shutil.copytree(built.root, root)
    previous = (root / "build" / "tracktwo.nq").read_bytes()
    (root / "cases" / "broken.ttl").write_text("@prefix x: <http://x/> .\nx:a x:b .\n")
    result = subprocess.run([sys.executable, "-m", "tracktwo.cli", "--root", str(root), "build"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "cases/broken.ttl:2: syntax:" in result.stdout
    assert "previous build" in result.stderr
    assert (root / "build" / "tracktwo.nq").read_bytes() == previous
