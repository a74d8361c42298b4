"""Prefixes of the vocabularies the graph uses, as plain strings.

Kept free of imports so that ``kg query`` can declare them without loading rdflib.
"""

#: Prefixes written in Turtle and TriG and accepted by ``kg query`` without declaration.
PREFIXES: dict[str, str] = {
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
    "kg": "https://kg.example/ontology#",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sioc": "http://rdfs.org/sioc/ns#",
    "sioct": "http://rdfs.org/sioc/types#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
