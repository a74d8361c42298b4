"""Interactive views: networkx projections become self-contained pyvis HTML pages.

Input: an :class:`~kg.analyze.Analysis` and the headline figures. Output: one HTML page
per projection plus ``index.html``, in a folder. Each page inlines the vis-network script
and stylesheet that ship inside the pyvis package and loads nothing from the network (its
Content-Security-Policy forbids it). Text from documents reaches the page only as JSON
data, escaped by the template, and is put into the page with ``textContent``, so it can
never run as script.

Large graphs stay usable: above :data:`MAX_NODES` the view keeps the most central nodes and
says what it left out, and above :data:`PHYSICS_LIMIT` the layout is computed beforehand
and physics is off.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.analyze import Analysis
from kg.files import write_text

MAX_NODES = 5000
PHYSICS_LIMIT = 300

KIND_COLORS = {
    "person": "#1f77b4",
    "organisation": "#ff7f0e",
    "post": "#7f7f7f",
    "work": "#2ca02c",
    "concept": "#9467bd",
    "other": "#8c564b",
}
KIND_LABELS = {"person": "Person", "organisation": "Organisation", "post": "Post (author unknown)",
               "work": "Work", "concept": "Concept", "other": "Other"}
COMMUNITY_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                    "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295", "#a0cbe8", "#ffbe7d"]


@dataclass(frozen=True)
class View:
    """One page: its file, title, description and the graph it draws."""

    name: str
    title: str
    description: str
    graph: nx.Graph
    color_by: str  # kind | community
    weight: str = "weight"


def _assets() -> tuple[str, str]:
    """The vis-network script and stylesheet bundled with pyvis (offline copies)."""
    lib = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2")
    return lib.joinpath("vis-network.min.js").read_text(encoding="utf-8"), lib.joinpath("vis-network.css").read_text(encoding="utf-8")


def _template() -> Any:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)
    source = resources.files("kg.templates").joinpath("view.html").read_text(encoding="utf-8")
    return env.from_string(source)


def trim(graph: nx.Graph, metrics: dict[str, dict[str, float]], limit: int = MAX_NODES) -> tuple[nx.Graph, int]:
    """The ``limit`` nodes of highest PageRank (ties by name) and the edges among them.

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> m = {"a": {"pagerank": .2}, "b": {"pagerank": .6}, "c": {"pagerank": .2}}
    >>> sub, left_out = trim(g, m, 2)
    >>> sorted(sub.nodes), left_out
    (['a', 'b'], 1)
    """
    if graph.number_of_nodes() <= limit:
        return graph, 0
    ranked = sorted(graph.nodes, key=lambda n: (-metrics.get(n, {}).get("pagerank", 0.0), str(n)))
    keep = set(ranked[:limit])
    return graph.subgraph(keep).copy(), graph.number_of_nodes() - limit


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Fixed positions for large graphs (physics off), deterministic."""
    if graph.number_of_nodes() == 0:
        return {}
    undirected = graph.to_undirected() if graph.is_directed() else graph
    iterations = 50 if graph.number_of_nodes() < 2000 else 25
    pos = nx.spring_layout(undirected, seed=42, iterations=iterations, weight=None)
    scale = 40.0 * max(graph.number_of_nodes(), 1) ** 0.5
    return {n: (round(float(x) * scale, 2), round(float(y) * scale, 2)) for n, (x, y) in pos.items()}


