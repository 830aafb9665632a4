"""What the app holds for its views, typed: the store, the query executor, the catalogue, the
dataset's graph names, and what a process reads once and keeps (the store never changes while the
app runs). Views ask `state()` rather than looking services up by string keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from tracktwo.executor import Executor
from tracktwo.queries import Catalogue
from tracktwo.store import Repository


@dataclass
class AppState:
    repo: Repository          # the store the pages read (never written)
    executor: Executor        # worker processes for queries with a time limit
    catalogue: Catalogue      # every query file: saved, sections, pages
    graphs: list              # the dataset's named graphs, for the service description
    case_rows: list | None = None           # the cases index, read on first use
    facets: dict | None = None              # the values the index filters by
    readings: Any = None                    # the readings catalogue (tracktwo.readings.Catalogue)
    search_index: Any = None                # every label, for /search (webapp.search.SearchIndex)
    downloads: dict = field(default_factory=dict)   # Turtle / JSON-LD of the whole dataset, made once
    page_cache: Any = None                  # rendered pages (webapp.cache.PageCache)
    answers: Any = None                     # concept pages' rows worked out by the build (webapp.answers.Answers)

    def close(self) -> None:
        """End the query processes (tests and servers that make many apps call this)."""
        self.executor.close()


KEY = "tracktwo"


def install(app: Flask, state: AppState) -> None:
    app.extensions[KEY] = state


def state(app: Flask | None = None) -> AppState:
    return (app or current_app).extensions[KEY]
