"""Views: self-contained, escaped, trimmed when large."""

from __future__ import annotations

import re

import networkx as nx

from kg.analyze import Analysis, centrality, communities
from kg.render import View, render_index, render_view, trim, view_data

HOSTILE = '</script><script>alert(1)</script><img src=x onerror="alert(2)"> javascript:alert(3)'


def analysis_with(graph: nx.DiGraph) -> Analysis:
    a = Analysis()
    a.references = graph
    for n in graph.nodes:
        a.labels[n] = graph.nodes[n].get("label", n)
        a.kinds[n] = graph.nodes[n].get("kind", "person")
    a.metrics["references"] = centrality(graph)
    a.communities["references"] = communities(graph)
    return a


def test_a_view_loads_nothing_from_the_network():
    g = nx.DiGraph()
    g.add_edge("p1", "p2", weight=2)
    page = render_view(View("references", "Who", "desc", g, "kind"), analysis_with(g))
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "vis.Network" in page


def test_text_from_documents_cannot_become_markup():
    g = nx.DiGraph()
    g.add_node("p1", label=HOSTILE, kind="person")
    g.add_node("p2", label="B", kind="person")
    g.add_edge("p1", "p2", weight=1)
    a = analysis_with(g)
    a.evidence["p1 -> p2"] = [{"document": HOSTILE, "sentence": HOSTILE}]
    page = render_view(View("references", "Who", "desc", g, "kind"), a)
    assert "<img src=x" not in page and "</script><script>alert(1)" not in page
    assert page.count("</script>") == 2  # the library's and ours: no element closed early
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page  # the name is there, as JSON data
    index = render_index([View("references", HOSTILE, HOSTILE, g, "kind")], {"documents": 1, "counts": {}, "skipped": [HOSTILE]})
    assert "<script>" not in index and "<img" not in index


def test_large_graphs_are_trimmed_and_laid_out_beforehand():
    g = nx.gnm_random_graph(400, 900, seed=1, directed=True)
    g = nx.relabel_nodes(g, {n: f"n{n}" for n in g})
    a = analysis_with(g)
    data, options, note = view_data(View("references", "Who", "desc", g, "kind"), a)
    assert note is None and len(data["nodes"]) == 400
    assert options["physics"]["enabled"] is False and all("x" in n and "y" in n for n in data["nodes"])
    sub, left_out = trim(g, a.metrics["references"], 100)
    assert sub.number_of_nodes() == 100 and left_out == 300
