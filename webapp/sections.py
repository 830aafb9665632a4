"""The sections of resource pages, kept as SPARQL files with decorators (like the saved queries).

Each `webapp/sections/*.rq` file starts with `#+` lines:

    #+ title: Crossings from unofficial to official roles
    #+ kinds: [person, organization, state]     # the IRI kinds (…/id/{kind}/…) it appears on
    #+ order: 2                                 # its place on the page
    #+ note: one line shown under the title     # optional
    #+ saved: upstream-of-accord                # optional: run this saved query instead, with its
                                                #   one IRI parameter set to the resource

and then a SELECT in which ?r is the resource. A column `xLabel` is the label of column `x`, and
`xPrecision` the precision of date column `x`; the page shows them with `x`, not as columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib.plugins.sparql.parser import parseQuery

from tracktwo.errors import TrackTwoError

KEYS = {"title", "kinds", "order", "note", "saved"}


@dataclass
class Section:
    name: str
    title: str
    kinds: list[str]
    order: int = 9
    note: str = ""
    text: str = ""
    saved: str | None = None
    variables: list[str] = field(default_factory=list)


def load_section(path: Path) -> Section:
    text = path.read_text(encoding="utf-8")
    lines = [line[2:].strip() for line in text.splitlines() if line.startswith("#+")]
    try:
        data = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as err:
        raise TrackTwoError(f"{path}: bad decorator: {err}") from None
    if not isinstance(data, dict) or not data.get("title") or not data.get("kinds"):
        raise TrackTwoError(f"{path}: a section needs `#+ title:` and `#+ kinds: [...]` lines")
    unknown = set(data) - KEYS
    if unknown:
        raise TrackTwoError(f"{path}: unknown decorator(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KEYS))}")
    section = Section(path.stem, str(data["title"]), [str(k) for k in data["kinds"]], int(data.get("order", 9)),
                      str(data.get("note") or ""), saved=data.get("saved"))
    if not section.saved:
        section.text = text
        try:
            parseQuery(text)
        except Exception as err:  # pyparsing's ParseException: report the file, not a traceback
            raise TrackTwoError(f"{path}: SPARQL syntax error: {err}") from None
    return section


def load_sections(directory: Path) -> dict[str, list[Section]]:
    """Sections by kind, in page order."""
    by_kind: dict[str, list[Section]] = {}
    for path in sorted(directory.glob("*.rq")):
        section = load_section(path)
        for kind in section.kinds:
            by_kind.setdefault(kind, []).append(section)
    for sections in by_kind.values():
        sections.sort(key=lambda s: (s.order, s.name))
    return by_kind
