"""The dataset as tables: CSV files with a Frictionless Data Package descriptor and a codebook,
for R, Stata and pandas.

Each table is a SELECT in tracktwo/tables/ run on the built dataset; its `#+` decorators name the
table's primary and foreign keys, the columns that hold several values (`sets`, written sorted so
every engine gives the same file) and those that become one 0/1 column per concept (`indicators`).
A column's description comes from the ontology, never hand-copied: a column named after a t2:
property (signedOn, role …) takes that property's definition; the table's first column is the IRI
of what a row is about. IRIs are written in full, dates as ISO dates, and the descriptor gives each
column's type.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from . import dataset
from .errors import TrackTwoError
from .namespaces import T2
from .queries import _decorators
from .store import Repository

TABLES = Path(__file__).parent / "tables"
SEPARATOR = "; "  # between the values of a `sets` column
# columns that are not named after a t2: property
OTHER = {
    "label": "The name people read (rdfs:label; for a source, see title).",
    "kind": "The class of the resource (t2:Initiative or t2:OfficialProcess; t2:Person, t2:Organization or t2:State).",
    "case": "A case that covers the process (a process covered by two cases has a row for each).",
    "lat": "Latitude in decimal degrees (WGS84).", "long": "Longitude in decimal degrees (WGS84).",
    "title": "The title of the work (dcterms:title).", "actor": "The IRI of the person, organisation or state.",
    "source": "The IRI of the source.", "bridge": "The IRI of the bridge.", "accord": "The IRI of the accord.",
    "contributionTo": "For a citation of a bridge's contribution to an accord (t2:contribution), the accord; else empty.",
    "claimOn": "For a citation of one disputed value (t2:valueClaim), the property the value is for; else empty.",
    "claimValue": "For a citation of one disputed value, the value it gives (a date, an IRI or a source's wording); else empty.",
    "value": "The value this claim gives: t2:claimedValue (a date, a text), t2:claimedResource (an IRI) or t2:claimedWording.",
    "sources": "The IRIs of the sources the claim cites.",
    "leadMinMonths": "The least lead time in whole months, from the bridge's latest possible day (t2:dateLatest) to the "
                     "accord's earliest possible signing day (t2:signedEarliest); negative when the dates overlap.",
    "leadMaxMonths": "The greatest lead time in whole months, from the bridge's earliest possible day (t2:dateEarliest) "
                     "to the accord's latest possible signing day (t2:signedLatest).",
    "bridgeGrade": "How well it is supported that the bridge carried anything into the official process at all "
                   "(the bridge's own t2:evidenceGrade).",
    "caseCount": "How many cases cover the bridge's initiative or official process.",
    "sharedProcess": "true when more than one case covers the bridge's initiative or official process: adding rows up "
                     "by case counts this contribution more than once.",
}
# columns of case-features: one case, across the processes it covers
CASE_FEATURES = {
    "startEarliest": "The earliest day the case may have begun: the least t2:startEarliest of its processes.",
    "startLatest": "The latest day by which the case had begun: the least t2:startLatest of its processes.",
    "endEarliest": "The earliest day the case may have ended: the greatest t2:endEarliest of its processes that have an end.",
    "endLatest": "The latest day the case may have ended: the greatest t2:endLatest of its processes that have an end "
                 "(empty when none has).",
    "durationMinMonths": "The least duration in whole months, from startLatest to endEarliest (never below 0).",
    "durationMaxMonths": "The greatest duration in whole months, from startEarliest to endLatest.",
    "outcome": "The case's outcome (t2:outcome), once: where a case has two, the one that achieved the most "
               "(the lowest skos:notation of the outcome scheme).",
    "outcomeRank": "The outcome's skos:notation: 1 accord reached, 2 partial agreement, 3 channel kept open, 4 no accord "
                   "(ordinal; see the outcome scheme).",
    "events": "How many events (t2:Event) the case's processes have.",
    "meetings": "How many of those events are meetings (t2:eventType eventtype:meeting).",
    "participants": "How many distinct actors took part in the case's processes or their events (t2:participant).",
    "bridges": "How many bridges lead from or into the case's processes (t2:fromProcess, t2:toProcess).",
    "accords": "How many accords the case's processes produced (t2:producedBy).",
    "convenerKinds": "The kinds (t2:organizationType) of the organisations that convened a process of the case or one of its events.",
    "funderKinds": "The kinds (t2:organizationType) of the organisations that funded a process of the case or one of its events.",
    "region": "The case's regions (t2:region).",
    "aboutConflict": "The conflict the case is about (t2:aboutConflict).",
    "ucdpId": "The conflict's id in the Uppsala Conflict Data Program (t2:ucdpId); empty when not recorded.",
}
XSD_TYPES = {XSD.date: "date", XSD.integer: "integer", XSD.decimal: "number", XSD.boolean: "boolean", XSD.gYear: "year"}
VARIABLE = re.compile(r"\?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class Table:
    name: str
    title: str
    fields: list          # [{name, type, format?, description}]
    rows: list            # [{column: text}], as the CSV holds them
    primary_key: list
    foreign_keys: list


def _field_type(values: list) -> tuple[str, str | None]:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, URIRef) for v in present):
        return "string", "uri"
    kinds = {XSD_TYPES.get(v.datatype) if isinstance(v, Literal) else None for v in present}
    return (kinds.pop() if len(kinds) == 1 and None not in kinds else "string"), None


def _description(column: str, first: bool, table: str, ontology: Graph) -> str:
    if first:
        return f"The IRI of the {column} this row is about (one of the dataset's resources; see its page)."
    if table == "case-features" and column in CASE_FEATURES:
        return CASE_FEATURES[column]
    if column in OTHER:
        return OTHER[column]
    prop = T2[column]
    definition = ontology.value(prop, SKOS.definition)
    label = ontology.value(prop, RDFS.label)
    if definition is None:
        raise TrackTwoError(f"tracktwo/tables/{table}.rq: column ?{column} is neither a t2: property nor described")
    return f"{definition} (t2:{column}{', ' + str(label) if label else ''})"


def _concepts(ontology: Graph, prop: str, table: str) -> list[URIRef]:
    """The concepts a property's values are drawn from: the members of its range class."""
    range_ = ontology.value(T2[prop], RDFS.range)
    if range_ is None:
        raise TrackTwoError(f"tracktwo/tables/{table}.rq: indicators: t2:{prop} has no range to draw concepts from")
    return sorted(c for c in ontology.subjects(RDF.type, range_) if isinstance(c, URIRef))


