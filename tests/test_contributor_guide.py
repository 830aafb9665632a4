"""The contributor guide's walkthrough ("The places a case touches" in cases/README.md) stays true:
the files it names exist, the commands it shows are ones the real command line takes, and the
nodes it shows or names are in the data as shown. The last test feeds the checks a guide gone
wrong, so that they are seen to fail."""

import contextlib
import io
import re
import shlex
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph

from tracktwo.cli import parser
from tracktwo.namespaces import ID, PREFIXES, T2, sparql_prologue
from tracktwo.queries import Registry

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "cases" / "README.md"
HEADING = "## The places a case touches"
OURS = (ID, str(T2))  # names in other vocabularies (skos:altLabel, owl:differentFrom) are not ours to check

# a repository path as the guide writes it; SLUG stands for any case's slug
PATH = re.compile(r"(?<![\w./-])((?:cases|docs|ontology|queries|tests|tracktwo|webapp)/[\w./-]*\w|README\.md|CITATION\.cff|Makefile)")
NAME = re.compile(r"(?<![\w:/-])([a-z][a-z0-9]*):([A-Za-z0-9][A-Za-z0-9-]*)")


def walkthrough(text: str) -> str:
    """The section from its heading to the next section of the same level."""
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start:] if end < 0 else text[start:end]


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def prose(text: str) -> str:
    """The text outside fenced blocks."""
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


