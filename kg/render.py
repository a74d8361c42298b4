"""Interactive views: the projections become self-contained HTML pages and an index.

Input: an :class:`~kg.analyze.Analysis` and the figures of ``stats.json``. Output: one
HTML page per projection plus ``index.html``, in a folder.

pyvis is the data and options model (a :class:`pyvis.network.Network` per page); the page
itself is our own template, which inlines the vis-network script and stylesheet shipped
inside the pyvis package, so it loads nothing from the network (its
Content-Security-Policy forbids it). Text from documents reaches the page only as JSON
data, escaped by the template, and is put into the page with ``textContent``: it can never
run as script.

Large graphs stay usable: node positions are always computed here (:mod:`kg.layout`), and
above :data:`PHYSICS_LIMIT` nodes physics is off, so the first picture needs no
simulation; above :data:`MAX_NODES` nodes (or :data:`MAX_EDGES` edges) a page keeps the
most central nodes (the strongest edges) and says what it left out. Rendering never
changes the analysis it draws.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.analyze import Analysis, community_of
from kg.files import write_text
from kg.layout import layout

log = logging.getLogger(__name__)

MAX_NODES = 5000
MAX_EDGES = 20000
PHYSICS_LIMIT = 300
#: Pixels per layout unit (about one edge length).
SCALE = 70.0

KIND_COLORS = {
    "person": "#1f77b4", "organisation": "#ff7f0e", "work": "#2ca02c", "concept": "#9467bd", "post": "#7f7f7f",
    "comment": "#17becf", "pingback": "#bcbd22", "trackback": "#bcbd22", "other": "#8c564b",
}
KIND_LABELS = {"person": "Person", "organisation": "Organisation", "work": "Work", "concept": "Concept", "post": "Post",
               "comment": "Comment", "pingback": "Pingback", "trackback": "Trackback", "other": "Other"}
COMMUNITY_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                    "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8", "#ffbe7d", "#8cd17d"]
OTHER_COMMUNITY = "#c7c7c7"


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
             g["discussion"], weight_label="replies", evidence_first="mentions"),
        View("people-concepts", "Who talks about what",
             "Authors of posts and comments and the concepts they name in what they write; "
             "width is the number of posts and comments.", g["people-concepts"], weight_label="posts and comments"),
    ]


def trim(graph: nx.Graph, metrics: dict[str, dict[str, float]], limit: int = MAX_NODES) -> tuple[nx.Graph, int]:
    """The ``limit`` nodes of highest PageRank (ties by name) and the edges among them,
    and how many nodes were left out. The graph given is not changed.

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> m = {"a": {"pagerank": .2}, "b": {"pagerank": .6}, "c": {"pagerank": .2}}
    >>> sub, left_out = trim(g, m, 2)
    >>> sorted(sub.nodes), left_out
    (['a', 'b'], 1)
    """
    if graph.number_of_nodes() <= limit:
        return graph, 0
    ranked = sorted(graph.nodes, key=lambda n: (-metrics.get(n, {}).get("pagerank", 0.0), str(n)))
    return graph.subgraph(ranked[:limit]).copy(), graph.number_of_nodes() - limit


def trim_edges(graph: nx.Graph, limit: int = MAX_EDGES, value: str = "weight") -> tuple[nx.Graph, int]:
    """At most ``limit`` edges, the strongest by ``value`` (ties by name), with every node,
    and how many edges were left out. The graph given is not changed.

    >>> g = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1}), ("a", "c", {"weight": 2})])
    >>> sub, left_out = trim_edges(g, 2)
    >>> sorted(sub.edges), left_out, sub.number_of_nodes()
    ([('a', 'b'), ('a', 'c')], 1, 3)
    """
    if graph.number_of_edges() <= limit:
        return graph, 0
    ranked = sorted(graph.edges(data=True), key=lambda e: (-float(e[2].get(value, 1)), str(e[0]), str(e[1])))
    out = graph.__class__()
    out.add_nodes_from(graph.nodes(data=True))
    out.add_edges_from(ranked[:limit])
    return out, graph.number_of_edges() - limit


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
        key = (item.get("sentence", ""), item.get("document", ""), item.get("kind", ""))
        if key not in self._sent:
            self._sent[key] = len(self.sentences)
            self.sentences.append([key[0], self.document(key[1]), key[2]])
        return self._sent[key]


def view_data(view: View, analysis: Analysis) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The JSON a page draws, its vis-network options, and notes on what was left out."""
    from pyvis.network import Network

    metrics = analysis.metrics.get(view.name, {})
    graph, nodes_left = trim(view.graph, metrics, MAX_NODES)
    graph, edges_left = trim_edges(graph, MAX_EDGES, value=view.edge_value)
    parts = analysis.communities.get(view.name, [])
    index = community_of(parts)
    big = graph.number_of_nodes() > PHYSICS_LIMIT
    positions = layout(graph)
    directed = graph.is_directed()
    net = Network(directed=directed, cdn_resources="in_line")
    table = _Table()
    ids = {n: i for i, n in enumerate(sorted(graph.nodes, key=str))}
    top = {k: max((m.get(k, 0.0) for n, m in metrics.items() if n in ids), default=0.0) or 1.0
           for k in ("pagerank", "degree", "betweenness")}
    edge_ids: dict[tuple[str, str], int] = {}
    edge_list = sorted(graph.edges(data=True), key=lambda e: (ids[e[0]], ids[e[1]]))
    evidence = analysis.edge_evidence.get(view.name, {})

    def edge_items(u: str, v: str) -> list[dict[str, str]]:
        return evidence.get((u, v)) or (evidence.get((v, u), []) if not directed else [])

    for n in sorted(graph.nodes, key=lambda n: ids[n]):
        kind = analysis.kinds.get(n, graph.nodes[n].get("kind", "other"))
        m = metrics.get(n, {})
        c = index.get(n, -1)
        name = analysis.label(n)
        items = _node_evidence(view, analysis, graph, n, edge_items)
        docs = analysis.documents_of.get(n, [])
        x, y = positions.get(n, (0.0, 0.0))
        _add_node(
            net, ids[n], label=_short(name), x=round(x * SCALE, 1), y=round(y * SCALE, 1),
            iri=n, name=name, kind=kind, community=c,
            aliases=analysis.aliases.get(n, []),
            facts=[list(f) for f in analysis.facts.get(n, [])],
            docs=[table.document(d) for d in docs[:40]], docsMore=max(0, len(docs) - 40),
            ev=[table.sentence(e) for e in items],
            mentions=analysis.mention_counts.get(n, 0),
            m=[m.get("degree", 0), round(m.get("pagerank", 0.0) / top["pagerank"], 4),
               round(m.get("betweenness", 0.0) / top["betweenness"], 4)],
            metrics=_metric_text(m),
            search=" ".join([name, *analysis.aliases.get(n, [])]).lower(),
        )
    weights = []
    for u, v, data in edge_list:
        value = float(data.get(view.edge_value, data.get("weight", 1)))
        weights.append(value)
        items = edge_items(u, v)
        edge_ids[(u, v)] = len(edge_ids)
        _add_edge(net, ids[u], ids[v], id=edge_ids[(u, v)], w=value, width=round(1 + min(value, 10) * 0.5, 2),
                     summary=_edge_summary(view, data), ev=[table.sentence(e) for e in items])
    net.options = _options(directed, big)
    data = {
        "name": view.name,
        "directed": directed,
        "colorBy": view.color_by,
        "nodes": net.nodes,
        "edges": net.edges,
        "documents": table.documents,
        "sentences": table.sentences,
        "kinds": _kinds(net.nodes),
        "communities": _communities(parts, ids, analysis, metrics),
        "weight": _weight_range(weights, view.weight_label),
        "total": {"nodes": view.graph.number_of_nodes(), "edges": view.graph.number_of_edges()},
    }
    notes = []
    if nodes_left:
        notes.append(f"This view shows the {graph.number_of_nodes():,} most central of {view.graph.number_of_nodes():,} "
                     f"nodes (by PageRank); {nodes_left:,} less central nodes and their edges are left out. "
                     "stats.json and `kg export --format graphml` have them all.")
    if edges_left:
        notes.append(f"Only the {graph.number_of_edges():,} strongest edges among them are drawn; "
                     f"{edges_left:,} weaker edges are left out.")
    if big:
        notes.append("The layout was computed beforehand and physics is off, so that the page opens quickly.")
    return data, net.options, notes


