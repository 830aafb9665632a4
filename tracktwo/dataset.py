"""The dataset's identity in one place: its version (semantic versioning), title, creators,
publisher, licences and release date. The build records the version, the VoID description and the
downloads carry it, and CITATION.cff at the repository root repeats it (a test keeps the two the
same). Bump the version when the data or its model changes: the major part for a change that breaks
queries written against the previous one (ontology 0.2 made it 1.0.0), the minor part for added
cases or properties, the patch part for corrections.
"""

from __future__ import annotations

VERSION = "1.1.0"
RELEASED = "2026-12-07"
TITLE = "tracktwo: a knowledge graph of track two diplomacy"
IRI = "https://w3id.org/tracktwo/dataset"
CREATOR = "The tracktwo contributors"   # the people who research, check and encode the cases
PUBLISHER = "The tracktwo project"
DATA_LICENCE = "https://creativecommons.org/licenses/by/4.0/"   # CC BY 4.0: reuse with attribution
CODE_LICENCE = "https://opensource.org/licenses/MIT"