@pytest.fixture(scope="module")
def data() -> ox.Store:
    """The ontology and every case and shared file as they are in the checkout (no build needed)."""
    store = ox.Store()
    for path in sorted((REPO / "ontology").glob("*.ttl")) + sorted((REPO / "cases").rglob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def guide() -> str:
    return walkthrough(GUIDE.read_text(encoding="utf-8"))


# --- the checks, each returning what it found wrong -------------------------------------------

def missing_paths(text: str) -> list[str]:
    missing = []
    for path in sorted(set(PATH.findall(text))):
        if not list(REPO.glob(path.replace("SLUG", "*"))):
            missing.append(path)
    return missing


def commands(text: str) -> list[list[str]]:
    """Every `tracktwo …` the text shows: the lines of its shell blocks and the inline ones."""
    lines = [line for block in code_blocks(text, "sh") for line in block.splitlines()]
    lines += re.findall(r"`(tracktwo [^`]+)`", prose(text))
    shown = []
    for line in lines:
        for part in line.split("&&"):
            words = shlex.split(part, comments=True)
            if words[:1] == ["tracktwo"]:
                shown.append(words)
    return shown


def bad_commands(text: str) -> list[str]:
    queries = Registry(REPO / "queries").queries
    bad = []
    for words in commands(text):
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                args = parser().parse_args(words[1:])
        except SystemExit:
            bad.append(shlex.join(words))
            continue
        if words[1:3] == ["query", "run"] and args.name not in queries:
            bad.append(shlex.join(words))
    return bad


def _patterns(graph: Graph, triples, names: dict) -> list[str]:
    """SPARQL triple patterns for these triples and everything under their blank nodes, each blank
    node a variable."""
    term = lambda n: names.setdefault(n, f"?b{len(names)}") if isinstance(n, BNode) else n.n3()
    lines = []
    for s, p, o in triples:
        lines.append(f"{term(s)} {p.n3()} {term(o)} .")
        if isinstance(o, BNode):
            lines += _patterns(graph, graph.triples((o, None, None)), names)
    return lines


def absent_statements(text: str, store: ox.Store) -> list[str]:
    """Each statement of the Turtle blocks (a named node's triple, with what its blank node holds)
    that the data do not hold."""
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    absent = []
    for block in code_blocks(text, "turtle"):
        graph = Graph().parse(data=header + block, format="turtle")
        for triple in graph:
            if isinstance(triple[0], BNode):
                continue
            patterns = _patterns(graph, [triple], {})
            if not store.query(sparql_prologue() + "ASK {\n" + "\n".join(patterns) + "\n}"):
                absent.append(" ".join(patterns))
    return absent


def unknown_names(text: str, store: ox.Store) -> list[str]:
    """Names of the project's own (person:…, capacity:…, t2:…) in the prose's inline code that
    nothing in the data describes. Placeholders (case:SLUG, person:…) are not names."""
    unknown = []
    for span in re.findall(r"`([^`]+)`", prose(text)):
        for prefix, local in NAME.findall(span):
            iri = PREFIXES.get(prefix, "") + local
            if local.isupper() or prefix not in PREFIXES or not iri.startswith(OURS):
                continue
            if not store.query(f"ASK {{ <{iri}> ?p ?o }}"):
                unknown.append(f"{prefix}:{local}")
    return sorted(set(unknown))


# --- the walkthrough as it is -------------------------------------------------------------------

def test_every_path_the_walkthrough_names_exists(guide):
    assert PATH.findall(guide), "the walkthrough names no files: has its heading changed?"
    assert missing_paths(guide) == []


def test_the_walkthrough_names_every_shared_file(guide):
    """A new shared file is a new place a case may touch: the walkthrough must say what goes in it."""
    shared = {f"cases/shared/{p.name}" for p in (REPO / "cases" / "shared").glob("*.ttl")}
    assert shared and shared <= set(PATH.findall(guide)), sorted(shared - set(PATH.findall(guide)))


def test_every_command_it_shows_is_one_the_command_line_takes(guide):
    shown = commands(guide)
    # the last steps are all there: check, build, the README's table, and a page to look at
    assert {tuple(w[1:3]) for w in shown} >= {("validate", "cases/SLUG.ttl"), ("build",), ("case-table", "--write"),
                                              ("serve",), ("query", "run"), ("new-case", "SLUG")}
    assert bad_commands(guide) == []


def test_every_node_it_shows_is_in_the_data_as_shown(guide, data):
    assert len(code_blocks(guide, "turtle")) >= 8, "an example for each shared file and for capacities"
    assert absent_statements(guide, data) == []


def test_every_name_it_mentions_exists(guide, data):
    assert "person:terje-rod-larsen" in guide and "capacity:official-private-capacity" in guide
    assert unknown_names(guide, data) == []


# --- the checks see a guide gone wrong ----------------------------------------------------------

WRONG = """## The places a case touches

Put people in `cases/shared/actors.ttl` and read `docs/research/SLUG.txt`.

```sh
tracktwo case-tables --write        # misspelt subcommand
tracktwo validate --strict cases/SLUG.ttl
tracktwo query run find-by-nam -p text=Sattar
tracktwo build && tracktwo serve --port five
```

Link to `person:nobody-at-all` with `t2:capacityOf capacity:citizen`; `person:…` and `case:SLUG` are placeholders.

```turtle
person:abdul-sattar a t2:Person ; rdfs:label "Abdul Satar"@en .
participation:norway--oslo-back-channel t2:role role:host ;
  t2:citation [ t2:source source:waage-2005 ; t2:locator "p. 99" ] .
```

## Allowed values

`person:not-in-the-walkthrough`
"""


def test_the_checks_find_what_a_wrong_guide_gets_wrong(data):
    wrong = walkthrough(WRONG)
    assert "not-in-the-walkthrough" not in wrong
    assert missing_paths(wrong) == ["cases/shared/actors.ttl", "docs/research/SLUG.txt"]
    assert bad_commands(wrong) == ["tracktwo case-tables --write", "tracktwo validate --strict cases/SLUG.ttl",
                                   "tracktwo query run find-by-nam -p text=Sattar", "tracktwo serve --port five"]
    absent = absent_statements(wrong, data)
    assert len(absent) == 2, absent  # the misspelt label and the citation's locator; the rest is true
    assert any('"Abdul Satar"@en' in a for a in absent) and any('"p. 99"' in a for a in absent)
    assert unknown_names(wrong, data) == ["capacity:citizen", "person:nobody-at-all", "t2:capacityOf"]
