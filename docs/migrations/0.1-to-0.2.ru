# Migrate tracktwo 0.1 data to ontology 0.2: a SPARQL 1.1 Update, for any engine.
#   python -c "import rdflib,sys; g=rdflib.Graph().parse(sys.argv[1]); g.update(open(sys.argv[2]).read()); print(g.serialize(format='turtle'))" cases/x.ttl docs/migrations/0.1-to-0.2.ru
# What it cannot do for you: pair each person who signed with the party they signed for (it makes
# one signature per 0.1 signatory; merge a signer's and a party's signatures where a source says
# who signed for whom), give contributions their own grades where they differ from the bridge's,
# and code accord stages. Load the shared files (people, organisations, states) with the case so
# that signatories can be told apart by class.

PREFIX t2: <https://w3id.org/tracktwo/ontology#>

# 1. A bridge's contributedTo becomes one contribution per accord, with the bridge's grade.
DELETE { ?bridge t2:contributedTo ?accord }
INSERT { ?bridge t2:contribution _:c . _:c t2:toAccord ?accord ; t2:evidenceGrade ?grade }
WHERE { ?bridge t2:contributedTo ?accord . OPTIONAL { ?bridge t2:evidenceGrade ?grade } } ;

# 2. An accord's signing date has its own precision property.
DELETE { ?accord t2:datePrecision ?p }
INSERT { ?accord t2:signedPrecision ?p }
WHERE { ?accord t2:signedOn ?signed ; t2:datePrecision ?p } ;

# 3. Value claims: resources in t2:claimedResource; a source's words for a resource in t2:claimedWording.
DELETE { ?claim t2:claimedValue ?v }
INSERT { ?claim t2:claimedResource ?v }
WHERE { ?claim t2:claimedValue ?v . FILTER (isIRI(?v)) } ;

DELETE { ?claim t2:claimedValue ?v }
INSERT { ?claim t2:claimedWording ?v }
WHERE {
  ?claim t2:onProperty ?p ; t2:claimedValue ?v . FILTER (isLiteral(?v))
  VALUES ?p { t2:atPlace t2:signedAt t2:initialledAt t2:role t2:capacity t2:affiliation t2:participant t2:signatory }
} ;

# 4. Signatories become signatures: a person as signer, a state or organisation as the party.
DELETE { ?accord t2:signatory ?who }
INSERT { ?accord t2:signature _:s . _:s t2:signer ?who }
WHERE { ?accord t2:signatory ?who . ?who a t2:Person } ;

DELETE { ?accord t2:signatory ?who }
INSERT { ?accord t2:signature _:s . _:s t2:onBehalfOf ?who }
WHERE { ?accord t2:signatory ?who . { ?who a t2:State } UNION { ?who a t2:Organization } }
