"""Write a synthetic corpus of N cases for benchmarks: fictional, shape-valid, about 100 triples a case.

    python benchmarks/generate.py --cases 1000 --out /tmp/bench-1000

writes OUT/ontology/ (a copy of the real one), OUT/cases/shared/synthetic-shared.ttl (a pool of
actors, places, sources and conflicts that cases share; see Pools for how many),
OUT/cases/synthetic-NNNNN.ttl (one file a case: an initiative and official talks, two to four
events, two to four participations, a bridge, and in odd-numbered cases an accord with a signature;
every fact cited; 102 triples a case in the case files at 1,000 cases) and, unless
--no-dataset, OUT/build/tracktwo.nq: the dataset as `tracktwo build` would write it, with the
schema closure (supertypes, inverses) as the inferred graph but without running HermiT, which is
what makes a 10,000-case corpus buildable in seconds. Nothing here is a claim about history.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracktwo.namespaces import GRAPH, INFERRED_GRAPH  # noqa: E402
from tracktwo.reason import Schema, complete  # noqa: E402
from tracktwo.bounds import derive_bounds, derive_participation_bounds  # noqa: E402
from tracktwo.shortcuts import derive_shortcuts  # noqa: E402

PREFIXES = (ROOT / "tests" / "fixtures" / "prefixes.ttl").read_text()
CAPACITIES = ["private-citizen", "former-official", "official", "academic", "civil-society"]
MECHANISMS = ["back-channel", "problem-solving-workshop", "sustained-dialogue", "confidence-building-measure",
              "joint-fact-finding", "non-paper"]
BRIDGES = ["draft-text-transfer", "participants-join-delegation", "channel-upgraded", "report-to-governments",
           "joint-proposal", "technical-task-force"]
GRADES = ["primary-documents", "participant-testimony", "analyst-argument", "disputed"]
REGIONS = ["middle-east", "central-asia", "south-asia", "europe", "africa", "latin-america", "east-asia"]
MEETINGS = ["meeting", "workshop-round", "negotiation-round"]  # the kinds of a dialogue's events


class Pools:
    """How many shared things a corpus of N cases draws on, shaped like the real corpus.

    Measured on the 28 real cases (2026-11-22): 22 conflicts (17 with one case), 369 people taking
    part (88% in one case only, none in more than four), 130 places for 409 events (three events a
    place on average), signatories on most accords. A first version of this generator drew six
    participants a case from a pool of N/2 people and set every case in one of N/10 conflicts, so
    each person took part in about twelve cases and each conflict had ten: queries that pair
    participations of one person, or processes of one conflict, grew far faster than on real data.
    """

    def __init__(self, cases: int):
        self.conflicts = max(10, cases // 2)
        self.places = max(10, cases * 2)
        self.sources = max(10, cases // 2)
        self.people = max(10, cases // 2)  # people who take part in several cases
        self.shared_person = 0.15          # chance that a participant comes from that pool


def shared(pools: Pools) -> str:
    parts = [PREFIXES, "# Synthetic shared pool for benchmarks: fictional people, places and sources.\n"]
    for i in range(pools.conflicts):
        parts.append(f'state:synthland-{i} a t2:State ; rdfs:label "Synthland {i}"@en .\n'
                     f'conflict:synthetic-{i} a t2:Conflict ; rdfs:label "Synthetic conflict {i}"@en ; '
                     f't2:region region:{REGIONS[i % len(REGIONS)]} ; t2:party state:synthland-{i} .\n')
    for i in range(pools.places):
        parts.append(f'place:synth-city-{i} a t2:Place ; rdfs:label "Synth City {i}"@en ; '
                     f'geo:lat "{(i * 7) % 170 - 85}.5"^^xsd:decimal ; geo:long "{(i * 13) % 350 - 175}.25"^^xsd:decimal ; '
                     f't2:country state:synthland-{i % pools.conflicts} .\n')
    for i in range(pools.sources):
        parts.append(f'source:synthetic-{i} a t2:Source ; rdfs:label "Synthetic source {i}"@en ; '
                     f'dcterms:title "A Synthetic Study {i}" ; t2:authors "Example, Author{i}" ; '
                     f't2:year "{1980 + i % 40}"^^xsd:gYear ; t2:sourceType sourcetype:book .\n')
    for i in range(pools.people):
        parts.append(f'person:synth-person-{i} a t2:Person ; rdfs:label "Synth Person {i}"@en .\n')
    return "".join(parts)


def case(n: int, pools: Pools, rng: random.Random) -> str:
    c = f"synthetic-{n:05d}"
    conflict, src = rng.randrange(pools.conflicts), rng.randrange(pools.sources)
    year = 1960 + rng.randrange(60)
    # odd cases reach an accord (so the benchmarks can name one), even ones end otherwise
    outcome = "accord-reached" if n % 2 else rng.choice(["no-accord", "channel-sustained"])
    cite = f't2:citation [ t2:source source:synthetic-{src} ; t2:locator "p. {rng.randrange(1, 400)}" ]'
    out = [PREFIXES, f"# Synthetic case {n} for benchmarks (fictional).\n",
           f'case:{c} a t2:Case ; rdfs:label "Synthetic case {n}"@en ; '
           f't2:summary "A fictional case generated for benchmarks."@en ; t2:aboutConflict conflict:synthetic-{conflict} ; '
           f't2:coversProcess process:{c}-dialogue , process:{c}-talks ; t2:keySource source:synthetic-{src} ; '
           f't2:outcome outcome:{outcome} .\n',
           f'process:{c}-dialogue a t2:Initiative ; rdfs:label "Dialogue {n}"@en ; t2:track track:track-2 ; '
           f't2:mechanism mechanism:{rng.choice(MECHANISMS)} ; t2:addressesConflict conflict:synthetic-{conflict} ; '
           f't2:startDate "{year}-01-01"^^xsd:date ; t2:startDatePrecision t2:Year ; {cite} .\n',
           f'process:{c}-talks a t2:OfficialProcess ; rdfs:label "Talks {n}"@en ; t2:track track:track-1 ; '
           f't2:addressesConflict conflict:synthetic-{conflict} ; '
           f't2:startDate "{year + 2}-03-01"^^xsd:date ; t2:startDatePrecision t2:Month ; {cite} .\n']
    # two to four events: the dialogue's meetings from its first year on, then one of the talks,
    # sometimes a suspension (which the official-talks queries look for)
    meetings = rng.randint(1, 3)
    for e in range(meetings + 1):
        if e < meetings:
            process, kind, date = "dialogue", MEETINGS[e], f"{year + e}-{1 + e:02d}-01"
        else:
            process, kind, date = "talks", rng.choice(["negotiation-round", "suspension"]), f"{year + 2}-06-01"
        out.append(f'event:{c}-e{e} a t2:Event ; rdfs:label "Event {e} of case {n}"@en ; t2:inProcess process:{c}-{process} ; '
                   f't2:eventType eventtype:{kind} ; t2:date "{date}"^^xsd:date ; '
                   f't2:datePrecision t2:Month ; t2:atPlace place:synth-city-{rng.randrange(pools.places)} ; {cite} .\n')
    # two to four participations: the dialogue's convener, up to two others in the dialogue, and a
    # negotiator in the talks who is, half the time, the dialogue's convener crossing tracks
    roles = ["convener"] + rng.sample(["facilitator", "host", "funder", "participant"], rng.randint(0, 2)) + ["negotiator"]
    people = []
    for p, role in enumerate(roles):
        if role == "negotiator" and rng.random() < 0.5:
            person = people[0]
        elif rng.random() < pools.shared_person:
            person = f"person:synth-person-{rng.randrange(pools.people)}"
        else:
            person = f"person:{c}-k{p}"
            out.append(f'{person} a t2:Person ; rdfs:label "Person {p} of case {n}"@en .\n')
        people.append(person)
        process = "talks" if role == "negotiator" else "dialogue"
        out.append(f'participation:{c}-p{p} a t2:Participation ; t2:participant {person} ; '
                   f't2:participationIn process:{c}-{process} ; t2:role role:{role} ; '
                   f't2:capacity capacity:{rng.choice(CAPACITIES)} ; {cite} .\n')
    contributed = ""
    if outcome == "accord-reached":
        out.append(f'accord:{c}-accord a t2:Accord ; rdfs:label "Accord {n}"@en ; t2:producedBy process:{c}-talks ; '
                   f't2:signedOn "{year + 4}-06-15"^^xsd:date ; t2:signedPrecision t2:Day ; t2:signature [ t2:signer {people[-1]} ] ; '
                   f't2:signedAt place:synth-city-{rng.randrange(pools.places)} ; {cite} .\n')
        grade = rng.choice(GRADES)
        contributed = f"t2:contribution [ t2:toAccord accord:{c}-accord ; t2:evidenceGrade evidence:{grade} ] ; "
    out.append(f'bridge:{c}-bridge a t2:Bridge ; rdfs:label "Bridge {n}"@en ; t2:bridgeType bridgetype:{rng.choice(BRIDGES)} ; '
               f't2:fromProcess process:{c}-dialogue ; t2:toProcess process:{c}-talks ; '
               f't2:date "{year + 1}-01-01"^^xsd:date ; t2:datePrecision t2:Year ; '
               f'{contributed}t2:evidenceGrade evidence:{rng.choice(GRADES)} ; {cite} .\n')
    return "".join(out)


def generate(cases: int, out: Path, dataset: bool = True, seed: int = 1) -> Path:
    rng = random.Random(seed)
    pools = Pools(cases)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "ontology", out / "ontology")
    (out / "cases" / "shared").mkdir(parents=True)
    shutil.copytree(ROOT / "queries", out / "queries")
    (out / "cases" / "shared" / "synthetic-shared.ttl").write_text(shared(pools))
    for n in range(cases):
        (out / "cases" / f"synthetic-{n:05d}.ttl").write_text(case(n, pools, rng))
    if dataset:
        write_dataset(out)
    return out


def write_dataset(out: Path) -> Path:
    ds = Dataset()
    ontology, data = Graph(), Graph()
    for path in sorted(out.glob("ontology/*.ttl")):
        if path.name == "shapes.ttl":
            continue
        g = ds.graph(URIRef(GRAPH + "ontology/" + path.stem)).parse(path, format="turtle")
        ontology += g
    for path in sorted(out.glob("cases/**/*.ttl")):
        name = path.relative_to(out).as_posix().removesuffix(".ttl")
        g = ds.graph(URIRef(GRAPH + name)).parse(path, format="turtle")
        data += g
    inferred = ds.graph(INFERRED_GRAPH)
    asserted = ontology + data
    bounds = derive_bounds([data])
    computed = bounds | derive_participation_bounds([data], bounds) | derive_shortcuts([data])
    for triple in complete(asserted, set(), Schema(ontology)) | computed:
        if triple not in asserted:  # as the build does: the inferred graph holds only what no file says
            inferred.add(triple)
    target = out / "build" / "tracktwo.nq"
    target.parent.mkdir(exist_ok=True)
    ds.serialize(target, format="nquads", encoding="utf-8")
    # the build's manifest flag: is any triple in two graphs? (see tracktwo.build)
    graphs = [g for g in ds.graphs() if len(g)]
    union_is_set = sum(len(g) for g in graphs) == len(set().union(*(set(g) for g in graphs)))
    (out / "build" / "manifest.json").write_text(json.dumps({"union_is_set": union_is_set, "synthetic": True}) + "\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-dataset", action="store_true", help="write the Turtle files only")
    args = parser.parse_args()
    out = generate(args.cases, args.out, not args.no_dataset)
    print(f"wrote {args.cases} synthetic cases to {out}")


if __name__ == "__main__":
    main()
