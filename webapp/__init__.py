"""The tracktwo web app: an application factory over a read-only store.

The app never parses Turtle on a request and never writes: it opens the built dataset once,
through the store backend chosen in the configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template

from tracktwo.store import open_repository

DEFAULTS = {
    "TRACKTWO_DATASET": "build/tracktwo.nq",
    "TRACKTWO_BACKEND": "oxigraph",
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update({k: v for k, v in os.environ.items() if k.startswith("TRACKTWO_")})
    app.config.update(config or {})
    app.extensions["tracktwo.repo"] = open_repository(Path(app.config["TRACKTWO_DATASET"]),
                                                      app.config["TRACKTWO_BACKEND"])

    from .views import cases
    app.register_blueprint(cases.bp)

    @app.errorhandler(404)
    def not_found(_err):
        return render_template("error.html", title="Not found",
                               message="There is no page at this address."), 404

    @app.errorhandler(500)
    def server_error(_err):
        return render_template("error.html", title="Something went wrong",
                               message="The page could not be shown."), 500

    return app
