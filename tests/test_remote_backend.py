"""The remote backend: the built dataset published into a real server of each engine (Oxigraph and
Virtuoso), then the saved queries and the web app run over the SPARQL protocol and give the same
answers as the embedded store."""

import urllib.request

import pytest
from conftest import run_cli
from servers import ENGINES, sparql_server, tracktwo_server
from saved import NEEDS, REGISTRY, normalised

from tracktwo.store import open_repository


@pytest.fixture(scope="module", params=sorted(ENGINES))
def remote(request, built, tmp_path_factory):
    """The query endpoint of a real server of each engine, loaded by `tracktwo publish`."""
    with sparql_server(request.param, tmp_path_factory.mktemp(request.param)) as (query, store):
        published = run_cli("--root", built.root, "publish", "--endpoint", store)
        assert published.returncode == 0, published.stderr
        assert "inferred" in published.stdout
        yield query


@pytest.mark.parametrize("name", sorted(REGISTRY.queries))
def test_saved_queries_agree_on_all_three_backends(saved_answers, remote, name):
    far = REGISTRY.get(name).run(open_repository(None, "sparql", remote), NEEDS.get(name, {})).rows
    assert normalised(far) == normalised(saved_answers(name, "oxigraph")) == normalised(saved_answers(name, "rdflib"))


def test_cli_query_on_the_remote_backend(built, remote):
    result = run_cli("--root", built.root, "query", "run", "case-timeline", "--backend", "sparql",
                     "--param", "case=neemrana-dialogue", "--format", "csv", env={"TRACKTWO_ENDPOINT": remote})
    assert result.returncode == 0, result.stderr
    assert "neemrana-first-meeting" in result.stdout


def test_the_web_app_runs_on_the_remote_backend(built, remote):
    with tracktwo_server(built.root, TRACKTWO_BACKEND="sparql", TRACKTWO_ENDPOINT=remote) as url:
        with urllib.request.urlopen(url + "/cases", timeout=30) as response:
            page = response.read().decode()
        assert "Oslo back channel" in page and "Living Room Dialogue" in page
        with urllib.request.urlopen(url + "/sparql?query=ASK%20%7B%20%3Fs%20a%20%3Chttps%3A%2F%2Fw3id.org%2Ftracktwo%2Fontology%23Case%3E%20%7D",
                                    timeout=30) as response:
            assert b"true" in response.read()


def test_publish_to_nowhere_is_a_clear_error(built):
    result = run_cli("--root", built.root, "publish", "--endpoint", "http://127.0.0.1:9/store", "--timeout", "5")
    assert result.returncode == 1 and "cannot reach the graph store" in result.stderr
