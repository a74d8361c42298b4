"""The data of one view: a projection as the JSON its page draws, and its options.

Input: a :class:`View` and the :class:`~kg.analyze.Analysis`. Output: plain data for the
template (nodes with integer ids, names, aliases, facts, documents and evidence; edges
with weights and evidence; sentences and documents stored once and referred to by index),
the vis-network options, and notes on what was left out.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

import kg.render.trimming as trimming
from kg.analyze import Analysis, community_of
from kg.analyze.metrics import edge_count, iter_edges
from kg.layout import KeptLayouts, layout
from kg.render.trimming import largest_components, most_central, strongest, subgraph

log = logging.getLogger(__name__)

#: Above this many nodes or edges a page keeps fewer sentences per node (3) and edge (1).
TERSE_LIMIT = 2000
#: Longer sentences are cut in a page (the graph keeps them whole).
SENTENCE_CHARS = 400
PHYSICS_LIMIT = 300
#: Pixels between a node and its nearest neighbour (median) in the drawing: the page
#: zooms to fit, so this sets how large nodes look against the spaces between them.
SPACING = 60.0

KIND_COLORS = {
    "person": "#1f77b4", "organisation": "#ff7f0e", "work": "#2ca02c", "concept": "#9467bd", "post": "#7f7f7f",
    "comment": "#17becf", "pingback": "#bcbd22", "trackback": "#bcbd22", "other": "#8c564b",
}
KIND_LABELS = {"person": "Person", "organisation": "Organisation", "work": "Work", "concept": "Concept", "post": "Post",
               "comment": "Comment", "pingback": "Pingback", "trackback": "Trackback", "other": "Other"}
COMMUNITY_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                    "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8", "#ffbe7d", "#8cd17d"]
OTHER_COMMUNITY = "#c7c7c7"
#: Communities offered by the community filter (the largest ones).
COMMUNITY_LIMIT = 100


@dataclass(frozen=True)
class View:
    """One page: its file name, title, description, the graph it draws and how.

    Attributes:
        color_by: ``kind`` or ``community`` (the reader can switch on the page).
        weight_label: what an edge's weight counts, for the minimum-weight filter.
        evidence_first: ``edges`` (a node's citations first) or ``mentions`` (the
            sentences naming it first).
    """

    name: str
    title: str
    description: str
    graph: nx.Graph
    color_by: str = "kind"
    weight_label: str = "citations"
    evidence_first: str = "edges"
    edge_value: str = "weight"
    trim_by: str = "centrality"  # or "components": whole threads, largest first


def views_of(analysis: Analysis) -> list[View]:
    """The views drawn for an analysis, one per projection."""
    g = analysis.graphs
    return [
        View("references", "Who references whom",
             "Authors of posts and comments and the people, organisations and works they cite, quote or credit. "
             "A cited work counts for its author where it has one. Arrows point from the citing author; "
             "width is the number of citations.", g["references"]),
        View("posts", "Which posts cite which",
             "Posts of the corpus that cite, link to or ping back another post of the corpus (directly or in a comment). "
             "Colours are communities.", g["posts"], color_by="community"),
        View("concepts", "Which ideas connect",
             "Concepts named in the same or neighbouring sentences, weighted by normalised pointwise mutual "
             "information so that frequent concepts do not dominate. Colours are communities.",
             g["concepts"], color_by="community", weight_label="shared passages", evidence_first="mentions",
             edge_value="count"),
        View("discussion", "How threads unfold",
             "Posts and their comments; an arrow joins a comment to the post or comment it replies to.",
             g["discussion"], weight_label="replies", evidence_first="mentions", trim_by="components"),
        View("people-concepts", "Who talks about what",
             "Authors of posts and comments and the concepts they name in what they write; "
             "width is the number of posts and comments.", g["people-concepts"], weight_label="posts and comments"),
    ]


class _Table:
    """Documents and sentences shared by the nodes and edges of one page (each once)."""

    def __init__(self) -> None:
        self.documents: list[str] = []
        self.sentences: list[list[Any]] = []
        self._doc: dict[str, int] = {}
        self._sent: dict[tuple[str, str, str], int] = {}

    def document(self, name: str) -> int:
        if name not in self._doc:
            self._doc[name] = len(self.documents)
            self.documents.append(name)
        return self._doc[name]

    def sentence(self, item: dict[str, str]) -> int:
        text = item.get("sentence", "")
        text = text if len(text) <= SENTENCE_CHARS else text[: SENTENCE_CHARS - 1] + "…"
        key = (text, item.get("document", ""), item.get("kind", ""))
        if key not in self._sent:
            self._sent[key] = len(self.sentences)
            self.sentences.append([key[0], self.document(key[1]), key[2]])
        return self._sent[key]


def view_data(view: View, analysis: Analysis, layouts: KeptLayouts | None = None
              ) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The JSON a page draws, its vis-network options, and notes on what was left out.

    Nodes and edges are vis-network's option dicts, as pyvis's ``Node`` and ``Edge`` make
    them (built here directly: thousands of objects cost more than the dicts they hold).
    ``layouts``: node positions kept between runs, to read and keep them in.
    """
    metrics = analysis.metrics.get(view.name, {})
    graph, nodes_left, edges_left, threads = _trimmed(view, metrics)
    parts = analysis.communities.get(view.name, [])
    index = community_of(parts)
    big = graph.number_of_nodes() > PHYSICS_LIMIT
    positions = layout(graph) if layouts is None else layouts.layout(graph)
    scale = _pixels_per_unit(positions)
    directed = graph.is_directed()
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    table = _Table()
    order = sorted(graph.nodes, key=str)
    ids = {n: i for i, n in enumerate(order)}
    shown = [metrics[n] for n in order if n in metrics]
    top = {k: max((m.get(k, 0.0) for m in shown), default=0.0) or 1.0 for k in ("pagerank", "degree", "betweenness")}
    edge_list = _edge_list(graph, ids)
    evidence = analysis.edge_evidence.get(view.name, {})
    terse = graph.number_of_nodes() > TERSE_LIMIT or len(edge_list) > TERSE_LIMIT
    per_node, per_edge = (3, 1) if terse else (6, 3)

    def edge_items(u: str, v: str) -> list[dict[str, str]]:
        return evidence.get((u, v)) or (evidence.get((v, u), []) if not directed else [])

    around = _incident(edge_list, directed)
    for n in order:
        kind = analysis.kinds.get(n)
        if kind is None:
            kind = graph.nodes[n].get("kind", "other")
        m = metrics.get(n, {})
        c = index.get(n, -1)
        name = analysis.label(n)
        items = _node_evidence(view, analysis, around.get(n, []), n, edge_items, per_node)
        docs = analysis.documents_of.get(n, [])
        x, y = positions.get(n, (0.0, 0.0))
        nodes.append({
            "id": ids[n], "label": _short(name), "shape": "dot", "x": round(x * scale, 1), "y": round(y * scale, 1),
            "iri": n, "name": name, "kind": kind, "community": c,
            "aliases": analysis.aliases.get(n, []),
            "facts": [list(f) for f in analysis.facts.get(n, [])],
            "docs": [table.document(d) for d in docs[:40]], "docsMore": max(0, len(docs) - 40),
            "ev": [table.sentence(e) for e in items],
            "mentions": analysis.mention_counts.get(n, 0),
            "m": [m.get("degree", 0), round(m.get("pagerank", 0.0) / top["pagerank"], 4),
                  round(m.get("betweenness", 0.0) / top["betweenness"], 4)],
            "metrics": _metric_text(m),
            "search": " ".join([name, *analysis.aliases.get(n, [])]).lower(),
        })
    weights = []
    arrows = {"arrows": "to"} if directed else {}
    for i, (u, v, data) in enumerate(edge_list):
        value = float(data.get(view.edge_value, data.get("weight", 1)))
        weights.append(value)
        items = edge_items(u, v)[:per_edge]
        edges.append({"id": i, "from": ids[u], "to": ids[v], **arrows, "w": value, "width": round(1 + min(value, 10) * 0.5, 2),
                      "summary": _edge_summary(view, data), "ev": [table.sentence(e) for e in items]})
    options = _options(directed, big)
    data = {
        "name": view.name,
        "directed": directed,
        "colorBy": view.color_by,
        "nodes": nodes,
        "edges": edges,
        "documents": table.documents,
        "sentences": table.sentences,
        "kinds": _kinds(nodes),
        "communities": _communities(parts, ids, analysis, metrics),
        "weight": _weight_range(weights, view.weight_label),
        "total": {"nodes": view.graph.number_of_nodes(), "edges": edge_count(view.graph)},
    }
    notes = []
    if nodes_left and threads:
        notes.append(f"This view shows the {threads:,} largest threads ({graph.number_of_nodes():,} of "
                     f"{view.graph.number_of_nodes():,} posts and comments); {nodes_left:,} posts and comments of smaller "
                     "threads are left out. stats.json and `kg export --format graphml` have them all.")
    elif nodes_left:
        notes.append(f"This view shows the {graph.number_of_nodes():,} most central of {view.graph.number_of_nodes():,} "
                     f"nodes (by PageRank); {nodes_left:,} less central nodes and their edges are left out. "
                     "stats.json and `kg export --format graphml` have them all.")
    if edges_left:
        notes.append(f"Only the {len(edge_list):,} strongest edges among them are drawn; "
                     f"{edges_left:,} weaker edges are left out.")
    if big:
        notes.append("The layout was computed beforehand and physics is off, so that the page opens quickly.")
    return data, options, notes


