"""Readings and course packs for trainers.

`/readings` filters the catalogue (case, topic, level, kind, words) and builds a course pack in
sessions. The pack lives in the URL (`title` and one `s` parameter per session), so it is shared by
copying the address and needs no account; every edit is a link or a small form that returns the
new address. Packs are saved and loaded as JSON files, and exported as BibTeX, RIS, CSL-JSON, a
Markdown syllabus or a printable page.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, redirect, render_template, request
from markupsafe import Markup

from tracktwo.citations import DEFAULT_STYLE, STYLES
from tracktwo.errors import TrackTwoError
from tracktwo.readings import (EXPORTS, Catalogue, Pack, Session, markdown, missing, pack_from_args,
                               pack_from_json, pack_readings, session_heading, suggested)

from ..state import state

bp = Blueprint("readings", __name__)
FILTERS = ("case", "topic", "level", "kind", "q")
MAX_UPLOAD = 256 * 1024


def catalogue() -> Catalogue:
    """Read once per process: the store is read-only, so the catalogue changes only with a new build."""
    if state().readings is None:
        state().readings = Catalogue(state().repo)
    return state().readings


def current_pack() -> tuple[Pack, list[str]]:
    """The pack in the address; a damaged session is left out with a message, but a forged one
    (text that is not Unicode, JSON nested hundreds deep) makes the request a 400."""
    try:
        return pack_from_args(request.args.get("title"), request.args.getlist("s"), catalogue().resolve)
    except TrackTwoError as err:
        abort(400, description=f"The course pack in this address could not be read: {err}")


def placed(pack: Pack) -> dict[str, list[int]]:
    """Which sessions (numbered from 1) already hold each reading, so the catalogue can say so."""
    out: dict[str, list[int]] = {}
    for n, s in enumerate(pack.sessions, 1):
        for r in s.readings:
            out.setdefault(r, []).append(n)
    return out


def filters() -> dict[str, str]:
    return {k: request.args.get(k, "").strip() for k in FILTERS}


def address(pack: Pack, chosen: dict | None = None, path: str = "/readings", **extra) -> str:
    """The address of the pack (and filters) on a page: the pack is its own link."""
    args = pack.url_args(catalogue().token) + [(k, v) for k, v in (chosen or {}).items() if v] + [(k, str(v)) for k, v in extra.items()]
    return f"{path}?{urlencode(args)}"


def _formatted(readings, cat: Catalogue, style: str) -> dict[str, Markup]:
    # citeproc's HTML with every field escaped beforehand (see tracktwo.citations)
    return {r.slug: Markup(cat.citation(r, style)) for r in readings}


@bp.get("/readings")
def index():
    cat = catalogue()
    pack, problems = current_pack()
    chosen = filters()
    if chosen["level"] and chosen["level"] not in ("introductory", "intermediate", "advanced"):
        problems.append(f"level {chosen['level']!r} is not introductory, intermediate or advanced; ignored")
        chosen["level"] = ""
    shown = cat.filter(chosen["case"], chosen["topic"], chosen["level"], chosen["kind"], chosen["q"])
    in_pack = pack_readings(pack, cat)
    return render_template("readings.html", cat=cat, pack=pack, problems=problems, chosen=chosen, shown=shown,
                           placed=placed(pack), heading=session_heading,
                           citations=_formatted(list({r.slug: r for r in shown + in_pack}.values()), cat, DEFAULT_STYLE),
                           missing=set(missing(pack, cat)), here=address(pack, chosen), address=address,
                           pack_args=pack.url_args(cat.token), empty=Pack())


@bp.get("/readings/edit")
def edit():
    """One change to the pack, then back to the page with the new pack in the address."""
    pack, _ = current_pack()
    action = request.args.get("action", "")
    session = _int("session", 0)
    index = _int("index", 0)
    anchor = "pack"
    if action == "add-session" or (action == "add" and not pack.sessions):
        pack.sessions.append(Session(request.args.get("session_title", "").strip() or f"Session {len(pack.sessions) + 1}"))
        session = len(pack.sessions) - 1
        anchor = f"session-{session + 1}"
    if action == "add":
        reading = request.args.get("reading", "")
        if reading not in catalogue().readings:
            abort(400, f"there is no reading {reading!r}")
        target = pack.sessions[min(session, len(pack.sessions) - 1)]  # _int refused a negative one
        if reading not in target.readings:
            target.readings.append(reading)
        anchor = f"reading-{reading}"  # back where the trainer was in the catalogue, not at the top
    elif action in ("up", "down", "remove"):
        s = _session(pack, session)
        if not 0 <= index < len(s.readings):
            abort(400, f"session {session + 1} has no reading {index + 1}")
        _move(s.readings, index, action)
        anchor = f"session-{session + 1}"
    elif action in ("session-up", "session-down", "drop-session"):
        _session(pack, session)
        _move(pack.sessions, session, {"session-up": "up", "session-down": "down", "drop-session": "remove"}[action])
        moved = {"session-up": session - 1, "session-down": session + 1}.get(action)
        anchor = f"session-{moved + 1}" if moved is not None and 0 <= moved < len(pack.sessions) else "pack"
    elif action == "rename":
        s = _session(pack, session)
        s.title = request.args.get("session_title", s.title).strip()[:200] or s.title
        s.note = request.args.get("session_note", s.note).strip()[:2000]
        anchor = f"session-{session + 1}"
    elif action == "title":
        pack.title = request.args.get("pack_title", pack.title).strip()[:200] or pack.title
    elif action != "add-session":
        abort(400, f"unknown action {action!r}")
    return redirect(address(pack, filters()) + "#" + anchor, code=303)


def _move(items: list, i: int, how: str) -> None:
    """Remove item i, or swap it with its neighbour above or below (nothing at either end)."""
    if how == "remove":
        items.pop(i)
        return
    j = i - 1 if how == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]


def _int(name: str, default: int) -> int:
    """A count from 0 (sessions and readings are numbered from 0 in the address), ASCII digits only:
    int() would read " 5", "1_0" and "٣", and a negative one would count from the end."""
    raw = request.args.get(name, str(default))
    if not re.fullmatch(r"[0-9]{1,6}", raw):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        abort(400, f"{name} must be a whole number from 0 to 999999, not {shown!r}")
    return int(raw)


def _session(pack: Pack, n: int) -> Session:
    if not 0 <= n < len(pack.sessions):
        abort(400, f"the pack has no session {n + 1}")
    return pack.sessions[n]


@bp.get("/readings/pack.json")
def save():
    pack, _ = current_pack()
    return Response(pack.as_json(), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="course-pack.json"'})


@bp.post("/readings/load")
def load():
    """A saved pack file: shown with a message for anything that could not be read."""
    upload = request.files.get("pack")
    if upload is None or not upload.filename:
        return _load_error("Choose a course-pack JSON file to load.")
    data = upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _load_error(f"{upload.filename}: larger than {MAX_UPLOAD // 1024} KB; not a course pack")
    try:
        pack, problems = pack_from_json(data.decode("utf-8", errors="replace"), upload.filename)
    except TrackTwoError as err:
        return _load_error(str(err))
    cat = catalogue()
    gone = missing(pack, cat)
    problems += [f"reading {r!r} is no longer in the catalogue; kept in the pack and flagged" for r in gone]
    return render_template("readings.html", cat=cat, pack=pack, problems=problems, chosen=dict.fromkeys(FILTERS, ""),
                           placed=placed(pack), heading=session_heading,
                           shown=[], citations=_formatted(pack_readings(pack, cat), cat, DEFAULT_STYLE),
                           missing=set(gone), here=address(pack), address=address, pack_args=pack.url_args(cat.token), empty=Pack())


def _load_error(message: str):
    return render_template("error.html", title="This course pack could not be loaded", message=message), 400


@bp.get("/readings/export.<fmt>")
def export(fmt: str):
    """The pack's readings (or, without a pack, the filtered catalogue) in a reference format."""
    cat = catalogue()
    pack, _ = current_pack()
    chosen = filters()
    readings = pack_readings(pack, cat) if pack.sessions else cat.filter(
        chosen["case"], chosen["topic"], chosen["level"], chosen["kind"], chosen["q"])
    name = "course-pack" if pack.sessions else "readings"
    if fmt == "md":
        text = markdown(pack if pack.sessions else Pack("Readings", [Session("Readings", "", [r.slug for r in readings])]),
                        cat, request.args.get("style", DEFAULT_STYLE) if request.args.get("style") in STYLES else DEFAULT_STYLE)
        return Response(text, mimetype="text/markdown", headers={"Content-Disposition": f'attachment; filename="{name}.md"'})
    by_suffix = {suffix: (fn, media) for fn, media, suffix in EXPORTS.values()}
    if fmt == "csl.json":
        fmt = "json"
    if fmt not in by_suffix:
        abort(404)
    fn, media = by_suffix[fmt]
    return Response(fn(readings, cat), mimetype=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.get("/readings/print")
def printable():
    """The syllabus as a page to print: sessions, formatted citations, pages to read, notes."""
    cat = catalogue()
    pack, problems = current_pack()
    style = request.args.get("style", DEFAULT_STYLE)
    if style not in STYLES:
        style = DEFAULT_STYLE
    return render_template("syllabus.html", pack=pack, cat=cat, problems=problems, style=STYLES[style],
                           citations=_formatted(pack_readings(pack, cat), cat, style), missing=set(missing(pack, cat)),
                           here=address(pack), heading=session_heading)


@bp.get("/readings/suggested")
def suggestions():
    cat = catalogue()
    packs = [(p, sum(len(s.readings) for s in p.sessions)) for p in suggested(cat)]
    return render_template("suggested.html", packs=packs, address=address)