def _add_node(net: Any, n_id: int, label: str, **options: Any) -> None:
    # Network.add_node and add_edge look for duplicates in lists, which is quadratic
    # (minutes for 20,000 edges); ids here are unique by construction, so the same option
    # objects are appended directly.
    from pyvis.node import Node

    node = Node(n_id, "dot", label=label, **options)
    net.nodes.append(node.options)
    net.node_ids.append(n_id)
    net.node_map[n_id] = node.options


def _add_edge(net: Any, source: int, to: int, **options: Any) -> None:
    from pyvis.edge import Edge

    net.edges.append(Edge(source, to, net.directed, **options).options)


def _node_evidence(view: View, analysis: Analysis, graph: nx.Graph, n: str, edge_items: Any, limit: int = 6) -> list[dict[str, str]]:
    """A node's sentences: from the edges it has in this view and from where it is named."""
    around: list[dict[str, str]] = []
    if graph.is_directed():
        edges = sorted(list(graph.in_edges(n, data=True)) + list(graph.out_edges(n, data=True)),
                       key=lambda e: (-float(e[2].get("weight", 1)), str(e[0]), str(e[1])))
    else:
        edges = sorted(graph.edges(n, data=True), key=lambda e: (-float(e[2].get("weight", 1)), str(e[1])))
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
    return out[:limit]


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


