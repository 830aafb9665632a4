"""Shared fixtures: a tiny fixture world, a built copy of the repository, and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracktwo.build import build
from tracktwo.load import Project

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


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
def repo_copy(tmp_path_factory) -> Path:
    """A copy of the repository's data, so tests can build without touching the checkout's build/."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(REPO / "ontology", root / "ontology")
    shutil.copytree(REPO / "cases", root / "cases")
    shutil.copytree(REPO / "queries", root / "queries")
    return root


@pytest.fixture(scope="session")
def built(repo_copy) -> Project:
    project = Project.at(repo_copy)
    build(project)
    return project


def run_cli(*args, env=None, cwd=None, stdin=None, timeout=600):
    """Run the real tracktwo command line in a subprocess."""
    return subprocess.run([sys.executable, "-m", "tracktwo.cli", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd or REPO, input=stdin, timeout=timeout)
