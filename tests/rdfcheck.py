"""Checks of written RDF shared by the tests: every serialisation parses with pyoxigraph and
with rdflib, to the same number of statements, and every IRI in it is valid by RFC 3987
(a check written here from the RFC's grammar, independent of both parsers and of kg)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import rdflib

OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
              "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB_FORMATS = {"ttl": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}

_UCSCHAR = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(
    f"\\U{p:04x}0000-\\U{p:04x}fffd" for p in range(1, 14)) + "\\U000e1000-\\U000efffd"
_IPRIVATE = "\ue000-\uf8ff\\U000f0000-\\U000ffffd\\U00100000-\\U0010fffd"
_UNRESERVED = f"[A-Za-z0-9\\-._~{_UCSCHAR}]"
_PCT = "%[0-9A-Fa-f]{2}"
_SUB_DELIMS = "[!$&'()*+,;=]"
_PCHAR = f"(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS}|[:@])"
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_H16 = "[0-9A-Fa-f]{1,4}"
_IPV6 = "(?:" + "|".join((
    f"(?:{_H16}:){{6}}{_H16}:{_H16}", f"::(?:{_H16}:){{0,5}}{_H16}?", f"(?:{_H16}:){{1,6}}:(?:{_H16}:){{0,5}}{_H16}?",
    f"(?:{_H16}:){{1,7}}:", f"(?:{_H16}:){{0,6}}{_H16}::?",
)) + ")"
_HOST = f"(?:\\[{_IPV6}\\]|{_OCTET}(?:\\.{_OCTET}){{3}}|(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS})*)"
_AUTHORITY = f"(?:(?:{_UNRESERVED}|{_PCT}|{_SUB_DELIMS}|:)*@)?{_HOST}(?::[0-9]*)?"
IRI = re.compile(
    "[A-Za-z][A-Za-z0-9+.\\-]*:"
    f"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|{_PCHAR}+(?:/{_PCHAR}*)*|)"
    f"(?:\\?(?:{_PCHAR}|[{_IPRIVATE}]|[/?])*)?"
    f"(?:#(?:{_PCHAR}|[/?])*)?"
)


def is_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI by RFC 3987.

    >>> is_iri("https://kg.example/person/zoë#x"), is_iri("https://kg.example/a b"), is_iri("https://x/%zz")
    (True, False, False)
    """
    return IRI.fullmatch(value) is not None


def check_rdf(data: bytes, fmt: str) -> int:
    """Parse ``data`` with pyoxigraph and rdflib, check every IRI; returns the number of
    distinct statements."""
    quads = list(ox.parse(data, format=OX_FORMATS[fmt]))
    bad = sorted({term.value for q in quads for term in (q.subject, q.predicate, q.object, q.graph_name)
                  if isinstance(term, ox.NamedNode) and not is_iri(term.value)})
    assert bad == [], bad[:5]
    graph = rdflib.Dataset() if fmt in ("trig", "nq") else rdflib.Graph()
    graph.parse(data=data, format=RDFLIB_FORMATS[fmt])
    statements = len(list(graph.quads((None, None, None, None)))) if fmt in ("trig", "nq") else len(graph)
    # kg.ttl is joined from the documents' graphs, so a fact two documents support is
    # written twice; a graph is a set, and both parsers must agree on it.
    assert statements == len(set(quads)), (fmt, statements, len(set(quads)))
    return statements
