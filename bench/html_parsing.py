"""How long the structure stage takes on HTML pages, and what the fallbacks would cost.

Input: a folder of HTML pages (default ``../shared/corpora/lemire-blog``). Output: a table
of milliseconds per page on stdout: lxml parsing alone, the whole ``parse_html``, and,
on a sample, trafilatura (the main-text fallback) and mf2py (read only on h-entry pages)
as they would cost if every page went through them.

    .venv/bin/python bench/html_parsing.py [FOLDER] [--sample N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lxml import etree

from kg.structure.html import parse_html, to_tree


def _ms_per_page(run, items) -> float:
    start = time.perf_counter()
    for item in items:
        run(item)
    return (time.perf_counter() - start) / len(items) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "corpora" / "lemire-blog")
    parser.add_argument("--sample", type=int, default=100, help="pages for the slow fallbacks")
    args = parser.parse_args()
    pages = [(p, p.read_text(encoding="utf-8")) for p in sorted(args.folder.rglob("*.html"))]
    if not pages:
        raise SystemExit(f"no HTML page under {args.folder}")
    sample = pages[:: max(1, len(pages) // args.sample)][: args.sample]

    import mf2py
    import trafilatura

    rows = [
        ("lxml parse only", len(pages), _ms_per_page(lambda p: to_tree(p[1]), pages)),
        ("parse_html (kg, whole post)", len(pages), _ms_per_page(lambda p: parse_html(str(p[0]), p[1]), pages)),
        ("trafilatura bare_extraction", len(sample), _ms_per_page(
            lambda p: trafilatura.bare_extraction(p[1], include_comments=False, include_links=True,
                                                  include_formatting=True, with_metadata=True), sample)),
        ("mf2py parse", len(sample), _ms_per_page(lambda p: mf2py.parse(doc=p[1], html_parser="lxml"), sample)),
    ]
    words = sum(len(" ".join(etree.fromstring(c.encode(), etree.HTMLParser()).itertext()).split()) for _, c in sample)
    print(f"{len(pages)} pages in {args.folder} ({words / len(sample):.0f} words a page on the sample)")
    print(f"{'step':32} {'pages':>6} {'ms/page':>8}")
    for name, n, ms in rows:
        print(f"{name:32} {n:>6} {ms:>8.2f}")


if __name__ == "__main__":
    main()
