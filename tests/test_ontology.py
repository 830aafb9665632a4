"""The ontology documents itself: every term has a label and a definition, and it is versioned."""

from conftest import REPO
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from tracktwo.namespaces import ONTOLOGY_IRI, T2

ONTOLOGY = Graph().parse(REPO / "ontology" / "tracktwo.ttl")
TERMS = {s for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
         for s in ONTOLOGY.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(T2))}


def test_every_term_has_a_label_and_a_definition():
    assert len(TERMS) > 60
    missing = sorted(str(t) for t in TERMS
                     if not (ONTOLOGY.value(t, RDFS.label) and ONTOLOGY.value(t, SKOS.definition)))
    assert missing == []


def test_object_properties_have_a_domain_or_range_or_an_inverse():
    props = [t for t in TERMS if (t, RDF.type, OWL.ObjectProperty) in ONTOLOGY]
    bare = [p for p in props if not any(ONTOLOGY.value(p, q) for q in (RDFS.domain, RDFS.range, OWL.inverseOf))]
    assert bare == [URIRef(T2.wikidata)], bare  # a link to an external entity: anything may have one


def test_versioned_and_aligned():
    assert ONTOLOGY.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert ONTOLOGY.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    aligned = {str(o) for s, o in ONTOLOGY.subject_objects(RDFS.subClassOf | RDFS.subPropertyOf) if str(s).startswith(str(T2))}
    for namespace in ("http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/",
                      "http://xmlns.com/foaf/0.1/", "http://www.w3.org/ns/org#", "https://schema.org/",
                      "http://purl.org/ontology/bibo/", "http://www.w3.org/2003/01/geo/wgs84_pos#"):
        assert any(o.startswith(namespace) for o in aligned), namespace


def test_person_organization_state_are_pairwise_disjoint():
    [node] = [n for n in ONTOLOGY.subjects(RDF.type, OWL.AllDisjointClasses)
              if T2.Person in set(ONTOLOGY.items(ONTOLOGY.value(n, OWL.members)))]
    assert set(ONTOLOGY.items(ONTOLOGY.value(node, OWL.members))) == {T2.Person, T2.Organization, T2.State}
    assert (T2.Initiative, OWL.disjointWith, T2.OfficialProcess) in ONTOLOGY
