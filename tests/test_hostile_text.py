"""Names and text hostile to the outputs, through the whole pipeline: quotes, angle brackets,
backslashes, newlines, control characters, right-to-left marks, emoji, a 10,000-character
name, names that differ only by case or accents, in every input format. Every serialisation
parses with pyoxigraph and rdflib, every IRI is valid, the graph conforms to the shapes,
and no text reaches HTML or Markdown unescaped."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.config import Config
from kg.export import write_export
from kg.pipeline import build
from kg.store import open_graph, query, rows
from kg.validate import validate_graph

from .rdfcheck import check_rdf

SCRIPT = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
NASTY = 'Zoë "Q" O\'Brien <b>&amp;</b> \\back\\slash \u202eRTL\u202c \u200f 💥'
LONG = "Alexander " + "Longname" * 1249
MARKERS = ("<script>alert", "</script><script>", "<img", "<b>", '<a href="javascript:')


def write_hostile_corpus(folder: Path) -> Path:
    """One post per input format, each full of hostile names and text."""
    e = html.escape
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.html").write_text(f"""<!DOCTYPE html><html><head><title>{e(NASTY)} &#0;&#1;</title>
<link rel="canonical" href="https://hostile.example/posts/{e(NASTY)}"></head>
<body><article class="hentry"><h1 class="entry-title">{e(NASTY)}</h1>
<span class="author vcard"><span class="fn">{e(NASTY)}</span></span>
<div class="entry-content"><p>Mitch Lieberman wrote “{e(SCRIPT)}” in a post by Irving Wladawsky-Berger.
Martin Schneider said, “{e(IMG)} is the &#x1b;answer”. <a href="javascript:alert(3)">Alice Jones</a> wrote
<a href="https://ex.example/a&quot;b c/%zz">“The Guide”</a>.</p>
<p>A post by {LONG} about cloud computing.</p></div></article>
<ol class="comment-list">
<li class="comment"><div class="comment-author vcard"><cite class="fn">{e(NASTY)}</cite></div>
<div class="comment-content"><p>Mitch, {e("</script>")} rocks &#0;.</p></div></li>
<li class="comment"><div class="comment-author vcard"><cite class="fn">{LONG}</cite></div>
<div class="comment-content"><p>Zoë Müller agrees.</p></div></li>
<li class="comment"><div class="comment-author vcard"><cite class="fn">ZOË MÜLLER</cite></div>
<div class="comment-content"><p>Yes.</p></div></li>
<li class="comment"><div class="comment-author vcard"><cite class="fn">Zoe
Muller</cite></div><div class="comment-content"><p>Indeed.</p></div></li>
</ol></body></html>""", encoding="utf-8")
    (folder / "plain.txt").write_text(
        f"{NASTY} in a title\nAugust 1, 2009\nThis is a post by Mitch Lieberman about {NASTY}.\n"
        f"Irving Wladawsky-Berger wrote “{SCRIPT}”.\nA line with a\\nfake newline, a \\t tab and a \\u0000.\n\n"
        "1. Zoë Müller\nMitch, I agree.\n", encoding="utf-8")
    (folder / "note.md").write_text(
        f'---\ntitle: "{NASTY.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"\n'
        f"author: \"Zoë\\nMüller\"\nurl: https://hostile.example/md/{NASTY.replace(' ', '%20')}\n---\n"
        f"Martin Schneider wrote “{SCRIPT}” and {IMG} at [Alice Jones](javascript:alert(4)).\n", encoding="utf-8")
    (folder / "feed.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item>'
        f"<title>{e(SCRIPT)}</title><author>{e(NASTY)}</author><link>https://hostile.example/feed/1</link>"
        f"<description>{e('<p>Irving Wladawsky-Berger wrote “' + e(SCRIPT) + '”.</p>')}</description>"
        "</item></channel></rss>", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-text")
    corpus = write_hostile_corpus(root / "corpus")
    out = root / "out"
    result = build([corpus], out, Config())
    return out, result


def test_every_document_is_built(hostile_build):
    out, result = hostile_build
    assert result.skipped == [] and result.documents == 4


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld"])
def test_every_serialisation_parses_everywhere_with_valid_iris(hostile_build, fmt, tmp_path):
    out, _ = hostile_build
    if fmt in ("ttl", "trig"):
        data = (out / f"kg.{fmt}").read_bytes()
    else:
        data = write_export(out, fmt, tmp_path)[0].read_bytes()
    assert check_rdf(data, fmt) > 300


def test_the_graph_conforms_to_the_shapes(hostile_build):
    conforms, report = validate_graph(hostile_build[0] / "kg.ttl")
    assert conforms, report


def test_hostile_names_are_kept_whole(hostile_build):
    store = open_graph(hostile_build[0])
    names = {r["n"] for r in rows(query(store, "SELECT ?n WHERE { ?p a foaf:Person ; foaf:name ?n }"))}
    assert NASTY.split(" \u202e")[0] in " ".join(names)  # the author, as the page gives it
    assert f"Alexander {'Longname' * 1249}" in names
    long_iri = rows(query(store, f'SELECT ?p WHERE {{ ?p foaf:name "{LONG}" }}'))[0]["p"]
    assert len(long_iri) < 120
    titles = {r["t"] for r in rows(query(store, "SELECT ?t WHERE { ?p a sioct:BlogPost ; dcterms:title ?t }"))}
    assert SCRIPT in titles and any("\u202eRTL\u202c \u200f 💥" in t for t in titles)
    texts = "".join(r["s"] for r in rows(query(store, "SELECT ?s WHERE { ?c nif:isString ?s }")))
    assert "\x00" not in texts and "\x01" not in texts and "\x1b" not in texts  # control characters dropped
    assert "a\\nfake newline" in texts and IMG in texts


def test_names_that_differ_by_case_or_accents_are_one_person(hostile_build):
    store = open_graph(hostile_build[0])
    found = rows(query(store, """SELECT ?p ?n WHERE { ?p a foaf:Person ; foaf:name ?n
                                  FILTER (CONTAINS(LCASE(?n), "muller") || CONTAINS(LCASE(?n), "müller")) }"""))
    assert found == [{"p": "https://kg.example/person/zoe-muller", "n": "Zoë Müller"}]


def test_script_links_never_become_links(hostile_build):
    store = open_graph(hostile_build[0])
    targets = {r["t"] for r in rows(query(store, "SELECT ?t WHERE { ?s sioc:links_to|foaf:page|schema:url ?t }"))}
    assert targets and not any(t.lower().startswith("javascript") for t in targets)


def test_graphml_and_gexf_are_well_formed(hostile_build, tmp_path):
    out, _ = hostile_build
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        for path in write_export(out, fmt, tmp_path / fmt):
            read(path)


def outside_the_library(page: str) -> str:
    """The page without the inlined vis-network script (trusted code, not data)."""
    if "<script>" not in page:
        return page
    start = page.index("<script>") + len("<script>")
    return page[:start] + page[page.index("</script>", start):]


def test_views_report_and_stats_escape_everything(hostile_build):
    out, _ = hostile_build
    for path in sorted((out / "views").glob("*.html")):
        page = outside_the_library(path.read_text(encoding="utf-8"))
        scripts = 0 if path.name == "index.html" else 2  # the library's and the view's own
        assert page.count("<script") == scripts and page.count("</script") == scripts, path.name
        for marker in MARKERS:
            assert marker not in page, (path.name, marker)
        if path.name != "index.html":
            data = re.search(r"var DATA = (\{.*?\});\n", page).group(1)
            assert "<" not in data and ">" not in data and "&" not in data
            json.loads(data)
    report = (out / "report.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<", report)
    for svg in (out / "figures").glob("*.svg"):
        assert "<script" not in svg.read_text(encoding="utf-8")
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["documents"] == 4
