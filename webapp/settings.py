"""Every setting of the web app in one typed table: name, type, allowed range, default and help.

Settings come from `TRACKTWO_*` environment variables, overridden by the dict given to
create_app; they are checked once, at start-up, and a bad one stops the app with a message naming
the variable, what it must be and what it was (`TRACKTWO_PAGE_SIZE=0` used to make /cases a 500).
The README's settings table is this one (`markdown_table()`), and a test keeps the two the same.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tracktwo.errors import TrackTwoError
from tracktwo.store import DISK_ABOVE_MB


class SettingsError(TrackTwoError):
    """A setting with a value it cannot take."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None

    def read(self, raw: Any) -> Any:
        """The value, typed and checked, or SettingsError."""
        if raw is None or raw == "":
            if self.default is None:
                return None
            raw = self.default
        try:
            value = self._cast(raw)
        except (TypeError, ValueError):
            raise SettingsError(f"{self.name} must be {self.describe()}, not {raw!r}") from None
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum) \
                or (self.choices is not None and value not in self.choices):
            raise SettingsError(f"{self.name} must be {self.describe()}, not {raw!r}")
        return value

    def _cast(self, raw: Any) -> Any:
        if self.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return text in ("1", "true", "yes", "on")
        if self.type is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError(raw)
            text = str(raw).strip()
            if not (text.isascii() and text.lstrip("-").isdigit()) and not isinstance(raw, (int, float)):
                raise ValueError(raw)
            return int(raw)
        if self.type is float:
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(raw)
            return value
        return str(raw)

    def describe(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        kind = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}[self.type]
        if self.minimum is not None and self.maximum is not None:
            return f"{kind} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{kind} of at least {self.minimum:g}"
        return kind


SETTINGS = (
    Setting("TRACKTWO_DATASET", str, "build/tracktwo.nq", "the built dataset (N-Quads)"),
    Setting("TRACKTWO_BACKEND", str, "auto", "the store backend; `auto`: `oxigraph` (in memory) for a dataset up to "
            "`TRACKTWO_DISK_ABOVE_MB`, `oxigraph-disk` above", choices=("auto", "oxigraph", "oxigraph-disk", "rdflib", "sparql")),
    Setting("TRACKTWO_DISK_ABOVE_MB", float, DISK_ABOVE_MB, "megabytes of N-Quads above which `auto` serves the dataset from "
            "the on-disk store (one copy in the page cache for every process) rather than a copy in memory in each",
            minimum=0, maximum=1_000_000),
    Setting("TRACKTWO_QUERY_BACKEND", str, None, "the store of the `/sparql` query workers, when it is to differ from "
            "the app's: `oxigraph-disk` keeps one on-disk copy in the page cache for all of them instead of one in "
            "memory each (the app's is `oxigraph`)", choices=("oxigraph", "oxigraph-disk")),
    Setting("TRACKTWO_ENDPOINT", str, None, "the remote SPARQL query endpoint, for the `sparql` backend"),
    Setting("TRACKTWO_ENDPOINT_TIMEOUT", float, 30.0, "seconds the `sparql` backend waits for its endpoint's answer",
            minimum=0.5, maximum=3600),
    Setting("TRACKTWO_QUERY_TIMEOUT", float, 10.0, "seconds a query sent to `/sparql`, the editor or a saved-query "
            "page may run (reading and checking it included)", minimum=0.1, maximum=3600),
    Setting("TRACKTWO_RESULT_CAP", int, 10000, "rows (or triples) a `/sparql` answer may carry", minimum=1,
            maximum=10_000_000),
    Setting("TRACKTWO_MAX_BODY", int, 1024 * 1024, "bytes a request body may have (then 413)", minimum=1024,
            maximum=1024 ** 3),
    Setting("TRACKTWO_WORKERS", int, 6, "most query worker processes per app process (forked on demand)",
            minimum=1, maximum=256),
    Setting("TRACKTWO_CLIENT_QUERIES", int, 2, "queries one client address may run at once (then 429)", minimum=1,
            maximum=256),
    Setting("TRACKTWO_QUEUE_WAIT", float, 2.0, "seconds a query waits for a busy worker (then 503 with "
            "`Retry-After`)", minimum=0, maximum=600),
    Setting("TRACKTWO_THREADS", int, 16, "server threads of `tracktwo serve` (more than the workers, so pages "
            "never wait behind queries)", minimum=1, maximum=1024),
    Setting("TRACKTWO_PROXIES", int, 0, "reverse proxies in front of the app whose `X-Forwarded-For` / `-Proto` / "
            "`-Host` to trust", minimum=0, maximum=10),
    Setting("TRACKTWO_PAGE_SIZE", int, 500, "rows on one page of a saved query's results or of the cases index "
            "(downloads have them all)", minimum=1, maximum=100_000),
    Setting("TRACKTWO_PAGE_CACHE_MB", float, 32.0, "megabytes of rendered pages each app process keeps "
            "(`0`: none)", minimum=0, maximum=65536),
    Setting("TRACKTWO_DOWNLOAD_CACHE_MB", float, 64.0, "megabytes a whole-dataset download (Turtle, JSON-LD) "
            "may take to be kept in memory after its first request (larger ones are made each time)",
            minimum=0, maximum=65536),
    Setting("TRACKTWO_QUERIES", str, None, "a folder of saved queries to serve instead of the checkout's "
            "`queries/` (for tests and forks)"),
    Setting("TRACKTWO_LOG_LEVEL", str, "INFO", "how much the app logs: a line per request at INFO, query "
            "timings at DEBUG", choices=("DEBUG", "INFO", "WARNING", "ERROR")),
)
BY_NAME = {s.name: s for s in SETTINGS}


def load(environ: dict | None = None, overrides: dict | None = None) -> dict:
    """Every setting, typed and checked: the environment, then the overrides, then the defaults.
    Keys of the overrides that are not settings (Flask's own, such as TESTING) pass through."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    values = {}
    for setting in SETTINGS:
        raw = overrides.pop(setting.name, environ.get(setting.name))
        values[setting.name] = setting.read(raw)
    # a misspelt setting given to create_app is an error; the environment may hold other tools'
    # TRACKTWO_ variables (the fuzz harness's, say), which the app only logs
    unknown = sorted(k for k in overrides if k.startswith("TRACKTWO_"))
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]}; the settings are: {', '.join(BY_NAME)}")
    return {**values, **overrides}


def unknown_in(environ: dict) -> list[str]:
    """TRACKTWO_ variables that are not settings (the fuzz harness's own are known and left alone)."""
    return sorted(k for k in environ if k.startswith("TRACKTWO_") and k not in BY_NAME
                  and not k.startswith("TRACKTWO_FUZZ_"))


def markdown_table() -> str:
    lines = ["| variable | default | allowed | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "" if s.default is None else f"`{s.default:g}`" if isinstance(s.default, float) else f"`{s.default}`"
        lines.append(f"| `{s.name}` | {default} | {s.describe()} | {s.help} |")
    return "\n".join(lines) + "\n"
