"""The SPARQL editor's page (issue 17.7): the line an error names is shown and marked, and result
cells carry their raw value for sorting."""

import re
from urllib.parse import quote

import pytest


def test_a_syntax_error_shows_the_faulty_line_with_a_caret(client):
    query = "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?s = )\n}"
    page = client.get("/sparql-editor?query=" + quote(query)).get_data(as_text=True)
    excerpt = re.search(r'<pre class="error-excerpt">(.*?)</pre>', page, re.S).group(1)
    assert '<mark><span class="line-no">3</span>   FILTER(?s = )</mark>' in excerpt
    assert '<span class="line-no">2</span>   ?s ?p ?o .' in excerpt
    assert 'data-error-line="3"' in page and 'aria-describedby="query-error"' in page


def test_an_error_without_a_line_shows_no_excerpt(client):
    page = client.get("/sparql-editor?query=" + quote("DELETE WHERE { ?s ?p ?o }")).get_data(as_text=True)
    assert 'class="error"' in page and "error-excerpt" not in page and "data-error-line" not in page


def test_cells_carry_their_raw_value_to_sort_by(client):
    query = "SELECT ?d WHERE { VALUES ?d { \"1991-10-01\" 10 9 } }"
    page = client.get("/sparql-editor?query=" + quote(query)).get_data(as_text=True)
    assert re.findall(r'<td data-sort="([^"]*)">', page) == ["1991-10-01", "10", "9"]
