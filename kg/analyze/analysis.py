"""The analysis of one graph: its projections, their metrics, and what the views show.

Input: an open pyoxigraph store. Output: an :class:`Analysis` holding the projections
(:data:`PROJECTIONS`), their metrics and communities, the names, aliases, documents and
evidence sentences the views show, co-citation, and figures per year. :func:`analyze`
reads the store once (:mod:`kg.analyze.reader`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import networkx as nx

from kg.analyze.metrics import bridges, centrality, communities, components
from kg.collector import collection_paused
from kg.kept import Kept

#: The projections, in the order the views and the report present them.
PROJECTIONS = ("references", "posts", "concepts", "discussion", "people-concepts")
#: Evidence sentences kept per node and per edge.
EVIDENCE_LIMIT = 6

Evidence = dict[str, str]  # {"sentence": ..., "document": ...}


def load_query(name: str) -> str:
    """The text of a shipped query in ``kg/queries/``."""
    return resources.files("kg.queries").joinpath(name).read_text(encoding="utf-8")


@dataclass
class Analysis:
    """The projections of one graph, their metrics, and what the views show of each node.

    Attributes:
        documents: the documents the posts come from.
        counts: things per type, citations per kind.
        labels: display name of every node (entities, posts, comments).
        kinds: ``person``, ``organisation``, ``concept``, ``work``, ``post``, ``comment``,
            ``pingback`` or ``trackback``.
        aliases: other names of an entity.
        facts: short ``(what, value)`` lines about a node (author, date, document ...).
        author_of: the author of each post and comment, where known.
        documents_of: the documents a node is named in or written in.
        graphs: each projection by name (:data:`PROJECTIONS`).
        metrics: per projection, per node: degree, strength, PageRank, betweenness.
        communities: per projection, the communities (lists of nodes), largest first.
        bridges: per projection, the nodes with neighbours in most other communities.
        node_evidence: sentences naming a node, with their document (read when first
            asked for, :class:`~kg.analyze.evidence.Deferred`).
        edge_evidence: per projection, the citations or co-occurrences behind an edge (for
            the concept graphs, read when first asked for: :class:`~kg.analyze.evidence.Deferred`).
        mention_counts: how many sentences name a node.
        co_citation: who is cited together (weight: citing posts and comments).
        cited_works: the most cited works with their number of citations.
        years: per year: posts, comments, citations, most cited, most named concepts.
    """

    documents: int = 0
    counts: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    facts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    author_of: dict[str, str] = field(default_factory=dict)
    documents_of: dict[str, list[str]] = field(default_factory=dict)
    graphs: dict[str, nx.Graph] = field(default_factory=dict)
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    communities: dict[str, list[list[str]]] = field(default_factory=dict)
    bridges: dict[str, list[str]] = field(default_factory=dict)
    node_evidence: Mapping[str, list[Evidence]] = field(default_factory=dict)
    edge_evidence: dict[str, Mapping[tuple[str, str], list[Evidence]]] = field(default_factory=dict)
    mention_counts: dict[str, int] = field(default_factory=dict)
    co_citation: nx.Graph = field(default_factory=nx.Graph)
    cited_works: list[dict[str, Any]] = field(default_factory=list)
    years: list[dict[str, Any]] = field(default_factory=list)

    @property
    def references(self) -> nx.DiGraph:
        """The reference graph (who references whom)."""
        return self.graphs.get("references", nx.DiGraph())

    @property
    def concepts(self) -> nx.Graph:
        """The concept co-occurrence graph (which ideas connect)."""
        return self.graphs.get("concepts", nx.Graph())

    def label(self, node: str) -> str:
        return self.labels.get(node, node)

    def measure(self, name: str) -> None:
        """Compute the metrics, communities and bridges of projection ``name``. A
        discussion's communities are its threads; reply trees and the bipartite
        people-concepts graph get no betweenness (it says little there and costs much)."""
        graph = self.graphs[name]
        self.metrics[name] = centrality(graph, betweenness=name not in ("discussion", "people-concepts"))
        self.communities[name] = components(graph) if name == "discussion" else communities(graph)
        self.bridges[name] = bridges(graph, self.communities[name])

    def to_stats(self, documents: int, skipped: list[str]) -> dict[str, Any]:
        """The figures of ``stats.json`` (deterministic)."""
        from kg.analyze.stats import to_stats

        return to_stats(self, documents, skipped)


def analyze(store: Any, window: int = 1, kept: Kept | None = None) -> Analysis:
    """Read the projections from a store (or any row source) and compute their metrics.

    Args:
        store: an open pyoxigraph store, or a :class:`~kg.analyze.source.Source`.
        window: concepts in sentences at most this far apart co-occur (0: same sentence).
        kept: a :class:`~kg.kept.Kept` holding metrics of earlier builds: a projection
            whose graph is one they measured is not measured again.
    """
    from kg.analyze.reader import Reader
    from kg.analyze.source import StoreSource

    source = StoreSource(store) if hasattr(store, "quads_for_pattern") else store
    with collection_paused():
        return Reader(source, kept).run(window)


__all__ = ["EVIDENCE_LIMIT", "PROJECTIONS", "Analysis", "Evidence", "analyze", "load_query"]
