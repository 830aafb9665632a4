"""/compare: two or three cases side by side — span, tracks, mechanisms, conveners and funders,
bridges and their lead times, accords, outcome, lessons — at a shareable address
(/compare?case=oslo-back-channel&case=inter-tajik-dialogue). Built from the case page's own
queries, so the two pages cannot disagree."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, render_template, request
from rdflib import URIRef

from tracktwo.namespaces import ID, T2

from .. import runner
from ..caseindex import case_rows

bp = Blueprint("compare", __name__)
MAX_CASES = 3
INITIATIVE = T2.Initiative


def _case_iri(value: str, known: set[str]) -> str | None:
    """A case by short name (oslo-back-channel), prefixed name (case:…) or IRI; None if there is none."""
    value = value.strip()
    for candidate in (value, f"{ID}case/{value}", f"{ID}case/{value.removeprefix('case:')}"):
        if candidate in known:
            return candidate
    return None


def _span(processes: list[dict]) -> dict:
    """The earliest start and the latest end of the case's processes, each with its precision."""
    starts = [(str(p["start"]), p) for p in processes if p.get("start") is not None]
    ends = [(str(p["end"]), p) for p in processes if p.get("end") is not None]
    first = min(starts, key=lambda s: s[0])[1] if starts else None
    last = max(ends, key=lambda s: s[0])[1] if ends else None
    return {"start": first and first["start"], "startPrecision": first and first.get("startPrecision"),
            "end": last and last["end"], "endPrecision": last and last.get("endPrecision"),
            "open": len(ends) < len(processes)}


def profile(iri: URIRef) -> dict:
    part = lambda name: runner.rows(name, case=iri)
    header = part("case-header")[0]
    processes = part("case-processes")
    people = part("case-people-in-processes")
    unofficial = [r for r in people if r["kind"] == INITIATIVE]
    by_role = lambda *roles: sorted({(str(r["actorLabel"]), str(r["actor"])) for r in unofficial
                                     if str(r["roleLabel"]) in roles})
    bridges = part("case-bridges")
    types = Counter()
    for bridge in {str(b["bridge"]): b for b in bridges}.values():
        types.update(t.strip() for t in str(bridge["types"]).split(" / "))
    leads = sorted(({"bridge": str(b["label"]), "accord": str(b["accordLabel"]), "min": int(b["minMonths"]),
                     "max": int(b["maxMonths"])} for b in bridges
                    if b.get("accord") is not None and b.get("minMonths") is not None and str(b.get("order")) == "before"),
                   key=lambda r: (r["min"], r["max"], r["bridge"], r["accord"]))
    accords = list({str(a["accord"]): a for a in part("case-accords")}.values())
    return {
        "iri": iri, "label": header["label"], "conflict": header["conflictLabel"], "region": header.get("regionLabel"),
        "span": _span(processes),
        "tracks": sorted({t.strip() for p in processes for t in str(p["tracks"]).split(",") if t.strip()}),
        "mechanisms": sorted({m.strip() for p in processes for m in str(p["mechanisms"]).split(",") if m.strip()}),
        "conveners": by_role("convener", "host", "initiator"), "funders": by_role("funder"),
        "bridges": len({str(b["bridge"]) for b in bridges}), "bridgeTypes": sorted(types.items()),
        "leads": leads, "accords": accords,
        "outcomes": [str(o["label"]) for o in part("case-outcomes")], "outcomeNote": header.get("outcomeNote"),
        "lessons": [str(row["lesson"]) for row in part("case-lessons")],
    }


@bp.get("/compare")
def compare():
    rows = sorted(case_rows(), key=lambda r: str(r["label"]).casefold())
    known = {str(r["case"]) for r in rows}
    asked = [v for v in request.args.getlist("case") if v.strip()]
    problems, chosen = [], []
    for value in asked:
        iri = _case_iri(value, known)
        if iri is None:
            shown = value if len(value) <= 60 else value[:60] + "…"
            problems.append(f"There is no case {shown!r}; choose one from the lists.")
        elif iri not in chosen:
            chosen.append(iri)
    if len(chosen) > MAX_CASES:
        problems.append(f"Up to {MAX_CASES} cases side by side: the first {MAX_CASES} are shown.")
        chosen = chosen[:MAX_CASES]
    profiles = [profile(URIRef(c)) for c in chosen]
    status = 400 if any(p.startswith("There is no case") for p in problems) else 200
    slots = [c.rsplit('/', 1)[-1] for c in chosen] + [""] * (MAX_CASES - len(chosen))  # slugs: a URIRef never equals a str
    return render_template("compare.html", cases=rows, slots=slots, profiles=profiles, problems=problems), status
