"""A network: a node per resource, an arrow per row from source to target, in layers from left to
right (each node one layer after the furthest node that points to it), so that a chain such as
initiative → bridge → official process reads in order."""

from __future__ import annotations

from markupsafe import Markup

from ..format import local_path
from .svg import colours, text

COL_W, ROW_H, PAD, NODE_W = 230, 34, 16, 200


def draw(encode: dict, rows: list[dict], label_of):
    edges, names = {}, {}
    # in a fixed order, whatever order the engine returned the rows in: the layout depends on it
    rows = sorted(rows, key=lambda r: (str(r.get(encode["source"])), str(r.get(encode["target"])),
                                       str(r.get(encode.get("edge", ""), ""))))
    for row in rows:
        s, t = row.get(encode["source"]), row.get(encode["target"])
        if s is None or t is None or s == t:
            continue
        kind = label_of(row, encode["edge"]) if "edge" in encode else ""
        edges.setdefault((str(s), str(t)), kind)
        names[str(s)] = label_of(row, encode["source"])
        names[str(t)] = label_of(row, encode["target"])
    if not edges:
        return None, "Nothing to draw: no row links two resources."
    # layer = longest path from a node with no incoming edge (cycles cut at the first revisit)
    incoming: dict = {}
    for s, t in edges:
        incoming.setdefault(t, set()).add(s)
    layer: dict = {}

    def depth(node, seen=()):
        if node in layer:
            return layer[node]
        parents = sorted(p for p in incoming.get(node, ()) if p not in seen)
        layer[node] = 0 if not parents else 1 + max(depth(p, seen + (node,)) for p in parents)
        return layer[node]

    for node in names:
        depth(node)
    columns: dict = {}
    for node in sorted(names, key=lambda n: (layer[n], n)):  # by IRI: the same on every engine
        columns.setdefault(layer[node], []).append(node)
    pos = {n: (PAD + c * COL_W, PAD + i * ROW_H) for c, nodes in columns.items() for i, n in enumerate(nodes)}
    palette = colours(list(dict.fromkeys(edges.values())))
    kinds = [k for k in palette if k]
    width = PAD * 2 + len(columns) * COL_W
    body_h = PAD * 2 + max(len(v) for v in columns.values()) * ROW_H
    height = body_h + len(kinds) * 20
    out = [f'<svg class="picture graph" viewBox="0 0 {width} {height}" width="100%" role="group" '
           f'aria-labelledby="graph-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="graph-title">Network of {len(names)} resources and {len(edges)} links</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/></marker></defs>']
    for (s, t), kind in edges.items():
        (x1, y1), (x2, y2) = pos[s], pos[t]
        out.append(f'<line x1="{x1 + NODE_W}" y1="{y1 + 12}" x2="{x2}" y2="{y2 + 12}" stroke="{palette[kind]}" '
                   f'marker-end="url(#arrow)" class="edge"><title>{text(names[s])} → {text(names[t])}'
                   f'{": " + text(kind) if kind else ""}</title></line>')
    for i, kind in enumerate(kinds):  # legend: what each colour of arrow stands for
        y = body_h + i * 20
        out.append(f'<line x1="{PAD}" x2="{PAD + 30}" y1="{y + 6}" y2="{y + 6}" stroke="{palette[kind]}" class="edge"/>'
                   f'<text x="{PAD + 38}" y="{y + 10}" class="legend">{text(kind)}</text>')
    for node, (x, y) in pos.items():
        href = local_path(node)
        label = names[node] if len(names[node]) <= 30 else names[node][:29] + "…"
        mark = (f'<rect x="{x}" y="{y}" width="{NODE_W}" height="24" rx="4" class="node"/>'
                f'<text x="{x + 6}" y="{y + 16}">{text(label)}</text><title>{text(names[node])}</title>')
        out.append(f'<a href="{text(href)}" class="mark">{mark}</a>' if href else f'<g class="mark">{mark}</g>')
    out.append("</svg>")
    summary = f"{len(names)} resources in {len(columns)} layer(s), linked by {len(edges)} arrow(s)."
    return Markup("".join(out)), summary