def _pixels_per_unit(positions: dict[Any, tuple[float, float]]) -> float:
    """How many pixels a layout unit becomes: the median distance from a node to its
    nearest neighbour is drawn as :data:`SPACING` pixels.

    >>> _pixels_per_unit({"a": (0, 0), "b": (0, 2), "c": (0, 5)})
    30.0
    """
    if len(positions) < 2:
        return SPACING
    import numpy as np
    from scipy.spatial import cKDTree

    xy = np.array(list(positions.values()), dtype=float)
    distance, _ = cKDTree(xy).query(xy, k=2)
    nearest = float(np.median(distance[:, 1]))
    return SPACING / nearest if nearest > 1e-6 else SPACING


def _trimmed(view: View, metrics: dict[str, dict[str, float]]) -> tuple[nx.Graph, int, int, int]:
    """What the page draws of its graph: at most :data:`~kg.render.trimming.MAX_NODES`
    nodes (the most central, or for the discussion the largest whole threads) and
    :data:`~kg.render.trimming.MAX_EDGES` edges (the strongest), built as one graph; and
    how many nodes and edges were left out, and how many threads were kept."""
    graph = view.graph
    keep: list | None = None
    threads = 0
    if graph.number_of_nodes() > trimming.MAX_NODES:
        if view.trim_by == "components":
            keep, threads = largest_components(graph, trimming.MAX_NODES)
        if not threads:  # or one thread larger than the page: its most central part
            keep = most_central(graph, metrics, trimming.MAX_NODES)
    edges = list(iter_edges(graph, None if keep is None else set(keep)))
    edges_left = max(0, len(edges) - trimming.MAX_EDGES)
    if edges_left:
        edges = strongest(edges, trimming.MAX_EDGES, view.edge_value, graph.is_directed())
    elif keep is None:
        return graph, 0, 0, 0
    nodes_left = 0 if keep is None else graph.number_of_nodes() - len(keep)
    return subgraph(graph, graph if keep is None else keep, edges), nodes_left, edges_left, threads


