"""Earliest and latest days of every date, derived from its precision at build time.

A date is stored as an `xsd:date` normalised to the first day of its month or year, with a
precision (`t2:Day`, `t2:Month`, `t2:Year`). The first day is a convention, not a fact: a bridge
"in 1997" may come after an accord signed on 27 June 1997. So the build adds, for every date with
a precision, the earliest and the latest day it can mean (after SEM's earliest/latest begin and end
time stamps): the day itself twice for `t2:Day`, the first and last day of the month for `t2:Month`,
1 January and 31 December for `t2:Year`. A date without a precision gets no bounds (the shapes
require one; the build does not guess). The bounds go into the inferred graph; the case files
are not changed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from rdflib import Graph, Literal
from rdflib.namespace import XSD

from .namespaces import T2

# Bump when the rule changes, so a build whose inputs did not change is not skipped.
BOUNDS_VERSION = "1"

# date property -> (its precision property, earliest-day property, latest-day property)
DATE_PROPERTIES = {
    T2.date: (T2.datePrecision, T2.dateEarliest, T2.dateLatest),
    T2.signedOn: (T2.datePrecision, T2.signedEarliest, T2.signedLatest),
    T2.startDate: (T2.startDatePrecision, T2.startEarliest, T2.startLatest),
    T2.endDate: (T2.endDatePrecision, T2.endEarliest, T2.endLatest),
    T2.initialledOn: (T2.initialledPrecision, T2.initialledEarliest, T2.initialledLatest),
}


def day_bounds(day: dt.date, precision) -> tuple[dt.date, dt.date] | None:
    """The earliest and latest day a date at this precision can mean; None for an unknown precision."""
    if precision == T2.Day:
        return day, day
    if precision == T2.Month:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == T2.Year:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return None


def derive_bounds(graphs: Iterable[Graph]) -> set[tuple]:
    """The bound triples for every (subject, date) in the graphs whose subject has exactly one
    precision for that date property (looked up across all the graphs)."""
    graphs = list(graphs)
    precisions: dict[tuple, set] = {}
    for g in graphs:
        for prec_prop in {p for p, _, _ in DATE_PROPERTIES.values()}:
            for s, o in g.subject_objects(prec_prop):
                precisions.setdefault((s, prec_prop), set()).add(o)
    out = set()
    for g in graphs:
        for date_prop, (prec_prop, earliest_prop, latest_prop) in DATE_PROPERTIES.items():
            for s, value in g.subject_objects(date_prop):
                found = precisions.get((s, prec_prop), set())
                if len(found) != 1 or not isinstance(value, Literal) or value.datatype != XSD.date:
                    continue  # no precision, or two: do not guess
                day = value.toPython()
                if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                    continue  # an ill-formed date (the shapes report it)
                bounds = day_bounds(day, next(iter(found)))
                if bounds:
                    out.add((s, earliest_prop, Literal(bounds[0].isoformat(), datatype=XSD.date)))
                    out.add((s, latest_prop, Literal(bounds[1].isoformat(), datatype=XSD.date)))
    return out