STATA_NAME_LIMIT = 32   # Stata refuses longer variable names; R and pandas take any


def _column_name(prefix: str, concept: URIRef) -> str:
    # names R, Stata and pandas all take: letters, digits and underscores, at most 32 of them (the
    # column's description names the concept in full)
    full = f"{prefix}_{re.sub(r'[^A-Za-z0-9]+', '_', str(concept).rstrip('/').rsplit('/', 1)[-1])}"
    return full[:STATA_NAME_LIMIT]


def _check_names(path: Path, names: list[str]) -> None:
    too_long = [n for n in names if len(n) > STATA_NAME_LIMIT]
    if too_long:
        raise TrackTwoError(f"{path}: column names longer than {STATA_NAME_LIMIT} characters, which Stata cannot "
                            f"read: {', '.join(too_long)} (rename the SELECT's variables)")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise TrackTwoError(f"{path}: two columns would have the same name: {', '.join(twice)} (concepts whose names "
                            f"agree in their first {STATA_NAME_LIMIT} characters, or a variable named like an indicator)")


def _check_total_order(path: Path, text: str, columns: list[str]) -> None:
    """Every column in ORDER BY: otherwise rows that tie come out in an order each engine picks."""
    _, _, order = text.rpartition("ORDER BY")
    missing = [c for c in columns if c not in set(VARIABLE.findall(order))]
    if missing:
        raise TrackTwoError(f"{path}: ORDER BY must name every column so the file is the same on every engine; "
                            f"missing: {', '.join('?' + c for c in missing)}")


def _text(value) -> str:
    return "" if value is None else str(value)


