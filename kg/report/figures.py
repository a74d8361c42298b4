"""Static pictures for the report: SVG written directly, no plotting library.

Input: a graph with node positions, sizes and colours, or counts per year. Output: SVG
text. Every piece of text from documents is XML-escaped, so a picture opened in a browser
shows names literally and never runs them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

WIDTH = 960
HEIGHT = 680


def _text(x: float, y: float, text: str, size: float = 12, anchor: str = "start", fill: str = "#222", weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def graph_svg(
    graph: nx.Graph,
    positions: Mapping[Hashable, tuple[float, float]],
    *,
    title: str,
    labels: Mapping[Hashable, str],
    colors: Mapping[Hashable, str],
    sizes: Mapping[Hashable, float],
    legend: Sequence[tuple[str, str]] = (),
    labelled: int = 25,
) -> str:
    """A picture of a graph: edges, nodes (radius from ``sizes``, 0..1), the labels of
    the ``labelled`` largest nodes, a title and a legend of ``(label, colour)``.

    >>> g = nx.Graph([("a", "b")])
    >>> svg = graph_svg(g, {"a": (0, 0), "b": (1, 1)}, title="<T>", labels={"a": "A&B", "b": "b"},
    ...                 colors={"a": "#000", "b": "#111"}, sizes={"a": 1.0, "b": 0.5})
    >>> svg.startswith("<svg") and "&lt;T&gt;" in svg and "A&amp;B" in svg and svg.count("<circle") == 2
    True
    """
    top, left, right, bottom = 54, 20, 230 if legend else 20, 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'font-family="Helvetica, Arial, sans-serif">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
           _text(left, 30, title, 18, weight="bold")]
    nodes = [n for n in graph.nodes if n in positions]
    if nodes:
        xs = [positions[n][0] for n in nodes]
        ys = [positions[n][1] for n in nodes]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        w, h = WIDTH - left - right - 40, HEIGHT - top - bottom - 20
        scale = min(w / ((x1 - x0) or 1), h / ((y1 - y0) or 1))

        def at(n: Hashable) -> tuple[float, float]:
            x, y = positions[n]
            return left + 20 + (x - x0) * scale + (w - (x1 - x0) * scale) / 2, top + 10 + (y - y0) * scale + (h - (y1 - y0) * scale) / 2

        def radius(n: Hashable) -> float:
            return 2.5 + 11 * max(0.0, min(1.0, sizes.get(n, 0)))

        directed = graph.is_directed()
        if directed:  # arrowheads where an edge meets the node it points to
            out.append('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                       'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#7d8791"/></marker></defs>')
        out.append('<g stroke="#9aa3ad" stroke-opacity="0.6">')
        # in an order (and, undirected, a direction) of their own: a subgraph view iterates
        # in set order, which changes from one process to the next
        edges = [(u, v, data) if directed or str(u) <= str(v) else (v, u, data) for u, v, data in graph.edges(data=True)]
        for u, v, data in sorted(edges, key=lambda e: (str(e[0]), str(e[1]))):
            if u in positions and v in positions and u != v:
                (ax, ay), (bx, by) = at(u), at(v)
                width = 0.6 + min(float(data.get("weight", 1) or 1), 6) * 0.3
                end = ""
                if directed:
                    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5 or 1.0
                    cut = min(radius(v) + 1.5, length / 2)
                    bx, by = bx - (bx - ax) * cut / length, by - (by - ay) * cut / length
                    end = ' marker-end="url(#arrow)"'
                out.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke-width="{width:.2f}"{end}/>')
        out.append("</g>")
        order = sorted(nodes, key=lambda n: (sizes.get(n, 0), str(n)))
        out.append('<g stroke="#ffffff" stroke-width="0.8">')
        for n in order:
            x, y = at(n)
            r = radius(n)
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill={quoteattr(colors.get(n, "#888"))}>'
                       f"<title>{escape(labels.get(n, str(n)))}</title></circle>")
        out.append("</g>")
        for n in sorted(nodes, key=lambda n: (-sizes.get(n, 0), str(n)))[:labelled]:
            x, y = at(n)
            r = radius(n)
            name = labels.get(n, str(n))
            name = name if len(name) <= 32 else name[:31] + "…"
            out.append(f'<text x="{x + r + 2:.1f}" y="{y + 4:.1f}" font-size="11" fill="#222" stroke="#fff" '
                       f'stroke-width="3" paint-order="stroke">{escape(name)}</text>')
    for i, (name, color) in enumerate(legend):
        y = top + 14 + i * 20
        out.append(f'<circle cx="{WIDTH - right + 16}" cy="{y - 4}" r="6" fill={quoteattr(color)}/>')
        out.append(_text(WIDTH - right + 28, y, name if len(name) <= 30 else name[:29] + "…", 12))
    out.append("</svg>\n")
    return "\n".join(out)


def bars_svg(title: str, categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]]) -> str:
    """Grouped bars: one group per category (a year), one bar per ``(name, colour,
    values)`` series, with a legend.

    >>> svg = bars_svg("Per year", ["2009", "2013"], [("posts", "#4e79a7", [1, 2]), ("comments", "#f28e2b", [3, 0])])
    >>> svg.count("<rect") - 1, "2013" in svg
    (4, True)
    """
    width, height = WIDTH, 360
    top, left, bottom = 50, 50, 40
    plot_w, plot_h = width - left - 170, height - top - bottom
    peak = max((v for _, _, values in series for v in values), default=0) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="Helvetica, Arial, sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           _text(left, 30, title, 18, weight="bold"),
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>',
           _text(left - 6, top + 4, f"{peak:g}", 11, "end", "#555"),
           _text(left - 6, top + plot_h, "0", 11, "end", "#555")]
    group = plot_w / max(len(categories), 1)
    bar = group * 0.8 / max(len(series), 1)
    for i, category in enumerate(categories):
        gx = left + i * group + group * 0.1
        for j, (_, color, values) in enumerate(series):
            v = values[i] if i < len(values) else 0
            h = plot_h * v / peak
            out.append(f'<rect x="{gx + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{max(bar - 1, 1):.1f}" '
                       f'height="{h:.1f}" fill={quoteattr(color)}><title>{escape(f"{category}: {v:g}")}</title></rect>')
        if len(categories) <= 20 or i % max(1, len(categories) // 20) == 0:
            out.append(_text(gx + group * 0.4, top + plot_h + 16, category, 11, "middle", "#555"))
    for j, (name, color, _) in enumerate(series):
        y = top + 10 + j * 20
        out.append(f'<circle cx="{width - 150}" cy="{y - 4}" r="6" fill={quoteattr(color)}/>')
        out.append(_text(width - 138, y, name, 12))
    out.append("</svg>\n")
    return "\n".join(out)


__all__ = ["bars_svg", "graph_svg"]
