"""The ontology page: classes, properties and concept schemes with their definitions, rendered
from the ontology as built (so it can never drift from what the data is checked against)."""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, render_template

from .. import runner
from ..cache import cached_page

bp = Blueprint("ontology", __name__)


@bp.get("/ontology")
@cached_page
def ontology():
    properties = {}
    for row in runner.rows("ontology-properties"):  # one row per property, domains and ranges gathered
        entry = properties.setdefault(row["property"], {**row, "domains": {}, "ranges": {}})
        if row.get("domain"):
            entry["domains"][row["domain"]] = row.get("domainLabel")
        if row.get("range"):
            entry["ranges"][row["range"]] = row.get("rangeLabel")
    schemes: OrderedDict = OrderedDict()
    for row in runner.rows("ontology-schemes"):
        schemes.setdefault((row["scheme"], str(row["schemeLabel"])), []).append(row)
    return render_template("ontology.html", classes=runner.rows("ontology-classes"), properties=list(properties.values()),
                           schemes=schemes)
