"""Site search at scale: the in-memory index of every label (webapp/search.py) against the same
search written as SPARQL over the store (what the `find-by-name` query does), in one process.

    python benchmarks/search.py CORPUS_DIR     (a generated corpus with build/tracktwo.nq)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# a common word (thousands of matches), a number inside names, two words, nothing
QUERIES = ["synthetic", "person 12", "synth city 7", "zzzz"]
SPARQL = """SELECT ?x ?label WHERE {
  ?x <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2004/02/skos/core#altLabel> ?label
  FILTER (isIRI(?x) && CONTAINS(LCASE(STR(?label)), "%s"))
}"""


def median_ms(fn, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def measure(corpus: Path, runs: int = 20) -> dict:
    from tracktwo.store import open_repository
    from webapp.search import SearchIndex

    repo = open_repository(corpus / "build" / "tracktwo.nq", "oxigraph")
    repo.labels()  # the app reads these at start; not part of building the index
    t = time.perf_counter()
    index = SearchIndex(repo)
    built = time.perf_counter() - t
    out = {"labels": len(index.entries), "index_build_s": built, "queries": {}}
    for q in QUERIES:
        ours = median_ms(lambda: index.search(q), runs)
        sparql = median_ms(lambda: list(repo.store.query(SPARQL % q, use_default_graph_as_union=repo.union)), runs)
        out["queries"][q] = {"hits": len(index.search(q)), "median_ms": ours, "sparql_median_ms": sparql,
                             "ratio": ours / max(sparql, 1e-9)}
    return out


def markdown(result: dict) -> str:
    lines = [f"**Site search** ({result['labels']:,} labels; index built in {result['index_build_s']:.2f} s, once per "
             "process): median of the index's search against the same substring search as SPARQL on the store "
             "(the ratio; below 1 is faster).", "",
             "| search | hits | index median ms | SPARQL median ms | ratio |", "|---|---:|---:|---:|---:|"]
    lines += [f"| `{q}` | {r['hits']} | {r['median_ms']:.2f} | {r['sparql_median_ms']:.2f} | {r['ratio']:.2f}× |"
              for q, r in result["queries"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(measure(Path(sys.argv[1]))))
