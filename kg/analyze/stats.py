"""The figures of ``stats.json``: an :class:`~kg.analyze.analysis.Analysis` as plain data.

Input: an analysis. Output: a JSON-ready dict, deterministic for the same graph: counts,
most cited people, organisations and works, central concepts, a summary of every
projection (size, most central nodes, communities, bridges), co-citation and figures
per year.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.analyze.analysis import Analysis

TOP = 10
#: The counts of ``stats.json`` the report, the views' index and ``kg stats`` show, in order.
COUNTED = ("posts", "comments", "persons", "organisations", "concepts", "works", "citations", "affiliations")


def cited_counts(analysis: Analysis) -> Counter[str]:
    """How many citations reach each node of the reference graph.

    >>> import networkx as nx
    >>> from kg.analyze.analysis import Analysis
    >>> a = Analysis(graphs={"references": nx.DiGraph([("a", "b", {"weight": 2}), ("c", "b", {"weight": 1})])})
    >>> cited_counts(a)
    Counter({'b': 3})
    """
    out: Counter[str] = Counter()
    for _, target, data in analysis.references.edges(data=True):
        out[target] += data.get("weight", 1)
    return out


def projection_summary(analysis: Analysis, name: str, top: int = TOP) -> dict[str, Any]:
    """Size, most central nodes, communities and bridges of one projection."""
    graph = analysis.graphs[name]
    metrics = analysis.metrics.get(name, {})
    label = analysis.label
    ranked = sorted(metrics.items(), key=lambda x: (-x[1]["pagerank"], label(x[0]), x[0]))

    def node(n: str, m: dict[str, float]) -> dict[str, Any]:
        return {"name": label(n), "iri": n, "kind": analysis.kinds.get(n, "other"), **m}

    parts = analysis.communities.get(name, [])
    import networkx as nx

    empty = graph.number_of_nodes() == 0
    components = 0 if empty else (nx.number_weakly_connected_components(graph) if graph.is_directed()
                                  else nx.number_connected_components(graph))
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "directed": graph.is_directed(),
        "density": 0.0 if empty else round(nx.density(graph), 6),
        "components": components,
        "most_central": [node(n, m) for n, m in ranked[:top]],
        "most_between": [node(n, m) for n, m in sorted(metrics.items(), key=lambda x: (-x[1].get("betweenness", 0), label(x[0]), x[0]))[:top]
                         if m.get("betweenness", 0) > 0],
        "communities": len(parts),
        "largest_communities": [
            {"size": len(p), "members": [label(n) for n in sorted(p, key=lambda n: (-metrics.get(n, {}).get("pagerank", 0), label(n)))[:12]]}
            for p in parts[:top]
        ],
        "bridges": [label(n) for n in analysis.bridges.get(name, [])],
    }


def to_stats(analysis: Analysis, documents: int, skipped: list[str]) -> dict[str, Any]:
    """The figures of ``stats.json``."""
    from kg.analyze.analysis import PROJECTIONS

    a = analysis
    cited = cited_counts(a)

    def ranked(kind: str) -> list[dict[str, Any]]:
        items = sorted(((n, c) for n, c in cited.items() if a.kinds.get(n) == kind), key=lambda x: (-x[1], a.label(x[0]), x[0]))
        return [{"name": a.label(n), "iri": n, "citations": c} for n, c in items[:TOP]]

    concepts = a.metrics.get("concepts", {})
    central = sorted(concepts.items(), key=lambda x: (-x[1]["pagerank"], a.label(x[0]), x[0]))[:TOP]
    pairs = sorted(a.co_citation.edges(data=True), key=lambda e: (-e[2]["weight"], *sorted((a.label(e[0]), a.label(e[1])))))
    return {
        "documents": documents,
        "skipped": skipped,
        "counts": a.counts,
        "most_cited": {
            "people": ranked("person"),
            "organisations": ranked("organisation"),
            "works": a.cited_works,
        },
        "central_concepts": [
            {"name": a.label(n), "iri": n, **m, "documents": len(a.documents_of.get(n, []))} for n, m in central
        ],
        "projections": {name: projection_summary(a, name) for name in PROJECTIONS if name in a.graphs},
        "co_citation": [
            {"names": sorted([a.label(u), a.label(v)]), "iris": sorted([u, v]), "citers": d["weight"]} for u, v, d in pairs[:20]
        ],
        "years": a.years,
    }


__all__ = ["COUNTED", "cited_counts", "projection_summary", "to_stats"]
