"""Is the ontology with its vocabularies and data in OWL 2 DL? Asked of the OWL API's own profile
checker (OWL2DLProfile), run on Java from the OWL API jar that owlready2 ships with its reasoners.

A DL-clean graph is what HermiT's answers and any other OWL tool's rely on: no property used both
as a data and an object property, no undeclared annotation property, no literal where a resource
belongs. The checker runs in Java's source-file mode, so it needs a JDK (javac's compiler module),
which `make test` installs.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import Graph

from .errors import TrackTwoError

CHECKER = Path(__file__).parent / "java" / "ProfileCheck.java"
OWLAPI_JAR = Path(owlready2.__file__).parent / "pellet" / "owlapi-distribution-3.4.3-bin.jar"


class ProfileCheckFailed(TrackTwoError):
    pass


@dataclass
class ProfileReport:
    violations: list[str]

    @property
    def ok(self) -> bool:
        return not self.violations


def check_dl_profile(graph: Graph, timeout: float = 300) -> ProfileReport:
    with tempfile.TemporaryDirectory(prefix="tracktwo-profile-") as tmp:
        data = Path(tmp) / "all.ttl"
        graph.serialize(data, format="turtle")
        try:
            done = subprocess.run(["java", "-cp", str(OWLAPI_JAR), str(CHECKER), str(data)],
                                  capture_output=True, text=True, timeout=timeout)
        except FileNotFoundError as e:
            raise ProfileCheckFailed("the OWL 2 DL profile check needs Java (a JDK): make test installs one") from e
    lines = done.stdout.splitlines()
    if done.returncode != 0 or not lines or lines[-1] not in {"IN PROFILE", "NOT IN PROFILE"}:
        raise ProfileCheckFailed("the OWL 2 DL profile check did not run: " + (done.stderr.strip().splitlines() or ["no output"])[-1])
    return ProfileReport([line.split("\t", 1)[1] for line in lines if line.startswith("VIOLATION\t")])
