"""Views and report: self-contained, escaped, trimmed when large, and the graph left alone."""

from __future__ import annotations

import copy
import json
import re

import networkx as nx

from kg.analyze import Analysis
from kg.layout import layout
from kg.render import MAX_NODES, View, render_index, render_view, trim, trim_edges, view_data, views_of
from kg.report import md, to_markdown, write_report

HOSTILE = '</script><script>alert(1)</script><img src=x onerror="alert(2)"> javascript:alert(3)'
PROJECTIONS = ("references", "posts", "concepts", "discussion", "people-concepts")


def analysis_with(graph: nx.DiGraph, name: str = "references") -> Analysis:
    a = Analysis()
    a.graphs = {p: (graph if p == name else nx.DiGraph()) for p in PROJECTIONS}
    for n in graph.nodes:
        a.labels[n] = graph.nodes[n].get("label", n)
        a.kinds[n] = graph.nodes[n].get("kind", "person")
    for p in PROJECTIONS:
        a.measure(p)
    return a


def script_data(page: str) -> dict:
    return json.loads(re.search(r"var DATA = (\{.*?\});\n", page).group(1))


def test_a_view_loads_nothing_from_the_network():
    g = nx.DiGraph()
    g.add_edge("p1", "p2", weight=2)
    page = render_view(View("references", "Who", "desc", g), analysis_with(g))
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "vis.Network" in page


def test_text_from_documents_cannot_become_markup():
    g = nx.DiGraph()
    g.add_node("p1", label=HOSTILE, kind="person")
    g.add_node("p2", label="B", kind="person")
    g.add_edge("p1", "p2", weight=1)
    a = analysis_with(g)
    a.aliases["p1"] = [HOSTILE]
    a.edge_evidence["references"] = {("p1", "p2"): [{"sentence": HOSTILE, "document": HOSTILE, "kind": "cites"}]}
    page = render_view(View("references", "Who", "desc", g), a)
    assert "<img src=x" not in page and "</script><script>alert(1)" not in page
    assert page.count("</script>") == 2  # the library's and ours: no element closed early
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page  # the name is there, as JSON data
    data = script_data(page)
    assert data["sentences"] == [[HOSTILE, 0, "cites"]] and data["documents"] == [HOSTILE]
    index = render_index([View("references", HOSTILE, HOSTILE, g)], {"documents": 1, "counts": {}, "skipped": [HOSTILE]})
    assert "<script>" not in index and "<img" not in index


def test_view_data_holds_nodes_edges_and_their_evidence_once():
    g = nx.DiGraph()
    g.add_edge("mitch", "irving", weight=2)
    g.add_edge("mitch", "martin", weight=1)
    a = analysis_with(g)
    a.labels.update({"mitch": "Mitch Lieberman", "irving": "Irving Wladawsky-Berger", "martin": "Martin Schneider"})
    a.aliases["mitch"] = ["Mitch"]
    a.documents_of["mitch"] = ["001.txt", "003.txt"]
    said = {"sentence": "I see a post by Irving Wladawsky-Berger.", "document": "001.txt", "kind": "cites"}
    a.edge_evidence["references"] = {("mitch", "irving"): [said]}
    data, options, notes = view_data(View("references", "Who", "desc", g), a)
    assert [n["name"] for n in data["nodes"]] == ["Irving Wladawsky-Berger", "Martin Schneider", "Mitch Lieberman"]
    mitch = data["nodes"][2]
    assert mitch["iri"] == "mitch" and mitch["aliases"] == ["Mitch"] and mitch["kind"] == "person"
    assert [data["documents"][d] for d in mitch["docs"]] == ["001.txt", "003.txt"]
    assert [data["sentences"][i][0] for i in mitch["ev"]] == [said["sentence"]]
    assert data["nodes"][0]["ev"] == mitch["ev"]  # Irving's evidence is the same sentence, stored once
    assert len(data["sentences"]) == 1
    edges = {(e["from"], e["to"]): e for e in data["edges"]}
    assert set(edges) == {(2, 0), (2, 1)} and edges[(2, 0)]["w"] == 2.0 and edges[(2, 0)]["summary"] == "2 citations"
    assert data["weight"] == {"label": "citations", "min": 1.0, "max": 2.0, "step": 1}
    assert notes == [] and options["physics"]["enabled"] is True


def test_rendering_does_not_change_the_analysis():
    g = nx.gnm_random_graph(60, 120, seed=3, directed=True)
    g = nx.relabel_nodes(g, {n: f"n{n}" for n in g})
    nx.set_edge_attributes(g, 1, "weight")
    a = analysis_with(g)
    before = (copy.deepcopy(a.labels), copy.deepcopy(a.metrics), nx.to_dict_of_dicts(g), dict(g.nodes(data=True)))
    for view in views_of(a):
        render_view(view, a)
    assert before == (a.labels, a.metrics, nx.to_dict_of_dicts(g), dict(g.nodes(data=True)))


def test_large_graphs_are_laid_out_beforehand_with_physics_off():
    g = nx.gnm_random_graph(400, 900, seed=1, directed=True)
    g = nx.relabel_nodes(g, {n: f"n{n}" for n in g})
    data, options, notes = view_data(View("references", "Who", "desc", g), analysis_with(g))
    assert len(data["nodes"]) == 400 and len(data["edges"]) == 900
    assert options["physics"]["enabled"] is False and all("x" in n and "y" in n for n in data["nodes"])
    assert notes == ["The layout was computed beforehand and physics is off, so that the page opens quickly."]


