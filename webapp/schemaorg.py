"""schema.org JSON-LD for a resource page, so search engines and citation tools read the main
resource: a person, organisation, country, place, event, work or accord, by its tracktwo kind."""

from __future__ import annotations

from rdflib import URIRef

from . import runner

TYPES = {
    "person": "Person", "organization": "Organization", "state": "Country", "place": "Place",
    "event": "Event", "process": "Event", "accord": "Legislation", "source": "CreativeWork",
    "reading": "CreativeWork", "conflict": "Thing", "bridge": "Thing", "participation": "Role",
}
SOURCE_TYPES = {"book": "Book", "memoir": "Book", "edited-volume": "Book", "chapter": "Chapter",
                "journal-article": "ScholarlyArticle", "news-article": "NewsArticle", "web-page": "WebPage",
                "report": "Report", "thesis": "Thesis"}

def json_ld(iri: URIRef, kind: str) -> dict | None:
    rows = runner.rows("resource-schemaorg", r=iri)
    if not rows or "label" not in rows[0]:
        return None
    row = {k: str(v) for k, v in rows[0].items()}
    data = {"@context": "https://schema.org", "@type": TYPES.get(kind, "Thing"), "@id": str(iri),
            "url": str(iri), "name": row["label"]}
    if "description" in row:
        data["description"] = row["description"]
    if "wikidata" in row:
        data["sameAs"] = row["wikidata"]
    if "lat" in row:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": row["lat"], "longitude": row["long"]}
    if kind in ("event", "process"):
        if row.get("date") or row.get("start"):
            data["startDate"] = row.get("date") or row["start"]
        if row.get("end"):
            data["endDate"] = row["end"]
        if row.get("placeLabel"):
            data["location"] = {"@type": "Place", "name": row["placeLabel"]}
    if kind == "accord" and row.get("signed"):
        data["legislationDate"] = row["signed"]
        if row.get("placeLabel"):
            data["spatialCoverage"] = {"@type": "Place", "name": row["placeLabel"]}
    if kind == "source":
        data["@type"] = SOURCE_TYPES.get(row.get("type", "").rsplit("/", 1)[-1], "CreativeWork")
        if row.get("year"):
            data["datePublished"] = row["year"]
        if row.get("authors"):
            data["author"] = [{"@type": "Person" if "," in a else "Organization", "name": a.strip()}
                              for a in row["authors"].split(";") if a.strip()]
        if row.get("isbn"):
            data["isbn"] = row["isbn"]
        if row.get("doi"):
            data["identifier"] = f"https://doi.org/{row['doi']}"
        if row.get("url"):
            data["url"] = row["url"]
    return data
