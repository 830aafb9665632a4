"""The tracktwo web app: an application factory over a read-only store.

The app never parses Turtle on a request and never writes: it opens the built dataset once,
through the store backend chosen in the configuration. Every query it runs is a file of the
catalogue (tracktwo.queries), checked at start-up; what a reader sends or chooses (the /sparql
endpoint, the editor, saved queries) runs in worker processes with a time limit, the pages' own
selective queries in the app's process (webapp.runner).
"""

from __future__ import annotations

import gc
import os
from dataclasses import replace
from pathlib import Path

from flask import Flask, render_template

from tracktwo.executor import Executor, StoreSpec
from tracktwo.queries import Catalogue
from tracktwo.store import choose_backend, open_repository, release_free_memory

from . import settings
from .answers import Answers
from .state import AppState, install

# Safe defaults in one place: webapp/settings.py, every one a TRACKTWO_* environment variable.
DEFAULTS = {s.name: s.default for s in settings.SETTINGS}


def make_catalogue(saved: str | None = None) -> Catalogue:
    """The saved queries (the checkout's, or another folder), the page sections and page queries."""
    here = Path(__file__).resolve().parent
    return Catalogue(Path(saved or here.parent / "queries"), here / "sections", here / "queries")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(settings.load(os.environ, config))  # checked: a bad value stops here, named
    app.config["MAX_CONTENT_LENGTH"] = app.config["TRACKTWO_MAX_BODY"]
    for name in settings.unknown_in(os.environ):
        app.logger.warning("ignoring %s: not a tracktwo setting", name)

    # Every query file first, checked: a broken one stops the app here, named by file and line
    catalogue = make_catalogue(app.config["TRACKTWO_QUERIES"])
    catalogue.check()

    dataset = Path(app.config["TRACKTWO_DATASET"])
    backend = choose_backend(app.config["TRACKTWO_BACKEND"], dataset, app.config["TRACKTWO_DISK_ABOVE_MB"])
    app.config["TRACKTWO_BACKEND"] = backend   # what `auto` chose, for the log and the pages that say so
    spec = StoreSpec(str(dataset), backend, app.config["TRACKTWO_ENDPOINT"], app.config["TRACKTWO_ENDPOINT_TIMEOUT"])
    # The executor next: it forks a process for the query workers before the app opens its store
    # (forking after would make the app's reads slower), and that process opens its own copy once
    # the app's is open: the app is ready after one load, not two side by side
    embedded = spec.backend in ("oxigraph", "oxigraph-disk")
    worker_spec = replace(spec, backend=app.config["TRACKTWO_QUERY_BACKEND"]) \
        if embedded and app.config["TRACKTWO_QUERY_BACKEND"] else spec
    executor = Executor(worker_spec, app.config["TRACKTWO_QUERY_TIMEOUT"], app.config["TRACKTWO_RESULT_CAP"],
                        app.config["TRACKTWO_WORKERS"], load_now=False, queue_wait=app.config["TRACKTWO_QUEUE_WAIT"],
                        per_client=app.config["TRACKTWO_CLIENT_QUERIES"])
    repo = open_repository(Path(spec.dataset), spec.backend, spec.endpoint, spec.timeout)
    if embedded:
        repo.labels()  # the label index, built now rather than on the first request of each worker
        release_free_memory()
    # concept pages worked out by the build (webapp.answers); a remote server may hold other data
    answers = Answers.of(Path(spec.dataset)) if embedded else Answers()
    install(app, AppState(repo, executor, catalogue, repo.graph_names(), answers=answers))
    executor.load()

    from . import format, guards, logs, negotiation, security
    from .views import api, browse, cases, cite, codebook, compare, downloads, ontology, queries, readings, resources, search, sparql
    logs.register(app)
    format.register(app)
    security.register(app)
    negotiation.register(app)
    guards.register(app)
    app.register_blueprint(cases.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(codebook.bp)
    app.register_blueprint(browse.bp)
    app.register_blueprint(queries.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(ontology.bp)
    app.register_blueprint(readings.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(cite.bp)

    @app.errorhandler(404)
    def not_found(_err):
        return render_template("error.html", title="Not found",
                               message="There is no page at this address."), 404

    @app.errorhandler(400)
    def bad_request(err):
        return render_template("error.html", title="Bad request",
                               message=getattr(err, "description", None) or "The request could not be read."), 400

    @app.errorhandler(413)
    def too_large(_err):
        return (f"The request body is larger than the {app.config['TRACKTWO_MAX_BODY']} bytes allowed.\n",
                413, {"Content-Type": "text/plain; charset=utf-8"})

    @app.errorhandler(500)
    def server_error(_err):
        return render_template("error.html", title="Something went wrong",
                               message="The page could not be shown."), 500

    # Compile every template now: otherwise each worker's first page pays for it (about 30 ms on a
    # case page, which was the whole of its p95 over HTTP in the benchmark)
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html")):
        app.jinja_env.get_template(name)
    # What exists now lives as long as the app (modules, the label index, templates): keep it out
    # of the garbage collector's full passes (47 ms each at 10,000 synthetic cases, 0 after this)
    gc.collect()
    gc.freeze()
    return app
