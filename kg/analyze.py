"""Analysis: the written graph becomes networkx projections and metrics.

Input: a pyoxigraph store (the graph of record, read with the shipped SPARQL queries).
Output: an :class:`Analysis`: the reference graph (who references whom), the concept
co-occurrence graph (which ideas connect), per-node metrics, communities, and the
headline figures of ``stats.json``.

The metrics are pure functions of a graph (networkx style), tested on tiny literal graphs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import networkx as nx

from kg.store import query, rows

#: Above this many nodes betweenness is estimated from a sample of source nodes.
BETWEENNESS_EXACT_LIMIT = 3000
_SEED = 42


def load_query(name: str) -> str:
    """The text of a shipped query in ``kg/queries/``."""
    return resources.files("kg.queries").joinpath(name).read_text(encoding="utf-8")


# --- metrics (pure functions of a graph) --------------------------------------------------


def centrality(graph: nx.Graph, weight: str | None = "weight") -> dict[str, dict[str, float]]:
    """Degree, weighted degree, PageRank and betweenness of every node.

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> m = centrality(g, weight=None)
    >>> m["b"]["degree"], round(m["b"]["betweenness"], 3), round(m["a"]["betweenness"], 3)
    (2, 1.0, 0.0)
    """
    if graph.number_of_nodes() == 0:
        return {}
    pagerank = nx.pagerank(graph, weight=weight) if graph.number_of_edges() else {n: 1 / len(graph) for n in graph}
    k = None if graph.number_of_nodes() <= BETWEENNESS_EXACT_LIMIT else min(500, graph.number_of_nodes())
    # Betweenness treats weight as a distance; stronger ties should be shorter, so it is
    # computed on hop counts.
    betweenness = nx.betweenness_centrality(graph, k=k, seed=_SEED, normalized=True)
    strength = dict(graph.degree(weight=weight)) if weight else dict(graph.degree())
    return {
        n: {
            "degree": graph.degree(n),
            "strength": round(float(strength[n]), 6),
            "pagerank": round(pagerank[n], 6),
            "betweenness": round(betweenness[n], 6),
        }
        for n in graph.nodes
    }


def communities(graph: nx.Graph, weight: str | None = "weight") -> list[list[str]]:
    """Louvain communities (Leiden where ``leidenalg`` is installed), largest first,
    deterministic for the same graph.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> communities(g, weight=None)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    if graph.number_of_nodes() == 0:
        return []
    undirected = graph.to_undirected() if graph.is_directed() else graph
    parts = _leiden(undirected, weight)
    if parts is None:
        parts = nx.community.louvain_communities(undirected, weight=weight, seed=_SEED)
    return sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p))


def _leiden(graph: nx.Graph, weight: str | None) -> list[set[str]] | None:
    try:
        import igraph as ig  # type: ignore[import-not-found]
        import leidenalg  # type: ignore[import-not-found]
    except ImportError:
        return None
    nodes = sorted(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in graph.edges])
    weights = [graph.edges[u, v].get(weight, 1.0) for u, v in graph.edges] if weight else None
    partition = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights=weights, seed=_SEED)
    return [{nodes[i] for i in part} for part in partition]


def bridges(graph: nx.Graph, parts: list[list[str]], top: int = 10) -> list[str]:
    """Nodes that connect communities: most neighbours outside their own community.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "x"), ("x", "y")])
    >>> bridges(g, [["a", "b", "c"], ["x", "y"]])
    ['c', 'x']
    """
    community_of = {n: i for i, part in enumerate(parts) for n in part}
    scores = []
    for n in graph.nodes:
        outside = {community_of.get(m) for m in graph.neighbors(n)} - {community_of.get(n)}
        if outside:
            scores.append((-len(outside), -graph.degree(n), n))
    return [n for _, _, n in sorted(scores)[:top]]


def pmi_graph(windows: list[set[str]], min_count: int = 1) -> nx.Graph:
    """Co-occurrence graph weighted by normalised PMI over text windows.

    Each window is the set of concepts named in it. An edge joins two concepts that share
    a window; ``count`` is how many, ``npmi`` their normalised pointwise mutual
    information (1: always together, 0: independent), and ``weight`` the positive part of
    NPMI so that frequent concepts do not dominate.

    >>> g = pmi_graph([{"a", "b"}, {"a", "b"}, {"c"}, {"a", "c"}])
    >>> g["a"]["b"]["count"], round(g["a"]["b"]["npmi"], 3)
    (2, 0.415)
    """
    n = len(windows)
    single: Counter[str] = Counter()
    pair: Counter[tuple[str, str]] = Counter()
    for w in windows:
        items = sorted(w)
        single.update(items)
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                pair[(a, b)] += 1
    graph = nx.Graph()
    for concept, count in sorted(single.items()):
        graph.add_node(concept, count=count)
    for (a, b), count in sorted(pair.items()):
        if count < min_count:
            continue
        p_ab = count / n
        pmi = math.log(p_ab / ((single[a] / n) * (single[b] / n)))
        npmi = pmi / -math.log(p_ab) if p_ab < 1 else 1.0
        graph.add_edge(a, b, count=count, npmi=round(npmi, 6), weight=round(max(npmi, 0.0) + 1e-6, 6))
    return graph