def build_table(path: Path, repo: Repository, ontology: Graph) -> Table:
    text = path.read_text(encoding="utf-8")
    meta = _decorators(path, text, "table")
    result = repo.query(text)
    _check_total_order(path, text, result.variables)
    sets = set(meta.get("sets") or [])
    indicators = meta.get("indicators") or {}
    unknown = (sets | set(indicators)) - set(result.variables)
    if unknown:
        raise TrackTwoError(f"{path}: sets/indicators name columns the SELECT lacks: {', '.join(sorted(unknown))}")
    _check_names(path, [c for c in result.variables if c not in indicators])   # before anything is said of them
    fields, columns = [], []  # columns: (name, how to read a row's cell)
    for i, column in enumerate(result.variables):
        if column in indicators:
            spec = indicators[column]
            for concept in _concepts(ontology, spec["property"], path.stem):
                name = _column_name(spec["prefix"], concept)
                label = ontology.value(concept, SKOS.prefLabel) or concept
                definition = ontology.value(concept, SKOS.definition) or ""
                fields.append({"name": name, "type": "integer", "constraints": {"enum": [0, 1]},
                               "description": f"1 when a process of the case has t2:{spec['property']} “{label}” "
                                              f"({concept}), else 0. {definition}".strip()})
                columns.append((name, lambda row, c=column, k=str(concept): "1" if k in _text(row.get(c)).split() else "0"))
            continue
        if column in sets:
            field = {"name": column, "type": "string"}
            cell = (lambda row, c=column: SEPARATOR.join(sorted(v for v in _text(row.get(c)).split(SEPARATOR) if v)))
        else:
            type_, format_ = _field_type([r.get(column) for r in result.rows])
            field = {"name": column, "type": type_, **({"format": format_} if format_ else {})}
            cell = (lambda row, c=column: _text(row.get(c)))
        description = _description(column, i == 0, path.stem, ontology)
        if column in sets:
            description += f" Several values are separated by “{SEPARATOR.strip()} ”, in alphabetical order."
        field["description"] = description
        fields.append(field)
        columns.append((column, cell))
    _check_names(path, [name for name, _ in columns])
    rows = [{name: cell(row) for name, cell in columns} for row in result.rows]
    return Table(path.stem, str(meta["summary"]), fields, rows, list(meta.get("primaryKey") or []),
                 list(meta.get("foreignKeys") or []))


def build_tables(repo: Repository, ontology: Graph) -> list[Table]:
    return [build_table(path, repo, ontology) for path in sorted(TABLES.glob("*.rq"))]


def _foreign_key(fk: dict) -> dict:
    as_list = (lambda v: v if isinstance(v, list) else [v])
    return {"fields": as_list(fk["fields"]),
            "reference": {"resource": fk["reference"]["resource"], "fields": as_list(fk["reference"]["fields"])}}


def descriptor(tables: list[Table]) -> dict:
    resources = []
    for t in tables:
        schema = {"fields": t.fields, "missingValues": [""]}
        if t.primary_key:
            schema["primaryKey"] = t.primary_key
        if t.foreign_keys:
            schema["foreignKeys"] = [_foreign_key(fk) for fk in t.foreign_keys]
        resources.append({"name": t.name, "path": f"{t.name}.csv", "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "title": t.title,
                          "schema": schema})
    return {
        "profile": "tabular-data-package", "name": "tracktwo", "title": dataset.TITLE, "id": dataset.IRI,
        "version": dataset.VERSION, "created": f"{dataset.RELEASED}T00:00:00Z",  # the spec wants a date-time
        "licenses": [{"name": "CC-BY-4.0", "path": dataset.DATA_LICENCE}],
        "contributors": [{"title": dataset.CREATOR, "role": "author"}, {"title": dataset.PUBLISHER, "role": "publisher"}],
        "resources": resources,
    }


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f["name"] for f in table.fields])
    writer.writerows([row[f["name"]] for f in table.fields] for row in table.rows)
    return out.getvalue()


def package(repo: Repository, ontology: Graph, shapes: Graph) -> tuple[dict, dict[str, str]]:
    """The codebook's content, and file name -> text: one CSV per table, datapackage.json and codebook.md."""
    from .codebook import codebook, markdown  # the codebook describes these tables and the ontology
    tables = build_tables(repo, ontology)
    book = codebook(tables, ontology, shapes)
    out = {f"{t.name}.csv": _csv(t) for t in tables}
    out["datapackage.json"] = json.dumps(descriptor(tables), indent=2, ensure_ascii=False) + "\n"
    out["codebook.md"] = markdown(book)
    return book, out


def model(project) -> tuple[Graph, Graph]:
    """The ontology with its vocabularies, and the SHACL shapes, as a checkout has them."""
    ontology, shapes = Graph(), Graph()
    for path in project.ontology:
        ontology.parse(path, format="turtle")
    shapes.parse(project.shapes, format="turtle")
    return ontology, shapes


def write(repo: Repository, ontology: Graph, target: Path, shapes: Graph | None = None) -> Path:
    """target/ with one CSV per table, datapackage.json and codebook.md."""
    target.mkdir(parents=True, exist_ok=True)
    for name, text in package(repo, ontology, shapes if shapes is not None else Graph())[1].items():
        (target / name).write_text(text, encoding="utf-8")
    return target


def archive(files: dict[str, str]) -> bytes:
    """The package's files as one zip, in a folder named after the version."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in sorted(files.items()):
            z.writestr(f"tracktwo-datapackage-{dataset.VERSION}/{name}", text)
    return buffer.getvalue()
