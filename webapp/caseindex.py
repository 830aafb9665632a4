"""The cases as the index and the home page list them, read once per process (the store does not
change while the app runs): at 10,000 synthetic cases reading them took 3.5 s."""

from __future__ import annotations

from . import runner
from .state import state


def case_rows() -> list[dict]:
    """Every case with what the index filters on (a copy: callers sort and filter it)."""
    if state().case_rows is None:
        state().case_rows = _one_per_case(runner.rows("cases-index"))
    return list(state().case_rows)


def _one_per_case(rows: list[dict]) -> list[dict]:
    """A conflict in two regions gives its cases two rows: merge them, regions space-separated (as the
    other multi-valued columns are) and their labels joined, so that a case is listed and counted once."""
    merged: dict = {}
    for r in rows:
        seen = merged.get(r["case"])
        if seen is None:
            merged[r["case"]] = dict(r)
            continue
        for column, separator in (("region", " "), ("regionLabel", ", ")):
            values = [v for v in (seen.get(column), r.get(column)) if v is not None]
            seen[column] = separator.join(sorted(set(separator.join(map(str, values)).split(separator))))
    return list(merged.values())


def facets() -> dict:
    """facet -> [(value, label)]."""
    if state().facets is None:
        found: dict = {}
        for r in runner.rows("cases-facets"):
            found.setdefault(str(r["facet"]), []).append((str(r["value"]), str(r["label"])))
        state().facets = found
    return state().facets
