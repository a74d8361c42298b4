"""Links as citations, and post-to-post citations in the built graph.

The expected citations between posts are read from the pages' markup here, with plain
lxml and a URL normalisation of the test's own: a link in a post's ``.entry-content`` to
another page's ``<link rel=canonical>``, or a pingback (trackback) item on a page whose
link is another page's canonical URL (the linking post cites the page).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from kg.structure.html import parse_html

TESTS = Path(__file__).resolve().parent
LEMIRE = TESTS / "data" / "lemire"
CORPUS = TESTS.parent.parent / "shared" / "corpora" / "lemire-blog"

PAGE = """<html><head><link rel="canonical" href="https://r.example/2020/05/on-links/"></head><body>
<article class="hentry"><h1 class="entry-title">On links</h1><div class="entry-content">
<p>The <a href="https://cra.org/taulbee/">Taulbee Survey</a> counts PhDs, as I wrote
<a href="https://r.example/2019/01/phds/">last year</a>. <a href="https://x.example/a">I can only agree</a>.</p>
<p>Jump to <a href="#comments">the comments</a> or <a href="https://r.example/2020/05/on-links/#respond">reply</a>;
mail <a href="mailto:r@r.example">me</a>; again the <a href="https://cra.org/taulbee/">survey</a>.</p>
<p>Source: <a href="https://www.example.org/report.pdf">https://www.example.org/report.pdf</a></p></div></article>
<ol class="comment-list"><li id="comment-1" class="comment depth-1"><div class="comment-author vcard">
<b class="fn"><a href="https://sam.example/" class="url">Sam</a></b></div>
<div class="comment-metadata"><time datetime="2020-05-02T10:00:00+00:00">May 2</time></div>
<div class="comment-content"><p>See <a href="https://sam.example/reply">Cuckoo Hashing Revisited</a>.</p></div></li>
<li id="comment-2" class="pingback depth-1"><div class="comment-body">Pingback:
<a href="https://r.example/2021/01/later/" class="url">A later post</a></div></li></ol></body></html>"""


def test_links_become_citations_with_named_works(nlp):
    from kg.extract import extract

    post = parse_html("on-links", PAGE)
    ex = extract(post, nlp, document="on-links.html", source="on-links.html")
    links = [(c.source, c.to_work, c.url, c.evidence.of(post.text)) for c in ex.citations if c.kind == "links_to"]
    assert links == [
        ("post", "Taulbee Survey", "https://cra.org/taulbee/", "Taulbee Survey"),
        ("post", None, "https://r.example/2019/01/phds/", "last year"),
        ("post", None, "https://x.example/a", "I can only agree"),
        ("post", None, "https://www.example.org/report.pdf", "https://www.example.org/report.pdf"),
        ("comment:1", "Cuckoo Hashing Revisited", "https://sam.example/reply", "Cuckoo Hashing Revisited"),
    ]
    pings = [(c.kind, c.to_work, c.url) for c in ex.citations if c.kind == "pingback"]
    assert pings == [("pingback", "A later post", "https://r.example/2021/01/later/")]
    works = {w.name: w.url for w in ex.works}
    assert works["Taulbee Survey"] == "https://cra.org/taulbee/" and works["Cuckoo Hashing Revisited"] == "https://sam.example/reply"


def _key(url: str) -> str:
    """The test's own URL normalisation: no scheme, ``www.``, fragment or trailing slash."""
    url = re.sub(r"^https?://(?:www\.)?", "", url.strip()).split("#", 1)[0]
    host, _, path = url.partition("/")
    return f"{host.lower()}/{path}".rstrip("/")