def _edge_list(graph: nx.Graph, ids: dict[str, int]) -> list[tuple[str, str, dict[str, Any]]]:
    """The edges ``(u, v, data)`` in the order of their ends' ids; an undirected edge goes
    from the end with the smaller id (its direction in the graph follows the order the
    graph was built in, which may follow set order)."""
    directed = graph.is_directed()
    edges = [(u, v, d) if directed or ids[u] <= ids[v] else (v, u, d) for u, v, d in iter_edges(graph)]
    return sorted(edges, key=lambda e: (ids[e[0]], ids[e[1]]))


def _incident(edges: list[tuple[str, str, dict[str, Any]]], directed: bool) -> dict[str, list[tuple[str, str, float]]]:
    """Each node's edges ``(u, v, weight)``, heaviest first (ties by name): a directed
    edge as it goes, an undirected one from the node, as networkx's ``in_edges`` +
    ``out_edges`` and ``edges(n)`` give them."""
    out: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for u, v, d in edges:
        w = float(d.get("weight", 1))
        out[u].append((u, v, w))
        if directed:
            out[v].append((u, v, w))
        elif v != u:
            out[v].append((v, u, w))
    for items in out.values():
        if directed:
            items.sort(key=lambda e: (-e[2], str(e[0]), str(e[1])))
        else:
            items.sort(key=lambda e: (-e[2], str(e[1])))
    return out