def test_trimming_keeps_the_most_central_and_says_what_was_left_out():
    g = nx.gnm_random_graph(400, 900, seed=1, directed=True)
    g = nx.relabel_nodes(g, {n: f"n{n}" for n in g})
    a = analysis_with(g)
    sub, left_out = trim(g, a.metrics["references"], 100)
    assert sub.number_of_nodes() == 100 and left_out == 300 and g.number_of_nodes() == 400
    ranked = sorted(a.metrics["references"].items(), key=lambda x: (-x[1]["pagerank"], x[0]))
    assert set(sub) == {n for n, _ in ranked[:100]}
    edges, dropped = trim_edges(g, 500)
    assert edges.number_of_edges() == 500 and dropped == 400 and edges.number_of_nodes() == 400


def test_a_view_above_the_limit_is_trimmed_with_a_note(monkeypatch):
    import kg.render.trimming

    monkeypatch.setattr(kg.render.trimming, "MAX_NODES", 50)
    g = nx.star_graph(80)
    g = nx.relabel_nodes(g, {n: f"n{n:02d}" for n in g})
    data, _, notes = view_data(View("concepts", "Ideas", "desc", g), analysis_with(g, "concepts"))
    assert len(data["nodes"]) == 50 and data["total"] == {"nodes": 81, "edges": 80}
    assert "n00" in {n["iri"] for n in data["nodes"]}  # the hub is the most central
    assert notes[0].startswith("This view shows the 50 most central of 81 nodes (by PageRank); 31 less central nodes")
    assert MAX_NODES == 5000


def test_layout_gives_every_node_a_place_and_keeps_components_apart():
    g = nx.disjoint_union(nx.complete_graph(5), nx.path_graph(4))
    pos = layout(g)
    assert sorted(pos) == list(range(9))
    left = [pos[n][0] for n in range(5)]
    right = [pos[n][0] for n in range(5, 9)]
    top = [pos[n][1] for n in range(5)]
    low = [pos[n][1] for n in range(5, 9)]
    assert max(left) < min(right) or max(right) < min(left) or max(top) < min(low) or max(low) < min(top)
    assert len(set(pos.values())) == 9


def test_markdown_escapes_names():
    assert md("a|b") == "a\\|b" and md("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert(1)\\>"
    assert md("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))" and md("two\nlines") == "two lines"


def test_report_shows_pictures_and_escapes_names(tmp_path):
    g = nx.DiGraph()
    g.add_node("p1", label=HOSTILE, kind="person")
    g.add_node("p2", label="B", kind="person")
    g.add_edge("p1", "p2", weight=3)
    a = analysis_with(g)
    stats = a.to_stats(documents=1, skipped=[])
    files = write_report(a, stats, tmp_path)
    assert sorted(p.name for p in files) == ["references.svg", "report.md"]
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "![Who references whom](figures/references.svg)" in text
    assert not re.search(r"(?<!\\)<", text) and "\\<img src=x" in text  # every < is escaped
    svg = (tmp_path / "figures" / "references.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<script" not in svg and "&lt;/script&gt;&lt;script&gt;alert(1)" in svg
    assert svg.count("<circle") == 2 + 1  # two nodes and the legend's one kind
    assert "| B | 3 |" in to_markdown(a, stats)  # most cited people


LAYOUT_SCRIPT = """
import json, networkx as nx
from kg.layout import layout
g = nx.barabasi_albert_graph(300, 1, seed=3)  # a tree: most nodes are leaves around a small core
g = nx.relabel_nodes(g, {n: f"https://kg.example/concept/c{n}" for n in g})
g.add_edges_from([("x1", "x2"), ("x2", "x3")])
print(json.dumps(sorted(layout(g).items())))
"""


def test_the_layout_is_the_same_in_every_process_and_for_any_insertion_order():
    import os
    import subprocess
    import sys

    runs = {subprocess.run([sys.executable, "-c", LAYOUT_SCRIPT], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2, 3)}
    assert len(runs) == 1  # string hashing, and so set order, differs in each
    g = nx.gnm_random_graph(80, 120, seed=5)
    backwards = nx.Graph()
    backwards.add_nodes_from(reversed(list(g.nodes)))
    backwards.add_edges_from((v, u) for u, v in reversed(list(g.edges)))
    assert layout(g) == layout(backwards)


def test_a_picture_does_not_depend_on_edge_order_or_direction():
    from kg.report.figures import graph_svg

    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    h = nx.Graph([("d", "c"), ("a", "c"), ("c", "b"), ("b", "a")])
    pos = layout(g)
    args = dict(title="T", labels={n: n for n in g}, colors={n: "#000" for n in g}, sizes={n: 0.5 for n in g})
    assert graph_svg(g, pos, **args) == graph_svg(h, pos, **args)


def test_a_trimmed_view_does_not_depend_on_the_direction_edges_were_added_in():
    g = nx.Graph()
    g.add_edges_from((f"n{i}", f"n{i + 1}", {"weight": 1}) for i in range(30))
    h = nx.Graph()
    h.add_edges_from((v, u, d) for u, v, d in reversed(list(g.edges(data=True))))
    kept_g, _ = trim_edges(g, 10)
    kept_h, _ = trim_edges(h, 10)
    assert {frozenset(e) for e in kept_g.edges} == {frozenset(e) for e in kept_h.edges}
    data_g, _, _ = view_data(View("concepts", "Ideas", "desc", g), analysis_with(g, "concepts"))
    data_h, _, _ = view_data(View("concepts", "Ideas", "desc", h), analysis_with(h, "concepts"))
    assert data_g["edges"] == data_h["edges"]
