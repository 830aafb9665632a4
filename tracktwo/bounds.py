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
from rdflib.namespace import RDF, RDFS, XSD

from .namespaces import T2

# Bump when the rule changes, so a build whose inputs did not change is not skipped.
BOUNDS_VERSION = "2"

# date property -> (its precision property, earliest-day property, latest-day property)
DATE_PROPERTIES = {
    T2.date: (T2.datePrecision, T2.dateEarliest, T2.dateLatest),
    T2.signedOn: (T2.signedPrecision, T2.signedEarliest, T2.signedLatest),
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


# --- participations --------------------------------------------------------------------------
# Bump when the rule below changes (mixed into the build's input digest, like BOUNDS_VERSION).
PARTICIPATION_BOUNDS_VERSION = "2"


def _subclasses(graphs: list[Graph], root) -> set:
    """root and every class declared (through rdfs:subClassOf, in any of the graphs) below it."""
    found, todo = {root}, [root]
    while todo:
        cls = todo.pop()
        for g in graphs:
            for sub in g.subjects(RDFS.subClassOf, cls):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
    return found


def derive_participation_bounds(graphs: Iterable[Graph], bounds: set[tuple] | None = None) -> set[tuple]:
    """t2:participationEarliest / t2:participationLatest for every t2:Participation that dated things
    place in time, and for no other (never guessed):

    - a participation that states its own dates (t2:startDate and t2:endDate, each with its
      precision, where a source gives when this actor joined and left) takes their bounds: from the
      earliest day of its start to the latest day of its end; a stated start alone gives none;
    - otherwise a participation in an event takes the event's own bounds: from the earliest day of its
      t2:date (or t2:startDate) to the latest day of its t2:endDate when it has one, else of its
      t2:date; an event whose date (or stated end) has no bounds gives none;
    - a participation in a process takes the span of the dated events of that process
      (t2:inProcess) which the same participant attended through an event participation: the
      earliest of their earliest days to the latest of their latest days. With none, no bounds:
      the process's own start and end say when the process ran, not when this participant took part.

    `bounds` are the date bounds of derive_bounds (computed here when not given)."""
    graphs = list(graphs)
    if bounds is None:
        bounds = derive_bounds(graphs)
    bound_of: dict[tuple, Literal] = {(s, p): o for s, p, o in bounds}

    def objects(s, p):
        return {o for g in graphs for o in g.objects(s, p)}

    event_classes = _subclasses(graphs, T2.Event)
    events = {s for g in graphs for cls in event_classes for s in g.subjects(RDF.type, cls)}

    def event_span(event):
        earliest = bound_of.get((event, T2.dateEarliest)) or bound_of.get((event, T2.startEarliest))
        if objects(event, T2.endDate):
            latest = bound_of.get((event, T2.endLatest))  # a stated end without bounds: unknown
        else:
            latest = bound_of.get((event, T2.dateLatest)) or bound_of.get((event, T2.startLatest))
        return (earliest, latest) if earliest is not None and latest is not None else None

    # participation -> (its participants, what it is in)
    participations = {}
    for g in graphs:
        for p in g.subjects(RDF.type, T2.Participation):
            participations[p] = (objects(p, T2.participant), objects(p, T2.participationIn))

    spans: dict = {}  # participation -> (earliest, latest)
    for p in participations:
        earliest, latest = bound_of.get((p, T2.startEarliest)), bound_of.get((p, T2.endLatest))
        if earliest is not None and latest is not None:
            spans[p] = (earliest, latest)
    attended: dict[tuple, list] = {}  # (participant, process) -> spans of attended dated events
    for p, (actors, targets) in participations.items():
        if p in spans:
            continue
        dated = [span for t in targets if t in events and (span := event_span(t)) is not None]
        if len(targets) == 1 and dated:
            spans[p] = dated[0]
            for event in targets:
                for process in objects(event, T2.inProcess):
                    for actor in actors:
                        attended.setdefault((actor, process), []).append(dated[0])
    for p, (actors, targets) in participations.items():
        if p in spans or len(targets) != 1 or len(actors) != 1:
            continue  # already dated by its event, or ambiguous: do not guess
        [target], [actor] = targets, actors
        if target in events:
            continue
        found = attended.get((actor, target))
        if found:
            spans[p] = (min((s[0] for s in found), key=Literal.toPython),
                        max((s[1] for s in found), key=Literal.toPython))
    out = set()
    for p, (earliest, latest) in spans.items():
        out.add((p, T2.participationEarliest, earliest))
        out.add((p, T2.participationLatest, latest))
    return out