# --- projections from the graph ------------------------------------------------------------


@dataclass
class Analysis:
    """Projections and metrics of one graph."""

    counts: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    references: nx.DiGraph = field(default_factory=nx.DiGraph)
    concepts: nx.Graph = field(default_factory=nx.Graph)
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    communities: dict[str, list[list[str]]] = field(default_factory=dict)
    evidence: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    documents_of: dict[str, list[str]] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)

    def to_stats(self, documents: int, skipped: list[str]) -> dict[str, Any]:
        """The headline figures of ``stats.json`` (deterministic)."""
        ref_m = self.metrics.get("references", {})
        con_m = self.metrics.get("concepts", {})
        cited_in: Counter[str] = Counter()
        for _, target, data in self.references.edges(data=True):
            cited_in[target] += data["weight"]

        def ranked(kind: str, top: int = 10) -> list[dict[str, Any]]:
            items = [(n, c) for n, c in cited_in.items() if self.kinds.get(n) == kind]
            items.sort(key=lambda x: (-x[1], self.labels.get(x[0], x[0])))
            return [{"name": self.labels.get(n, n), "iri": n, "citations": c} for n, c in items[:top]]

        central = sorted(con_m.items(), key=lambda x: (-x[1]["pagerank"], self.labels.get(x[0], x[0])))[:10]
        return {
            "documents": documents,
            "skipped": skipped,
            "counts": self.counts,
            "most_cited": {
                "people": ranked("person"),
                "organisations": ranked("organisation"),
                "works": self.counts.get("top_works", []),
            },
            "central_concepts": [
                {"name": self.labels.get(n, n), "iri": n, **m, "documents": len(self.documents_of.get(n, []))}
                for n, m in central
            ],
            "references": {
                "nodes": self.references.number_of_nodes(),
                "edges": self.references.number_of_edges(),
                "top_sources": [
                    {"name": self.labels.get(n, n), "iri": n, "pagerank": m["pagerank"]}
                    for n, m in sorted(ref_m.items(), key=lambda x: (-x[1]["pagerank"], x[0]))[:10]
                ],
                "communities": [[self.labels.get(n, n) for n in c] for c in self.communities.get("references", [])],
            },
            "concepts": {
                "nodes": self.concepts.number_of_nodes(),
                "edges": self.concepts.number_of_edges(),
                "communities": [[self.labels.get(n, n) for n in c] for c in self.communities.get("concepts", [])],
                "bridges": [self.labels.get(n, n) for n in bridges(self.concepts, self.communities.get("concepts", []))],
            },
        }


_COUNTS = """
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES (?class ?kind) {
    (sioct:BlogPost "posts") (sioct:Comment "comments") (foaf:Person "persons")
    (foaf:Organization "organisations") (skos:Concept "concepts") (schema:CreativeWork "works")
    (cito:Citation "citations") (org:Membership "affiliations")
  }
  ?x a ?class .
} GROUP BY ?kind
"""
_CITATION_KINDS = "SELECT ?kind (COUNT(?c) AS ?n) WHERE { ?c a cito:Citation ; kg:citationKind ?kind } GROUP BY ?kind"
_ENTITIES = """
SELECT ?e ?type ?label WHERE {
  VALUES (?class ?type) { (foaf:Person "person") (foaf:Organization "organisation") (skos:Concept "concept") (schema:CreativeWork "work") }
  ?e a ?class ; rdfs:label ?label .
}
"""
_ALIASES = "SELECT ?e ?alias WHERE { ?e skos:altLabel ?alias }"
_CONCEPT_MENTIONS = """
SELECT ?concept ?context ?begin ?post WHERE {
  ?m itsrdf:taIdentRef ?concept ; nif:sentence ?s .
  ?concept a skos:Concept .
  ?s nif:beginIndex ?begin ; nif:referenceContext ?context .
  ?post kg:text ?context .
}
"""
_SENTENCES = "SELECT ?context ?begin WHERE { ?s a nif:Sentence ; nif:referenceContext ?context ; nif:beginIndex ?begin }"
_TOP_WORKS = """
SELECT ?work ?title (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a cito:Citation ; cito:hasCitedEntity ?work ; kg:citationKind ?kind .
  ?work a schema:CreativeWork ; dcterms:title ?title .
  FILTER (?kind != "replies_to")
} GROUP BY ?work ?title ORDER BY DESC(?n) ?title LIMIT 10
"""
# The span's document is joined before the OPTIONALs: after them, pyoxigraph evaluates
# the join against every span of the store (minutes on a corpus of 10,000 citations).
_REFERENCE_EVIDENCE = """
SELECT ?source ?target ?sentence ?document WHERE {
  ?citation a cito:Citation ; kg:citationKind ?kind ; cito:hasCitingEntity ?citing ; cito:hasCitedEntity ?cited ;
            kg:evidence ?span .
  FILTER (?kind != "replies_to")
  ?span nif:referenceContext ?context .
  ?post kg:text ?context ; kg:documentName ?document .
  { ?citation cito:hasCitedEntity ?target } UNION { ?citation kg:alsoCites ?target }
  UNION { ?citation cito:hasCitedEntity/(dcterms:creator|dcterms:publisher) ?target }
  OPTIONAL { ?citing dcterms:creator ?creator }
  OPTIONAL { ?citing dcterms:publisher ?publisher }
  BIND (COALESCE(?creator, ?publisher, ?citing) AS ?source)
  OPTIONAL { ?span nif:sentence/nif:anchorOf ?s1 }
  OPTIONAL { ?span nif:anchorOf ?s2 }
  BIND (COALESCE(?s1, ?s2) AS ?sentence)
}
"""