def _cls(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def read_pages(folder: Path) -> dict[str, etree._Element]:
    """Each page's parsed markup, by the key of its canonical URL."""
    parser = etree.HTMLParser(encoding="utf-8")
    pages = {}
    for path in sorted(folder.rglob("*.html")):
        root = etree.fromstring(path.read_bytes(), parser)
        pages[_key(root.xpath('//link[@rel="canonical"]/@href')[0])] = root
    return pages


def expected_citations(pages: dict[str, etree._Element]) -> set[tuple[str, str]]:
    """(citing page, cited page) pairs read from the markup."""
    pairs = set()
    for key, root in pages.items():
        for href in root.xpath(f'//div[{_cls("entry-content")}]//a/@href'):
            if _key(href) in pages and _key(href) != key:
                pairs.add((key, _key(href)))
        for href in root.xpath(f'//li[{_cls("pingback")} or {_cls("trackback")}]//a/@href'):
            if _key(href) in pages and _key(href) != key:
                pairs.add((_key(href), key))
    return pairs


def graph_citations(out: Path) -> set[tuple[str, str]]:
    from kg.store import open_graph, query, rows

    sparql = """
    SELECT ?from ?to WHERE {
      ?a cito:cites|cito:linksTo ?b .
      ?a a sioct:BlogPost ; foaf:page ?from .
      ?b a sioct:BlogPost ; foaf:page ?to .
      FILTER (?a != ?b)
    }"""
    return {(_key(r["from"]), _key(r["to"])) for r in rows(query(open_graph(out), sparql))}


def shipped(out: Path, name: str) -> list[dict]:
    from kg.analyze import load_query
    from kg.store import open_graph, query, rows

    return list(rows(query(open_graph(out), load_query(name))))


def expected_threads(pages: dict[str, etree._Element]) -> dict[str, tuple[int, int]]:
    """(comments, pingbacks and trackbacks) of every page, from its markup."""
    out = {}
    for key, root in pages.items():
        kinds = Counter(li.get("class").split()[0] for li in root.xpath('//li[starts-with(@id, "comment-")]'))
        out[key] = (kinds["comment"], kinds["pingback"] + kinds["trackback"])
    return out


def test_the_sample_graph_conforms_to_the_shapes(lemire_build):
    from kg.validate import validate_graph

    conforms, report = validate_graph(lemire_build / "kg.ttl")
    assert conforms, report


def test_links_between_sampled_posts_are_post_to_post_citations(lemire_build):
    expected = expected_citations(read_pages(LEMIRE))
    assert len(expected) == 6  # the sample was chosen for these
    assert graph_citations(lemire_build) == expected


def test_shipped_queries_on_the_sample(lemire_build):
    pages = read_pages(LEMIRE)
    counts = {_key(r["url"]): (r["comments"], r["pingbacks"]) for r in shipped(lemire_build, "comments-per-post.rq")}
    assert counts == expected_threads(pages)
    cited = Counter(to for _, to in expected_citations(pages))
    rows_ = shipped(lemire_build, "most-cited-posts.rq")
    assert {_key(r["url"]): r["citations"] for r in rows_} == dict(cited)
    assert [r["citations"] for r in rows_] == sorted(cited.values(), reverse=True)


def test_every_pingback_is_a_citation_of_its_page(lemire_build):
    from kg.store import open_graph, query, rows

    sparql = """
    SELECT ?to ?citing WHERE {
      ?c kg:citationKind "pingback" ; cito:hasCitingEntity ?citing ; cito:hasCitedEntity ?post .
      ?post foaf:page ?to .
    }"""
    found = [(_key(r["to"]), r["citing"]) for r in rows(query(open_graph(lemire_build), sparql))]
    pages = read_pages(LEMIRE)
    expected = Counter(key for key, root in pages.items()
                       for _ in root.xpath(f'//li[{_cls("pingback")} or {_cls("trackback")}]'))
    assert Counter(key for key, _ in found) == expected and sum(expected.values()) == 11
    # a pingback from another post of the corpus is cited by that post, not by a work
    posts = {r["post"] for r in rows(query(open_graph(lemire_build), "SELECT ?post WHERE { ?post a sioct:BlogPost }"))}
    from_posts = [href for root in pages.values()
                  for href in root.xpath(f'//li[{_cls("pingback")} or {_cls("trackback")}]//a/@href') if _key(href) in pages]
    assert sum(citing in posts for _, citing in found) == len(from_posts) == 6


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/lemire-blog is absent")
def test_whole_lemire_corpus_comments_and_most_cited_posts(tmp_path):
    """``kg build`` of the whole corpus answers, through the shipped SPARQL queries, the
    number of comments of every post and the most cited posts, as the HTML counts them."""
    from kg.config import Config
    from kg.pipeline import build

    result = build([CORPUS], tmp_path, Config())
    pages = read_pages(CORPUS)
    assert result.skipped == [] and result.documents == len(pages) == 1822
    counts = {_key(r["url"]): (r["comments"], r["pingbacks"]) for r in shipped(tmp_path, "comments-per-post.rq")}
    expected = expected_threads(pages)
    assert counts == expected
    assert sum(c for c, _ in counts.values()) + sum(p for _, p in counts.values()) == 11067
    cited = Counter(to for _, to in expected_citations(pages))
    rows_ = shipped(tmp_path, "most-cited-posts.rq")
    assert {_key(r["url"]): r["citations"] for r in rows_} == dict(cited)
    assert [r["citations"] for r in rows_] == sorted(cited.values(), reverse=True)