def view_data(view: View, analysis: Analysis) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """The JSON a page draws, its vis-network options, and the note on trimming."""
    from pyvis.network import Network

    metrics = analysis.metrics.get(view.name, {})
    graph, left_out = trim(view.graph, metrics)
    parts = analysis.communities.get(view.name, [])
    community_of = {n: i for i, part in enumerate(parts) for n in part}
    big = graph.number_of_nodes() > PHYSICS_LIMIT
    positions = layout(graph) if big else {}
    directed = graph.is_directed()
    net = Network(directed=directed, cdn_resources="in_line")
    ranks = [m.get("pagerank", 0.0) for m in metrics.values()] or [1.0]
    top = max(ranks) or 1.0
    nodes = []
    for n in sorted(graph.nodes, key=str):
        data = graph.nodes[n]
        kind = data.get("kind", "other")
        m = metrics.get(n, {})
        c = community_of.get(n, -1)
        color = KIND_COLORS.get(kind, KIND_COLORS["other"]) if view.color_by == "kind" else COMMUNITY_COLORS[c % len(COMMUNITY_COLORS)]
        name = analysis.labels.get(n, data.get("label", str(n)))
        options: dict[str, Any] = {
            "name": name, "kind": kind, "kindLabel": KIND_LABELS.get(kind, kind), "community": c,
            "communityLabel": f"community {c + 1}" if c >= 0 else "",
            "aliases": analysis.aliases.get(n, []),
            "documents": analysis.documents_of.get(n, []),
            "evidence": _node_evidence(view, analysis, graph, n),
            "metrics": _metric_text(m),
            "searchText": " ".join([name, *analysis.aliases.get(n, [])]).lower(),
            "size": round(10 + 30 * (m.get("pagerank", 0.0) / top) ** 0.5, 2),
            "font": {"size": 14},
        }
        if n in positions:
            options["x"], options["y"] = positions[n]
        net.add_node(n, label=_short(name), color=color, shape="dot", **options)
        nodes.append(n)
    weights = []
    for i, (u, v, data) in enumerate(sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))):
        w = float(data.get(view.weight, 1.0))
        value = data.get("count", w) if view.name == "concepts" else w
        weights.append(value)
        key = f"{u} -> {v}"
        evidence = analysis.evidence.get(key, []) if view.name == "references" else []
        summary = (f"{data.get('count', 0)} shared text windows, NPMI {data.get('npmi', 0):.2f}" if view.name == "concepts"
                   else f"{int(w)} citation{'s' if w != 1 else ''}")
        net.add_edge(u, v, id=f"e{i}", value=value, width=1 + min(value, 10) * 0.6,
                     fromName=analysis.labels.get(u, str(u)), toName=analysis.labels.get(v, str(v)),
                     summary=summary, evidence=evidence[:20])
    options = {
        "nodes": {"borderWidth": 1},
        "edges": {"smooth": False, "color": {"opacity": 0.6}, "arrows": {"to": {"enabled": directed, "scaleFactor": 0.5}}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big},
        "physics": {"enabled": not big, "stabilization": {"iterations": 200},
                    "barnesHut": {"gravitationalConstant": -8000, "springLength": 140}},
    }
    net.options = options
    kinds_present: dict[str, int] = {}
    for node in net.nodes:
        kinds_present[node["kind"]] = kinds_present.get(node["kind"], 0) + 1
    if view.color_by == "kind":
        legend = [{"label": KIND_LABELS.get(k, k), "color": KIND_COLORS.get(k, KIND_COLORS["other"])} for k in sorted(kinds_present)]
    else:
        legend = [{"label": f"community {i + 1}: " + ", ".join(analysis.labels.get(x, x) for x in part[:3]),
                   "color": COMMUNITY_COLORS[i % len(COMMUNITY_COLORS)]} for i, part in enumerate(parts[:14])]
    max_weight = max(weights) if weights else 1
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "legend": legend,
        "kinds": [{"kind": k, "label": KIND_LABELS.get(k, k), "count": c} for k, c in sorted(kinds_present.items())],
        "communities": [{"id": i, "label": f"community {i + 1} ({len(p)} nodes)"} for i, p in enumerate(parts) if any(n in graph for n in p)],
        "maxWeight": max_weight,
        "weightStep": 1 if all(float(w).is_integer() for w in weights) else 0.1,
    }
    note = None
    if left_out:
        note = (f"This view shows the {graph.number_of_nodes()} most central of {view.graph.number_of_nodes()} nodes; "
                f"{left_out} less central nodes are left out (see stats.json and the GraphML export for all).")
    return data, options, note


