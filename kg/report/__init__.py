"""The written report: ``report.md`` and its pictures, for readers who will not open a browser.

Input: an :class:`~kg.analyze.Analysis` and the figures of ``stats.json``.
Output: ``report.md`` in the output folder (counts, who references whom, who is cited
together, which ideas connect, which posts cite which, how threads unfold, who talks about
what, figures per year) and the SVG pictures it shows in ``figures/``, written atomically.
Names from documents are escaped for Markdown and for SVG.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.analyze import COUNTED, Analysis, community_of
from kg.analyze.metrics import edge_count, iter_edges
from kg.analyze.stats import first
from kg.collector import collection_paused
from kg.files import write_text
from kg.report.figures import bars_svg, graph_svg

if TYPE_CHECKING:
    from kg.layout import KeptLayouts

#: Nodes drawn in a picture (the most central ones).
PICTURE_NODES = 250
KIND_COLORS = {"person": "#1f77b4", "organisation": "#ff7f0e", "work": "#2ca02c", "concept": "#9467bd",
               "post": "#7f7f7f", "comment": "#17becf", "other": "#8c564b"}
COMMUNITY_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6"]
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: Any) -> str:
    r"""Text from documents, safe in a Markdown paragraph or table cell: markup
    characters are escaped, so a name cannot become a link, HTML or a table column.

    >>> md("<script>a|b</script> *x* [y](javascript:z)")
    '\\<script\\>a\\|b\\</script\\> \\*x\\* \\[y\\](javascript:z)'
    """
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(md(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _names(items: list[str], limit: int = 12) -> str:
    shown = ", ".join(md(x) for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _picture(analysis: Analysis, name: str, title: str, color_by: str, layouts: KeptLayouts | None = None
             ) -> tuple[str, int]:
    """The SVG of a projection's most central nodes, and how many nodes it shows."""
    from kg.layout import layout

    graph = analysis.graphs[name]
    metrics = analysis.metrics.get(name, {})
    keep = sorted(graph.nodes, key=lambda n: (-metrics.get(n, {}).get("pagerank", 0.0), str(n)))[:PICTURE_NODES]
    sub = graph.subgraph(keep)
    top = max((metrics.get(n, {}).get("pagerank", 0.0) for n in keep), default=0.0) or 1.0
    sizes = {n: (metrics.get(n, {}).get("pagerank", 0.0) / top) ** 0.5 for n in keep}
    labels = {n: analysis.label(n) for n in keep}
    if color_by == "community":
        parts = analysis.communities.get(name, [])
        index = community_of(parts)
        colors = {n: COMMUNITY_COLORS[index[n]] if index.get(n, 99) < len(COMMUNITY_COLORS) else "#c7c7c7" for n in keep}
        legend = [(", ".join(analysis.label(x) for x in sorted(p, key=lambda x: -metrics.get(x, {}).get("pagerank", 0.0))[:2]),
                   COMMUNITY_COLORS[i]) for i, p in enumerate(parts[:len(COMMUNITY_COLORS)]) if any(x in sub for x in p)]
    else:
        kinds = {n: analysis.kinds.get(n, "other") for n in keep}
        colors = {n: KIND_COLORS.get(k, KIND_COLORS["other"]) for n, k in kinds.items()}
        legend = [(k, KIND_COLORS.get(k, KIND_COLORS["other"])) for k in sorted(set(kinds.values()))]
    positions = layout(sub) if layouts is None else layouts.layout(sub)
    svg = graph_svg(sub, positions, title=title, labels=labels, colors=colors, sizes=sizes, legend=legend)
    return svg, len(keep)


def _threads(analysis: Analysis) -> tuple[list[list[Any]], int, int]:
    """The longest threads ``[title, comments, depth]``, threads with comments, posts."""
    graph = analysis.graphs["discussion"]
    posts = [n for n in graph.nodes if analysis.kinds.get(n) == "post"]
    rows = []
    answers = graph.reverse(copy=False)  # edges point from a reply to what it answers
    for post in posts:
        replies = nx.single_source_shortest_path_length(answers, post)
        if len(replies) > 1:
            rows.append([analysis.label(post), len(replies) - 1, max(replies.values())])
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return rows, len(rows), len(posts)


