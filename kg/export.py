"""Serialisations of the graph: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

Input: named graphs as N-Triples lines (from :mod:`kg.build`, or read back from a store
with :func:`graphs_from_store`). Output: bytes, deterministic for the same graphs: triples
are sorted before serialisation, so two builds of the same corpus are byte-identical.

The Turtle and N-Triples forms are the union of all named graphs; TriG and N-Quads keep
one named graph per document (and one for corpus-wide entity descriptions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from kg.prefixes import PREFIXES

#: Formats of ``kg export`` for the RDF graph (GraphML and GEXF come from the analysis).
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
               "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}


def prefixes_for(base: str) -> dict[str, str]:
    """The standard prefixes plus one per instance path under the base IRI."""
    out = dict(PREFIXES)
    for kind in ("person", "organisation", "concept", "work", "post", "graph"):
        out[kind] = f"{base}{kind}/"
    return out


def _union(graphs: Mapping[str, Iterable[str]]) -> list[str]:
    triples: set[str] = set()
    for lines in graphs.values():
        triples.update(lines)
    return sorted(triples)


def to_rdf(graphs: Mapping[str, Iterable[str]], fmt: str, base: str) -> bytes:
    """Serialise named graphs in one of :data:`RDF_FORMATS`.

    >>> g = {"http://x/g": ['<http://x/s> <http://xmlns.com/foaf/0.1/name> "A"']}
    >>> print(to_rdf(g, "nt", "http://x/").decode(), end="")
    <http://x/s> <http://xmlns.com/foaf/0.1/name> "A" .
    """
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}")
    if fmt in ("ttl", "nt", "jsonld"):
        text = "".join(f"{t} .\n" for t in _union(graphs))
        if fmt == "nt":
            return text.encode("utf-8")
        parsed = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    else:
        quads = []
        for graph in sorted(graphs):
            g = f"<{graph}>"
            quads.extend(f"{t} {g} .\n" for t in sorted(set(graphs[graph])))
        text = "".join(quads)
        if fmt == "nq":
            return text.encode("utf-8")
        parsed = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    kwargs = {"prefixes": prefixes_for(base)} if fmt in ("ttl", "trig") else {}
    return ox.serialize(parsed, format=RDF_FORMATS[fmt], **kwargs)


def graphs_from_store(store: ox.Store) -> dict[str, list[str]]:
    """The named graphs of a store as N-Triples lines (the inverse of writing them)."""
    graphs: dict[str, list[str]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        graph = quad.graph_name
        key = graph.value if isinstance(graph, ox.NamedNode) else ""
        graphs.setdefault(key, []).append(str(ox.Triple(quad.subject, quad.predicate, quad.object)))
    return {g: sorted(lines) for g, lines in graphs.items()}


def base_of(store: ox.Store) -> str:
    """The base IRI a store was built with, read from its corpus graph's name."""
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value.endswith("/graph/corpus"):
            return graph.value[: -len("graph/corpus")]
    return "https://kg.example/"
