"""Every kind of page on all three backends: the same page, with the same links, whether the store
is Oxigraph embedded, rdflib in memory or a remote server (Oxigraph's, and Virtuoso).

rdflib takes seconds a page on the whole corpus, so the pages are rendered over a small fixture
graph cut from the real build: the ontology and shared files, the inferred graph and two cases.
"""

from __future__ import annotations

import re

import pytest
from servers import ENGINES, sparql_server

from tracktwo.build import dataset_path
from tracktwo.namespaces import GRAPH
from tracktwo.publish import publish
from webapp import create_app

CASES = ("oslo-back-channel", "neemrana-dialogue")
PAGES = [
    "/", "/cases", "/cases?region=middle-east", "/id/case/oslo-back-channel", "/id/case/neemrana-dialogue",
    "/id/person/yair-hirschfeld", "/id/organization/fafo", "/id/state/israel", "/id/place/oslo",
    "/id/accord/oslo-i-declaration-of-principles", "/id/event/initialling-oslo-1993",
    "/id/process/oslo-back-channel", "/id/bridge/draft-dop-to-officials", "/id/conflict/israeli-palestinian",
    "/id/mechanism/back-channel", "/id/track/track-2", "/id/source/waage-2005", "/ontology", "/queries",
    "/queries/case-timeline?case=oslo-back-channel", "/queries/actors-by-role", "/readings",
    "/sparql-editor?query=ASK%20%7B%7D", "/void", "/openapi.json",
]


@pytest.fixture(scope="module")
def small_dataset(built, tmp_path_factory):
    """The real build with every case graph but two left out."""
    keep_out = {f"<{GRAPH}cases/{p.stem}>" for p in (built.root / "cases").glob("*.ttl") if p.stem not in CASES}
    path = tmp_path_factory.mktemp("small") / "small.nq"
    with open(dataset_path(built), encoding="utf-8") as full, open(path, "w", encoding="utf-8") as small:
        for line in full:
            if line.rstrip(" .\n").rsplit(" ", 1)[-1] not in keep_out:
                small.write(line)
    return path


@pytest.fixture(scope="module")
def local_pages(small_dataset):
    """Each page as the embedded backends render it, once (rdflib takes seconds a page), by path."""
    apps = {backend: create_app({"TRACKTWO_DATASET": str(small_dataset), "TRACKTWO_BACKEND": backend,
                                 "TRACKTWO_PAGE_CACHE_MB": 0}) for backend in ("oxigraph", "rdflib")}
    rendered: dict = {}

    def pages(path: str) -> dict:
        if path not in rendered:
            rendered[path] = {backend: get(app, path) for backend, app in apps.items()}
        return rendered[path]
    yield pages
    for app in apps.values():
        app.extensions["tracktwo"].close()


@pytest.fixture(scope="module", params=sorted(ENGINES))
def remote_app(request, small_dataset, tmp_path_factory):
    """The app on the remote backend, on a real server of each engine in turn."""
    with sparql_server(request.param, tmp_path_factory.mktemp(f"{request.param}-pages")) as (query, store):
        publish(small_dataset, store)
        app = create_app({"TRACKTWO_DATASET": str(small_dataset), "TRACKTWO_BACKEND": "sparql", "TRACKTWO_ENDPOINT": query,
                          "TRACKTWO_PAGE_CACHE_MB": 0})
        yield request.param, app
        app.extensions["tracktwo"].close()


def get(app, path: str) -> str:
    response = app.test_client().get(path)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    return response.get_data(as_text=True)


def links(html: str) -> list[str]:
    """The page's links to resources and queries, in order (what a reader can follow from it)."""
    return re.findall(r'href="(/(?:id|queries|ontology)[^"]*)"', html)


@pytest.mark.parametrize("path", PAGES)
def test_every_kind_of_page_is_the_same_on_every_backend(local_pages, remote_app, path):
    engine, app = remote_app
    pages = {**local_pages(path), "sparql": get(app, path)}
    if path.startswith(("/void", "/openapi")):
        return  # (machine documents; their counts are compared elsewhere)
    assert links(pages["oxigraph"]), path
    assert links(pages["rdflib"]) == links(pages["oxigraph"]), f"rdflib differs on {path}"
    assert links(pages["sparql"]) == links(pages["oxigraph"]), f"the remote backend on {engine} differs on {path}"