# --- pages ----------------------------------------------------------------------------------


def _assets() -> tuple[str, str]:
    """The vis-network script and stylesheet bundled with pyvis (offline copies)."""
    lib = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2")
    return lib.joinpath("vis-network.min.js").read_text(encoding="utf-8"), lib.joinpath("vis-network.css").read_text(encoding="utf-8")


def _template() -> Any:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)
    source = resources.files("kg.templates").joinpath("view.html").read_text(encoding="utf-8")
    return env.from_string(source)


def _safe_script(js: str) -> Any:
    from markupsafe import Markup

    # The bundled library is trusted code; it must not close its own script element.
    return Markup(js.replace("</script", "<\\/script"))


def render_view(view: View, analysis: Analysis) -> str:
    """The HTML of one view."""
    data, options, notes = view_data(view, analysis)
    vis_js, vis_css = _assets()
    return _template().render(title=view.title, description=view.description, data=data, options=options,
                              notes=notes, vis_js=_safe_script(vis_js), vis_css=vis_css)


def render_index(views: list[View], stats: dict[str, Any]) -> str:
    """The HTML of the index page: the views, headline figures and most cited."""
    e = html.escape
    items = "".join(
        f'<li><a href="{e(v.name)}.html">{e(v.title)}</a> — {v.graph.number_of_nodes():,} nodes, '
        f"{v.graph.number_of_edges():,} edges<br><small>{e(v.description)}</small></li>"
        for v in views
    )
    counts = stats.get("counts", {})
    figures = "".join(f"<tr><th>{e(str(k))}</th><td>{e(str(counts[k]))}</td></tr>"
                      for k in ("posts", "comments", "persons", "organisations", "concepts", "works", "citations", "affiliations")
                      if k in counts)
    cited = "".join(f"<li>{e(str(p['name']))} ({e(str(p['citations']))})</li>"
                    for p in stats.get("most_cited", {}).get("people", [])[:5])
    concepts = "".join(f"<li>{e(str(c['name']))}</li>" for c in stats.get("central_concepts", [])[:5])
    skipped = stats.get("skipped", [])
    skipped_html = (f"<p>{len(skipped)} file(s) skipped:</p><ul>" + "".join(f"<li>{e(str(s))}</li>" for s in skipped[:50])
                    + "</ul>") if skipped else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>kg views</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;color:#222}}
th{{text-align:left;padding-right:1em;font-weight:normal;color:#555}}li{{margin-bottom:.6em}}</style></head>
<body><h1>Knowledge graph of {e(str(stats.get('documents', 0)))} documents</h1>
<h2>Views</h2><ul>{items}</ul>
<h2>Headline figures</h2><table>{figures}</table>
<h2>Most cited people</h2><ol>{cited}</ol>
<h2>Most central concepts</h2><ol>{concepts}</ol>
{skipped_html}
<p><small>Generated by kg. The report is <code>report.md</code> beside this folder, the figures <code>stats.json</code>.</small></p>
</body></html>
"""


def write_views(analysis: Analysis, stats: dict[str, Any], folder: Path) -> list[Path]:
    """Write every view and the index into ``folder``; returns the files written."""
    views = views_of(analysis)
    written = []
    for view in views:
        path = folder / f"{view.name}.html"
        write_text(path, render_view(view, analysis))
        written.append(path)
    index = folder / "index.html"
    write_text(index, render_index(views, stats))
    written.append(index)
    return written


__all__ = ["MAX_EDGES", "MAX_NODES", "PHYSICS_LIMIT", "View", "render_index", "render_view", "trim", "trim_edges",
           "view_data", "views_of", "write_views"]
