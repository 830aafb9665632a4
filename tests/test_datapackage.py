"""The tabular data package: CSV files whose columns the descriptor and the codebook describe from
the ontology, with rows that match the case files."""

import csv
import json

from rdflib import Graph

from tracktwo.build import dataset_path
from tracktwo.datapackage import write
from tracktwo.store import open_repository


def test_the_data_package_describes_every_column_and_holds_the_rows(built, tmp_path):
    ontology = Graph()
    for path in built.ontology:
        ontology.parse(path, format="turtle")
    out = write(open_repository(dataset_path(built)), ontology, tmp_path / "dp")
    descriptor = json.loads((out / "datapackage.json").read_text())
    assert descriptor["version"] and descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    for resource in descriptor["resources"]:
        with (out / resource["path"]).open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert header == [field["name"] for field in resource["schema"]["fields"]], resource["name"]
        assert all(field["description"] for field in resource["schema"]["fields"])
    # clonard-monastery-channel.ttl: the Belfast Agreement has four signatures, two per government
    with (out / "signatures.csv").open(encoding="utf-8") as f:
        belfast = [r for r in csv.DictReader(f) if r["accord"].endswith("/accord/good-friday-agreement")]
    assert sorted(r["onBehalfOf"].rsplit("/", 1)[1] for r in belfast) == ["ireland", "ireland", "united-kingdom", "united-kingdom"]
    signed_on = next(f for r in descriptor["resources"] if r["name"] == "accords" for f in r["schema"]["fields"]
                     if f["name"] == "signedOn")
    assert signed_on["type"] == "date" and "When an accord was signed" in signed_on["description"]
    assert "## signatures.csv" in (out / "codebook.md").read_text()
