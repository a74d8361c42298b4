"""Projections and metrics on tiny literal graphs, with exact expected values."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from kg.analyze import bridges, centrality, communities, pmi_graph


def test_centrality_on_a_star():
    g = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c")])
    m = centrality(g, weight=None)
    assert m["hub"]["degree"] == 3 and m["a"]["degree"] == 1
    assert m["hub"]["betweenness"] == 1.0 and m["a"]["betweenness"] == 0.0
    assert m["hub"]["pagerank"] > m["a"]["pagerank"]
    assert math.isclose(sum(x["pagerank"] for x in m.values()), 1.0, abs_tol=1e-5)


def test_weighted_pagerank_follows_weight():
    g = nx.DiGraph()
    g.add_edge("a", "b", weight=5)
    g.add_edge("a", "c", weight=1)
    m = centrality(g)
    assert m["b"]["pagerank"] > m["c"]["pagerank"]
    assert m["a"]["strength"] == 6.0


def test_empty_graph_has_no_metrics():
    assert centrality(nx.Graph()) == {} and communities(nx.Graph()) == []


def test_two_triangles_are_two_communities_joined_by_a_bridge():
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    parts = communities(g, weight=None)
    assert parts == [["a", "b", "c"], ["x", "y", "z"]]
    assert bridges(g, parts) == ["c", "x"]


def test_pmi_exact_values():
    g = pmi_graph([{"a", "b"}, {"a", "b"}, {"c"}, {"a", "c"}])
    # p(a,b) = 2/4, p(a) = 3/4, p(b) = 2/4: PMI = ln(0.5 / 0.375); NPMI = PMI / -ln(0.5)
    assert g["a"]["b"]["count"] == 2
    assert g["a"]["b"]["npmi"] == pytest.approx(math.log(0.5 / 0.375) / -math.log(0.5), abs=1e-6)
    # p(a,c) = 1/4, p(c) = 2/4: PMI = ln(0.25 / 0.375) < 0, so no positive weight
    assert g["a"]["c"]["npmi"] < 0 and g["a"]["c"]["weight"] == pytest.approx(1e-6)
    assert g.nodes["a"]["count"] == 3


def test_pmi_is_not_dominated_by_frequency():
    # "it" is everywhere, "x" and "y" always together.
    windows = [{"it", "x", "y"}] * 3 + [{"it"}] * 20 + [{"it", "z"}]
    g = pmi_graph(windows)
    assert g["x"]["y"]["npmi"] > g["it"]["x"]["npmi"]
