"""The dataset as tables: CSV files with a Frictionless Data Package descriptor and a codebook,
for R, Stata and pandas.

Each table is a SELECT in tracktwo/tables/ run on the built dataset. A column's description comes
from the ontology, never hand-copied: a column named after a t2: property (signedOn, role …) takes
that property's definition; the table's first column is the IRI of what a row is about. IRIs are
written in full, dates as ISO dates, and the descriptor gives each column's type.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from . import dataset
from .namespaces import T2
from .queries import _decorators
from .store import Repository

TABLES = Path(__file__).parent / "tables"
# columns that are not named after a t2: property
OTHER = {
    "label": "The name people read (rdfs:label; for a source, see title).",
    "kind": "The class of the resource (t2:Initiative or t2:OfficialProcess; t2:Person, t2:Organization or t2:State).",
    "case": "A case that covers the process (a process covered by two cases has a row for each).",
    "lat": "Latitude in decimal degrees (WGS84).", "long": "Longitude in decimal degrees (WGS84).",
    "title": "The title of the work (dcterms:title).", "actor": "The IRI of the person, organisation or state.",
    "source": "The IRI of the source.", "bridge": "The IRI of the bridge.", "accord": "The IRI of the accord.",
}
XSD_TYPES = {XSD.date: "date", XSD.integer: "integer", XSD.decimal: "number", XSD.boolean: "boolean", XSD.gYear: "year"}


def _field_type(values: list) -> tuple[str, str | None]:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, URIRef) for v in present):
        return "string", "uri"
    kinds = {XSD_TYPES.get(v.datatype) if isinstance(v, Literal) else None for v in present}
    return (kinds.pop() if len(kinds) == 1 and None not in kinds else "string"), None


def _description(column: str, first: bool, table: str, ontology: Graph) -> str:
    if first:
        return f"The IRI of the {column} this row is about (one of the dataset's resources; see its page)."
    if column in OTHER:
        return OTHER[column]
    prop = T2[column]
    definition = ontology.value(prop, SKOS.definition)
    label = ontology.value(prop, RDFS.label)
    if definition is None:
        raise ValueError(f"tracktwo/tables/{table}.rq: column ?{column} is neither a t2: property nor described")
    return f"{definition} (t2:{column}{', ' + str(label) if label else ''})"


def build_tables(repo: Repository, ontology: Graph) -> list[dict]:
    """[{name, title, fields: [{name, type, format?, description}], rows}] for every table."""
    out = []
    for path in sorted(TABLES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        result = repo.query(text)
        fields = []
        for i, column in enumerate(result.variables):
            type_, format_ = _field_type([r.get(column) for r in result.rows])
            field = {"name": column, "type": type_, "description": _description(column, i == 0, path.stem, ontology)}
            if format_:
                field["format"] = format_
            fields.append(field)
        out.append({"name": path.stem, "title": str(_decorators(path, text, "page")["summary"]),
                    "fields": fields, "rows": result.rows})
    return out


def write(repo: Repository, ontology: Graph, target: Path) -> Path:
    """target/ with one CSV per table, datapackage.json and codebook.md."""
    target.mkdir(parents=True, exist_ok=True)
    tables = build_tables(repo, ontology)
    for table in tables:
        with (target / f"{table['name']}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow([field["name"] for field in table["fields"]])
            for row in table["rows"]:
                writer.writerow(["" if row.get(fd["name"]) is None else str(row[fd["name"]]) for fd in table["fields"]])
    descriptor = {
        "profile": "tabular-data-package", "name": "tracktwo", "title": dataset.TITLE, "id": dataset.IRI,
        "version": dataset.VERSION, "created": dataset.RELEASED,
        "licenses": [{"name": "CC-BY-4.0", "path": dataset.DATA_LICENCE}],
        "contributors": [{"title": dataset.CREATOR, "role": "author"}, {"title": dataset.PUBLISHER, "role": "publisher"}],
        "resources": [{"name": t["name"], "path": f"{t['name']}.csv", "profile": "tabular-data-resource",
                       "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "title": t["title"],
                       "schema": {"fields": t["fields"]}} for t in tables],
    }
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [f"# Codebook: {dataset.TITLE}, version {dataset.VERSION}", "",
             "Generated with the tables by `tracktwo export --format datapackage`; the descriptions come from "
             "the ontology's definitions. IRIs are in full; dates are ISO dates; an empty cell is no value.", ""]
    for t in tables:
        lines += [f"## {t['name']}.csv", "", f"{t['title']} ({len(t['rows'])} rows).", "",
                  "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{fd['name']}` | {fd['type']}{' (' + fd['format'] + ')' if 'format' in fd else ''} | "
                  f"{fd['description'].replace('|', '/')} |" for fd in t["fields"]]
        lines.append("")
    (target / "codebook.md").write_text("\n".join(lines), encoding="utf-8")
    return target
