"""Pictures of query results, drawn on the server as SVG: bar charts, maps, timelines, networks.

A saved query declares its picture (`#+ view:`) and the columns it is drawn from (`#+ encode:`,
checked by the registry). Each module here turns rows into one SVG, with a title, a description and
a `<title>` on every mark; `draw` also returns a sentence saying what the picture shows, for the
caption and for readers who cannot see it. The table stays on the page beside the picture. SVG on
the server prints, needs no JavaScript, and is tested as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from . import bar, network, places, timeline

DRAW = {"bar": bar.draw, "map": places.draw, "timeline": timeline.draw, "graph": network.draw}


@dataclass
class Picture:
    view: str
    svg: Markup | None     # None when the rows give nothing to draw
    summary: str           # what it shows, in a sentence or two


def draw(view: str, encode: dict, rows: list[dict], label_of) -> Picture:
    """`rows` as the page shows them (IRIs with `xLabel` columns beside them); `label_of(row, column)`
    gives the text a person reads for a cell."""
    svg, summary = DRAW[view](encode, rows, label_of)
    return Picture(view, svg, summary)
