"""tracktwo: a knowledge graph of track two diplomacy.

Data flows one way: ontology/ + cases/ -> load -> validate (syntax, SHACL, OWL) ->
reason -> build (N-Quads under build/) -> store -> queries, pages, endpoint.
"""

__version__ = "0.1.0"