def _node_evidence(view: View, analysis: Analysis, edges: list[tuple[str, str, float]], n: str, edge_items: Any,
                   limit: int = 6) -> list[dict[str, str]]:
    """A node's sentences: from its heaviest edges in this view (``edges``, sorted) and
    from where it is named."""
    around: list[dict[str, str]] = []
    for u, v, _ in edges[:limit]:
        around.extend(edge_items(u, v)[:2])
    own = analysis.node_evidence.get(n, [])
    ordered = own + around if view.evidence_first == "mentions" else around + own
    out: list[dict[str, str]] = []
    seen = set()
    for item in ordered:
        key = (item.get("sentence"), item.get("document"))
        if key not in seen and item.get("sentence"):
            seen.add(key)
            out.append(item)
            if len(out) == limit:
                break
    return out


def _edge_summary(view: View, data: dict[str, Any]) -> str:
    if view.name == "concepts":
        return f"named together in {data.get('count', 0)} passage(s); NPMI {data.get('npmi', 0):.2f}"
    if view.name == "discussion":
        return "replies to"
    w = int(data.get("weight", 1))
    if view.name == "people-concepts":
        return f"named in {w} post(s) or comment(s)"
    return f"{w} citation{'s' if w != 1 else ''}"


def _options(directed: bool, big: bool) -> dict[str, Any]:
    return {
        "nodes": {"shape": "dot", "borderWidth": 1,
                  "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "color": {"color": "#9aa3ad", "highlight": "#222222", "hover": "#555555", "opacity": 0.7},
                  "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "multiselect": False},
        "layout": {"improvedLayout": False},
        "physics": {"enabled": not big, "stabilization": {"enabled": True, "iterations": 150, "fit": True},
                    "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "springConstant": 0.03,
                                  "avoidOverlap": 0.2}},
    }


def _kinds(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
    return [{"kind": k, "label": KIND_LABELS.get(k, k), "count": c, "color": KIND_COLORS.get(k, KIND_COLORS["other"])}
            for k, c in sorted(counts.items())]


def _communities(parts: list[list[str]], ids: dict[str, int], analysis: Analysis, metrics: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for i, part in enumerate(parts):
        shown = [n for n in part if n in ids]
        if not shown:
            continue
        lead = sorted(shown, key=lambda n: (-metrics.get(n, {}).get("pagerank", 0.0), analysis.label(n)))[:3]
        out.append({"id": i, "size": len(shown), "color": COMMUNITY_COLORS[i] if i < len(COMMUNITY_COLORS) else OTHER_COMMUNITY,
                    "label": f"{i + 1}: " + ", ".join(_short(analysis.label(n), 24) for n in lead)})
        if len(out) == COMMUNITY_LIMIT:  # a forest of threads has thousands; the filter lists the largest
            break
    return out


def _weight_range(weights: list[float], label: str) -> dict[str, Any]:
    integral = all(float(w).is_integer() for w in weights)
    low, high = (min(weights), max(weights)) if weights else (0.0, 0.0)
    return {"label": label, "min": low, "max": high, "step": 1 if integral else 0.05}


def _metric_text(m: dict[str, float]) -> str:
    if not m:
        return ""
    text = f"degree {m.get('degree', 0)}"
    if "in_degree" in m:
        text += f" (in {m['in_degree']}, out {m['out_degree']})"
    return text + f" · PageRank {m.get('pagerank', 0):.3f} · betweenness {m.get('betweenness', 0):.3f}"


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


__all__ = ["PHYSICS_LIMIT", "View", "view_data", "views_of"]