def to_markdown(analysis: Analysis, stats: dict[str, Any], figures: dict[str, str] | None = None) -> str:
    """The report as Markdown text; ``figures`` maps a picture's name to its path."""
    figures = figures or {}
    a = analysis
    counts = stats["counts"]
    projections = stats.get("projections", {})
    out = [f"# Knowledge graph report\n\n{stats['documents']} documents were read"]
    out[-1] += f"; {len(stats['skipped'])} file(s) were skipped.\n" if stats["skipped"] else ".\n"
    out.append("\n## Counts\n\n")
    out.append(_table(["type", "count"], [[k, counts.get(k, 0)] for k in COUNTED]))
    kinds = counts.get("citations_by_kind", {})
    if kinds:
        out.append("\nCitations by kind: " + ", ".join(f"{md(k)} {v}" for k, v in kinds.items()) + ".\n")

    if projections:
        out.append("\n## The projections\n\n")
        out.append(_table(["projection", "nodes", "edges", "density", "components", "communities", "most central"],
                          [[name, p["nodes"], p["edges"], f"{p.get('density', 0):.4f}", p.get("components", 0), p["communities"],
                            ", ".join(n["name"] for n in p["most_central"][:3])] for name, p in projections.items()]))
    ref = projections.get("references", {})
    out.append("\n## Who references whom\n\n")
    out.append(f"The reference graph joins the author of a post or comment to the people, organisations and works "
               f"it cites, quotes or credits; a cited work counts for its author where it has one. It has "
               f"{ref.get('nodes', 0)} nodes and {ref.get('edges', 0)} edges in {ref.get('communities', 0)} communities.\n")
    if "references" in figures:
        out.append(f"\n![Who references whom]({figures['references']})\n")
    edges = first(iter_edges(a.references), 10, key=lambda e: (-e[2]["weight"], a.label(e[0]), a.label(e[1])),
                  rank=lambda e: -e[2]["weight"])
    if edges:
        out.append("\nThe strongest references:\n\n")
        out.append(_table(["who", "references", "citations"], [[a.label(u), a.label(v), d["weight"]] for u, v, d in edges[:10]]))
    cited = stats["most_cited"]
    for title, key, column in (("Most cited people", "people", "person"), ("Most cited organisations", "organisations", "organisation"),
                               ("Most cited works", "works", "work")):
        out.append(f"\n### {title}\n\n")
        out.append(_table([column, "citations"], [[p["name"], p["citations"]] for p in cited[key]]) if cited[key] else "None found.\n")
    if ref.get("bridges"):
        out.append(f"\nBetween communities of the reference graph stand {_names(ref['bridges'])}.\n")
    if stats.get("co_citation"):
        out.append("\n### Cited together\n\nPairs cited by the same post or comment (co-citation), by the number of posts and comments that cite both.\n\n")
        out.append(_table(["cited", "and", "citing posts and comments"], [[*c["names"], c["citers"]] for c in stats["co_citation"][:10]]))

    con = projections.get("concepts", {})
    out.append("\n## Which ideas connect\n\n")
    out.append(f"Two concepts are joined when they are named in the same or neighbouring sentences, weighted by normalised "
               f"pointwise mutual information so that frequent concepts do not dominate. The concept graph has "
               f"{con.get('nodes', 0)} nodes and {con.get('edges', 0)} edges in {con.get('communities', 0)} communities.\n")
    if "concepts" in figures:
        out.append(f"\n![Which ideas connect]({figures['concepts']})\n")
    out.append("\n### Most central concepts\n\nRanked by PageRank in the concept co-occurrence graph.\n\n")
    out.append(_table(["concept", "PageRank", "degree", "documents"],
                      [[c["name"], f"{c['pagerank']:.3f}", c["degree"], c["documents"]] for c in stats["central_concepts"]])
               if stats["central_concepts"] else "None found.\n")
    pairs = first(iter_edges(a.concepts), 10,
                  key=lambda e: (-e[2].get("count", 0), -e[2].get("npmi", 0), a.label(e[0]), a.label(e[1])),
                  rank=lambda e: -e[2].get("count", 0))
    if pairs:
        out.append("\n### Concepts most often named together\n\n")
        out.append(_table(["concept", "and", "passages", "NPMI"], [[a.label(u), a.label(v), d["count"], f"{d['npmi']:.2f}"]
                                                                    for u, v, d in pairs[:10]]))
    if con.get("largest_communities"):
        out.append("\n### Communities of concepts\n\n")
        for i, c in enumerate(con["largest_communities"], 1):
            out.append(f"{i}. {_names(c['members'])}{' …' if c['size'] > len(c['members']) else ''} ({c['size']})\n")
    if con.get("bridges"):
        out.append(f"\nConcepts that bridge communities: {_names(con['bridges'])}.\n")

    posts = projections.get("posts", {})
    out.append("\n## Which posts cite which\n\n")
    if posts.get("edges"):
        out.append(f"{posts['nodes']} posts cite or are cited by another post of the corpus ({posts['edges']} links). "
                   "The most central:\n\n")
        out.append(_table(["post", "PageRank", "cited by"], [[p["name"], f"{p['pagerank']:.3f}", p.get("in_degree", 0)]
                                                            for p in posts["most_central"]]))
    else:
        out.append("No post of the corpus cites another post of the corpus.\n")

    rows, threads, total = _threads(a)
    out.append("\n## How threads unfold\n\n")
    out.append(f"{threads} of {total} posts have comments ({counts.get('comments', 0)} in all).")
    if rows:
        out.append(" The longest threads (depth: the longest chain of replies):\n\n")
        out.append(_table(["post", "comments", "depth"], rows[:10]))
    else:
        out.append("\n")
    authors = Counter(a.author_of[n] for n in a.graphs["discussion"].nodes if a.kinds.get(n) == "comment" and n in a.author_of)
    if authors:
        out.append("\nMost active commenters:\n\n")
        out.append(_table(["commenter", "comments"], [[a.label(p), c] for p, c in first(authors.items(), 10, key=lambda x: (-x[1], a.label(x[0])),
                                                                                         rank=lambda x: -x[1])]))

    people = a.graphs["people-concepts"]
    out.append("\n## Who talks about what\n\n")
    if edge_count(people):
        talk = first(iter_edges(people), 10, key=lambda e: (-e[2]["weight"], a.label(e[0]), a.label(e[1])),
                     rank=lambda e: -e[2]["weight"])
        out.append("Authors and the concepts they name most often in their posts and comments:\n\n")
        out.append(_table(["author", "concept", "posts and comments"],
                          [[a.label(u if a.kinds.get(u) != "concept" else v), a.label(v if a.kinds.get(u) != "concept" else u), d["weight"]]
                           for u, v, d in talk[:10]]))
    else:
        out.append("No author is known to name a concept.\n")

    years = stats.get("years", [])
    out.append("\n## Over time\n\n")
    if years:
        dated = sum(y["posts"] for y in years)
        out.append(f"{dated} of {counts.get('posts', 0)} posts are dated; comments without a date of their own count "
                   "in their post's year.\n\n")
        if "years" in figures:
            out.append(f"![Posts, comments and citations per year]({figures['years']})\n\n")
        out.append(_table(["year", "posts", "comments", "citations", "most cited", "concepts named in most posts"],
                          [[y["year"], y["posts"], y["comments"], y["citations"], ", ".join(c["name"] for c in y["most_cited"][:3]),
                            ", ".join(c["name"] for c in y["concepts"][:3])] for y in years]))
    else:
        out.append("No document is dated.\n")
    if stats["skipped"]:
        out.append("\n## Skipped files\n\n" + "".join(f"- {md(s)}\n" for s in stats["skipped"]))
    return "".join(out)


