"""The written report: ``report.md`` for readers who will not open a browser.

Input: an :class:`~kg.analyze.Analysis` and the figures of ``stats.json``.
Output: ``report.md`` in the output folder (counts per type, most cited people and works,
most central concepts, communities), written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.analyze import Analysis
from kg.files import write_text


def _table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def to_markdown(analysis: Analysis, stats: dict[str, Any]) -> str:
    """The report as Markdown text."""
    counts = stats["counts"]
    out = [f"# Knowledge graph report\n\n{stats['documents']} documents were read"]
    out[-1] += f"; {len(stats['skipped'])} file(s) were skipped.\n" if stats["skipped"] else ".\n"
    out.append("## Counts\n")
    out.append(_table(["type", "count"], [[k, counts[k]] for k in
                                          ("posts", "comments", "persons", "organisations", "concepts", "works", "citations", "affiliations")]))
    kinds = counts.get("citations_by_kind", {})
    if kinds:
        out.append("\nCitations by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.items()) + ".\n")
    cited = stats["most_cited"]
    out.append("\n## Most cited people\n")
    out.append(_table(["person", "citations"], [[p["name"], p["citations"]] for p in cited["people"]]) if cited["people"] else "None found.\n")
    out.append("\n## Most cited organisations\n")
    out.append(_table(["organisation", "citations"], [[p["name"], p["citations"]] for p in cited["organisations"]]) if cited["organisations"] else "None found.\n")
    out.append("\n## Most cited works\n")
    out.append(_table(["work", "citations"], [[w["name"], w["citations"]] for w in cited["works"]]) if cited["works"] else "None found.\n")
    out.append("\n## Most central concepts\n\nRanked by PageRank in the concept co-occurrence graph.\n\n")
    out.append(_table(["concept", "PageRank", "degree", "documents"],
                      [[c["name"], f"{c['pagerank']:.3f}", c["degree"], c["documents"]] for c in stats["central_concepts"]])
               if stats["central_concepts"] else "None found.\n")
    out.append("\n## Communities\n")
    ref = stats["references"]
    out.append(f"\nThe reference graph has {ref['nodes']} nodes and {ref['edges']} edges in {len(ref['communities'])} communities.\n\n")
    for i, c in enumerate(ref["communities"][:10], 1):
        out.append(f"{i}. {', '.join(c[:12])}{' …' if len(c) > 12 else ''}\n")
    con = stats["concepts"]
    out.append(f"\nThe concept graph has {con['nodes']} nodes and {con['edges']} edges in {len(con['communities'])} communities.\n\n")
    for i, c in enumerate(con["communities"][:10], 1):
        out.append(f"{i}. {', '.join(c[:12])}{' …' if len(c) > 12 else ''}\n")
    if con.get("bridges"):
        out.append(f"\nConcepts that bridge communities: {', '.join(con['bridges'])}.\n")
    if stats["skipped"]:
        out.append("\n## Skipped files\n\n" + "".join(f"- {s}\n" for s in stats["skipped"]))
    return "".join(out)


def write_report(analysis: Analysis, stats: dict[str, Any], out: Path) -> list[Path]:
    """Write ``report.md``; returns the files written."""
    path = out / "report.md"
    write_text(path, to_markdown(analysis, stats))
    return [path]
