"""The saved queries as the tests load them, the parameters they need on the seed cases, and how
rows are compared across engines."""

from decimal import Decimal

from rdflib import Literal

from tracktwo.queries import Registry

from conftest import REPO

REGISTRY = Registry(REPO / "queries")
# Parameters the queries need to return rows on the seed cases (the others have defaults or are optional).
NEEDS = {"find-by-name": {"text": "saunders"}}


def normalised(rows):
    """Rows as comparable tuples; GROUP_CONCAT order is engine-specific, so its parts are sorted."""
    def cell(v):
        if isinstance(v, Literal) and isinstance(v.toPython(), (int, Decimal)) and not isinstance(v.toPython(), bool):
            # numbers compare by value: engines differ in decimal lexical forms and integer/decimal typing
            return format(Decimal(v.toPython()).normalize(), "f")
        text = str(v)
        return ", ".join(sorted(text.split(", "))) if isinstance(v, Literal) and ", " in text else text
    return sorted(tuple(sorted((k, cell(v)) for k, v in row.items())) for row in rows)