@collection_paused()
def write_report(analysis: Analysis, stats: dict[str, Any], out: Path, layouts: KeptLayouts | None = None) -> list[Path]:
    """Write ``report.md`` and its pictures (``figures/*.svg``); returns the files written
    (the garbage collector paused meanwhile, as in :func:`~kg.analyze.analyze`).
    ``layouts``: the pictures' node positions, kept between runs."""
    written = []
    figures: dict[str, str] = {}
    for name, title, color_by in (("references", "Who references whom", "kind"), ("concepts", "Which ideas connect", "community")):
        if analysis.graphs.get(name) is not None and analysis.graphs[name].number_of_nodes():
            svg, shown = _picture(analysis, name, title, color_by, layouts)
            path = out / "figures" / f"{name}.svg"
            write_text(path, svg)
            written.append(path)
            figures[name] = f"figures/{name}.svg"
    years = stats.get("years", [])
    if years:
        svg = bars_svg("Posts, comments and citations per year", [y["year"] for y in years],
                       [("posts", "#4e79a7", [y["posts"] for y in years]), ("comments", "#f28e2b", [y["comments"] for y in years]),
                        ("citations", "#59a14f", [y["citations"] for y in years])])
        path = out / "figures" / "years.svg"
        write_text(path, svg)
        written.append(path)
        figures["years"] = "figures/years.svg"
    path = out / "report.md"
    write_text(path, to_markdown(analysis, stats, figures))
    return [path, *written]


__all__ = ["md", "to_markdown", "write_report"]