def _node_evidence(view: View, analysis: Analysis, graph: nx.Graph, n: str) -> list[dict[str, str]]:
    if view.name != "references":
        return []
    out: list[dict[str, str]] = []
    edges = list(graph.in_edges(n)) + list(graph.out_edges(n)) if graph.is_directed() else list(graph.edges(n))
    for u, v in edges:
        for item in analysis.evidence.get(f"{u} -> {v}", []):
            if item not in out:
                out.append(item)
    return out[:12]


def _metric_text(m: dict[str, float]) -> str:
    if not m:
        return ""
    return f"degree {m.get('degree', 0)} · PageRank {m.get('pagerank', 0):.3f} · betweenness {m.get('betweenness', 0):.3f}"


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def views_of(analysis: Analysis) -> list[View]:
    """The views drawn for an analysis."""
    return [
        View("references", "Who references whom",
             "Authors of posts and comments, and the people and organisations they cite, quote or credit "
             "(directly or through a work). Arrows point from the citing author; width is the number of citations.",
             analysis.references, "kind"),
        View("concepts", "Which ideas connect",
             "Concepts named in the same or neighbouring sentences, weighted by normalised pointwise mutual "
             "information so that frequent concepts do not dominate. Colours are communities.",
             analysis.concepts, "community"),
    ]


def render_view(view: View, analysis: Analysis) -> str:
    """The HTML of one view."""
    data, options, note = view_data(view, analysis)
    vis_js, vis_css = _assets()
    return _template().render(title=view.title, description=view.description, data=data, options=options,
                              trimmed=note, vis_js=_safe_script(vis_js), vis_css=vis_css)


def _safe_script(js: str) -> Any:
    from markupsafe import Markup

    # The bundled library is trusted code; it must not close its own script element.
    return Markup(js.replace("</script", "<\\/script"))


def render_index(views: list[View], stats: dict[str, Any]) -> str:
    """The index page: links to the views and the headline figures, all escaped."""
    counts = stats.get("counts", {})
    e = html.escape
    items = "".join(
        f'<li><a href="{e(v.name)}.html">{e(v.title)}</a> — {v.graph.number_of_nodes()} nodes, '
        f"{v.graph.number_of_edges()} edges<br><small>{e(v.description)}</small></li>"
        for v in views
    )
    figures = "".join(f"<tr><th>{e(str(k))}</th><td>{e(str(counts[k]))}</td></tr>"
                      for k in ("posts", "comments", "persons", "organisations", "concepts", "works", "citations", "affiliations")
                      if k in counts)
    cited = "".join(f"<li>{e(p['name'])} ({p['citations']})</li>" for p in stats.get("most_cited", {}).get("people", [])[:5])
    concepts = "".join(f"<li>{e(c['name'])}</li>" for c in stats.get("central_concepts", [])[:5])
    skipped = stats.get("skipped", [])
    skipped_html = (f"<p>{len(skipped)} file(s) skipped:</p><ul>" + "".join(f"<li>{e(s)}</li>" for s in skipped[:50]) + "</ul>") if skipped else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>kg views</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em;color:#222}}
th{{text-align:left;padding-right:1em;font-weight:normal;color:#555}}li{{margin-bottom:.6em}}</style></head>
<body><h1>Knowledge graph of {stats.get('documents', 0)} documents</h1>
<h2>Views</h2><ul>{items}</ul>
<h2>Headline figures</h2><table>{figures}</table>
<h2>Most cited people</h2><ol>{cited}</ol>
<h2>Most central concepts</h2><ol>{concepts}</ol>
{skipped_html}
<p><small>Generated by kg. The report is in <code>report.md</code>, the figures in <code>stats.json</code>.</small></p>
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


__all__ = ["MAX_NODES", "PHYSICS_LIMIT", "View", "layout", "render_index", "render_view", "trim", "view_data", "views_of", "write_views"]