def analyze(store: Any, window: int = 1) -> Analysis:
    """Read the projections from a store and compute their metrics.

    Args:
        store: an open pyoxigraph store.
        window: concepts in sentences at most this far apart co-occur (0: same sentence).
    """
    a = Analysis()
    counts = {r["kind"]: r["n"] for r in rows(query(store, _COUNTS))}
    a.counts = {k: counts.get(k, 0) for k in ("posts", "comments", "persons", "organisations", "concepts", "works", "citations", "affiliations")}
    a.counts["citations_by_kind"] = {r["kind"]: r["n"] for r in sorted(rows(query(store, _CITATION_KINDS)), key=lambda r: r["kind"])}
    for r in rows(query(store, _ENTITIES)):
        a.labels[r["e"]] = r["label"]
        a.kinds[r["e"]] = r["type"]
    for r in rows(query(store, _ALIASES)):
        a.aliases.setdefault(r["e"], []).append(r["alias"])
    for v in a.aliases.values():
        v.sort()
    a.counts["top_works"] = [{"name": r["title"], "iri": r["work"], "citations": r["n"]} for r in rows(query(store, _TOP_WORKS))]

    # who references whom
    for r in rows(query(store, load_query("who-references-whom.rq"))):
        src, dst = r["source"], r["target"]
        a.labels.setdefault(src, r["sourceLabel"])
        a.labels.setdefault(dst, r["targetLabel"])
        a.kinds.setdefault(src, "post")
        a.references.add_edge(src, dst, weight=r["count"])
    for r in sorted(rows(query(store, _REFERENCE_EVIDENCE)), key=lambda r: (r["source"], r["target"], r["document"], r["sentence"] or "")):
        key = f"{r['source']} -> {r['target']}"
        items = a.evidence.setdefault(key, [])
        item = {"document": r["document"], "sentence": r["sentence"] or ""}
        if item not in items:
            items.append(item)
    for n in a.references.nodes:
        a.references.nodes[n]["label"] = a.labels.get(n, n)
        a.references.nodes[n]["kind"] = a.kinds.get(n, "other")

    # which ideas connect
    sentences: dict[str, list[int]] = defaultdict(list)
    for r in rows(query(store, _SENTENCES)):
        sentences[r["context"]].append(r["begin"])
    position = {}
    for ctx, begins in sentences.items():
        for i, b in enumerate(sorted(set(begins))):
            position[(ctx, b)] = i
    by_window: dict[tuple[str, int], set[str]] = defaultdict(set)
    docs_of: dict[str, set[str]] = defaultdict(set)
    for r in rows(query(store, _CONCEPT_MENTIONS)):
        i = position.get((r["context"], r["begin"]))
        if i is None:
            continue
        docs_of[r["concept"]].add(r["post"])
        for j in range(i - window, i + 1):
            if j >= 0:
                by_window[(r["context"], j)].add(r["concept"])
    windows = [by_window[k] for k in sorted(by_window)]
    a.concepts = pmi_graph(windows)
    for n in a.concepts.nodes:
        a.concepts.nodes[n]["label"] = a.labels.get(n, n)
        a.concepts.nodes[n]["kind"] = "concept"
    a.documents_of = {k: sorted(v) for k, v in docs_of.items()}

    for name, graph in (("references", a.references), ("concepts", a.concepts)):
        a.metrics[name] = centrality(graph)
        a.communities[name] = communities(graph)
    return a
