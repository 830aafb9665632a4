"""The codebook page: every column of the data package and every property of the ontology, with
definitions, allowed values and the shapes' rules (tracktwo.codebook, as codebook.md has them)."""

from __future__ import annotations

from flask import Blueprint, render_template

from tracktwo.codebook import rule_text

from .. import package

bp = Blueprint("codebook", __name__)


@bp.get("/codebook")
def codebook():
    return render_template("codebook.html", book=package.codebook(), rule_text=rule_text)
