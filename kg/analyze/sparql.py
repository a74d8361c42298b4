"""The SPARQL queries :mod:`kg.analyze.reader` runs: one each for entity names, aliases,
posts, comments, citations, memberships, the authors of works, sentences and mentions.
Each reads one named graph only (see :mod:`kg.analyze.source`), except the entity
descriptions, which live in the corpus graph.

The usual prefixes (:data:`kg.prefixes.PREFIXES`) are declared by :func:`kg.store.query`.
"""

import re

#: ``SELECT [DISTINCT] <variables> WHERE {<pattern>}``: the shape of every query here.
_SELECT = re.compile(r"\s*SELECT (DISTINCT )?([^{]*?)\s*WHERE \{(.*)\}\s*", re.DOTALL)


def in_each_graph(query: str) -> str:
    """``query`` evaluated within each named graph: its pattern inside ``GRAPH ?kgGraph``,
    and the graph projected first, so that rows of different graphs stay apart as rows
    computed graph by graph do.

    >>> in_each_graph("SELECT DISTINCT ?s WHERE { ?s a ?t }")
    'SELECT DISTINCT ?kgGraph ?s WHERE { GRAPH ?kgGraph { ?s a ?t } }'
    """
    match = _SELECT.fullmatch(query)
    if match is None:
        raise ValueError(f"not a SELECT ... WHERE {{ ... }} query: {query[:60]!r}")
    distinct, variables, pattern = match.groups()
    return f"SELECT {distinct or ''}?kgGraph {variables} WHERE {{ GRAPH ?kgGraph {{{pattern}}} }}"


ENTITIES = """
SELECT DISTINCT ?e ?type ?label WHERE {
  VALUES (?class ?type) { (foaf:Person "person") (foaf:Organization "organisation") (skos:Concept "concept") (schema:CreativeWork "work") }
  ?e a ?class ; rdfs:label ?label .
}
"""
ALIASES = "SELECT DISTINCT ?e ?alias WHERE { ?e skos:altLabel ?alias }"
POSTS = """
SELECT DISTINCT ?post ?context ?document ?title ?date ?creator WHERE {
  ?post a sioct:BlogPost ; kg:text ?context ; kg:documentName ?document .
  OPTIONAL { ?post dcterms:title ?title }
  OPTIONAL { ?post dcterms:date ?date }
  OPTIONAL { ?post dcterms:creator ?creator }
}
"""
COMMENTS = """
SELECT DISTINCT ?comment ?post ?parent ?kind ?position ?creator ?date ?words ?begin ?end WHERE {
  ?comment a sioct:Comment ; sioc:has_container ?post .
  OPTIONAL { ?comment sioc:reply_of ?parent }
  OPTIONAL { ?comment kg:commentKind ?kind }
  OPTIONAL { ?comment kg:position ?position }
  OPTIONAL { ?comment dcterms:creator ?creator }
  OPTIONAL { ?comment dcterms:date ?date }
  OPTIONAL { ?comment kg:firstWords ?words }
  OPTIONAL { ?comment kg:textSpan ?span . ?span nif:beginIndex ?begin ; nif:endIndex ?end }
}
"""
CITATIONS = """
SELECT DISTINCT ?citation ?kind ?citing ?container ?creator ?publisher ?cited ?also ?date ?context ?sentence ?anchor WHERE {
  ?citation a cito:Citation ; kg:citationKind ?kind ; cito:hasCitingEntity ?citing ; cito:hasCitedEntity ?cited .
  OPTIONAL { ?citation kg:alsoCites ?also }
  OPTIONAL { ?citing sioc:has_container ?holder }
  BIND (COALESCE(?holder, ?citing) AS ?container)
  OPTIONAL { ?citing dcterms:creator ?creator }
  OPTIONAL { ?citing dcterms:publisher ?publisher }
  OPTIONAL { ?citing dcterms:date ?ownDate }
  OPTIONAL { ?container dcterms:date ?postDate }
  BIND (COALESCE(?ownDate, ?postDate) AS ?date)
  OPTIONAL {
    ?citation kg:evidence ?span .
    ?span nif:referenceContext ?context .
    OPTIONAL { ?span nif:sentence ?sentence }
    OPTIONAL { ?span nif:anchorOf ?anchor }
  }
}
"""
# Every creator and publisher statement; the reader keeps those of works and posts (works
# are typed in the corpus graph, so a type here would join across graphs).
MAKERS = """
SELECT DISTINCT ?thing ?role ?maker WHERE {
  { ?thing dcterms:creator ?maker . BIND ("creator" AS ?role) }
  UNION { ?thing dcterms:publisher ?maker . BIND ("publisher" AS ?role) }
}
"""
MEMBERSHIPS = "SELECT DISTINCT ?membership WHERE { ?membership a org:Membership }"
SENTENCES = """
SELECT ?s ?context ?begin ?text WHERE {
  ?s a nif:Sentence ; nif:referenceContext ?context ; nif:beginIndex ?begin ; nif:anchorOf ?text .
}
"""
# A sentence that refers to an entity (kg build's model), or a phrase of a sentence that does.
MENTIONS = """
SELECT DISTINCT ?e ?s WHERE {
  { ?s itsrdf:taIdentRef ?e ; a nif:Sentence } UNION { ?m itsrdf:taIdentRef ?e ; nif:sentence ?s }
}
"""
