"""Where a query's WHERE group opens, found token by token (parameters are bound there)."""

import pytest

from tracktwo.store import inline_values, where_group_opens
from rdflib import Literal, URIRef

CASES = {  # query -> the text up to and including the brace that opens its WHERE group
    'SELECT * WHERE { ?s ?p ?o }': 'SELECT * WHERE {',
    'SELECT * { ?s ?p "WHERE {" }': 'SELECT * {',
    '# WHERE {\nSELECT ?x WHERE { ?x ?p "}" }': '# WHERE {\nSELECT ?x WHERE {',
    "SELECT ?x WHERE { ?x ?p '''\n{ WHERE '''}": "SELECT ?x WHERE {",
    'SELECT ?x FROM <http://e/WHERE> WHERE { ?x ?p ?o }': 'SELECT ?x FROM <http://e/WHERE> WHERE {',
    'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }': 'CONSTRUCT { ?s ?p ?o } WHERE {',
    'CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }': 'CONSTRUCT { ?s ?p ?o } {',
    'CONSTRUCT WHERE { ?s ?p ?o }': 'CONSTRUCT WHERE {',
    'PREFIX where: <http://x/> SELECT ?where { ?a where:b ?c }': 'PREFIX where: <http://x/> SELECT ?where {',
    'ASK { }': 'ASK {',
    'SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }': 'SELECT ?x WHERE {',
    # a group in the projection is not the WHERE group (the case timeline's query has one)
    'SELECT ?e (EXISTS { ?e ?p ?c } AS ?d) WHERE { ?e ?q ?r }': 'SELECT ?e (EXISTS { ?e ?p ?c } AS ?d) WHERE {',
    'SELECT ?e (EXISTS { ?e ?p ?c } AS ?d) { ?e ?q ?r }': 'SELECT ?e (EXISTS { ?e ?p ?c } AS ?d) {',
}


@pytest.mark.parametrize("query", CASES)
def test_the_where_group_is_found_past_strings_iris_comments_and_names(query):
    assert where_group_opens(query) == len(CASES[query])


def test_values_are_bound_there_one_row_per_listed_term():
    text = inline_values('SELECT ?s ?v WHERE { ?s ?p ?v } # a WHERE { here', {
        "s": [URIRef("http://e/b"), URIRef("http://e/a")], "v": Literal('say "hi"')})
    assert text.startswith('SELECT ?s ?v WHERE {\n  VALUES (?s ?v) { (<http://e/a> "say \\"hi\\"") (<http://e/b> "say \\"hi\\"") }\n')
    assert text.endswith(" ?s ?p ?v } # a WHERE { here")
