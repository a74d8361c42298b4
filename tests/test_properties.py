"""Property: whatever the documents say, the graph parses everywhere and the views escape it.

Hypothesis writes plain-text posts with comment threads and small HTML pages whose names,
sentences and links hold hostile text (markup, quotes, backslashes, control characters,
right-to-left marks, emoji, case and accent variants), builds them in-process with
:func:`kg.pipeline.build`, and checks: every file skipped is named with a one-line reason;
Turtle, TriG, N-Triples and JSON-LD parse with pyoxigraph and rdflib, every IRI valid;
the views hold no element that the template does not, and their data no ``<``; the
report escapes every ``<``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from pathlib import Path

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.config import Config
from kg.errors import DocumentError
from kg.export import write_export
from kg.pipeline import build

from .rdfcheck import check_rdf

SNIPPETS = ["</script>", "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "javascript:alert(3)",
            '"', "'", "\\", "&amp;", "&#0;", "&#x1b;", "<", ">", "&", "\u202e", "\u200f", "💥", "\x01", "\x0c", "\r",
            "\n", "\t", "“", "”", "»", "%zz", "{{", "}}", "@prefix", "<http://x/>", "_:b0", "#", "?"]
REAL_NAMES = ["Mitch Lieberman", "Irving Wladawsky-Berger", "Zoë Müller", "ZOË MÜLLER", "zoe muller", "Art King",
              "O'Brien", "Jean-Luc Picard", "Ståle Ødegård", "李小龍"]
ORGS = ["IBM", "Corporate Executive Board", "Sequoia Capital", "AT&T", "Foo <Bar> Inc."]

words = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=12)
fragment = st.lists(st.one_of(words, st.sampled_from(SNIPPETS), st.sampled_from(REAL_NAMES)), min_size=1,
                    max_size=5).map(" ".join)
name = st.one_of(st.sampled_from(REAL_NAMES),
                 st.tuples(st.sampled_from(["Alice", "Bob", "Zoë", "Chad"]), fragment).map(lambda t: f"{t[0]} {t[1].title()}"))
sentence = st.one_of(
    st.builds("{} wrote “{}” about {}.".format, name, fragment, fragment),
    st.builds("A post by {} at {}.".format, name, st.sampled_from(ORGS)),
    st.builds("Thanks to {} for {}.".format, name, fragment),
    st.builds('{} said, "{}".'.format, name, fragment),
    fragment,
)
href = st.one_of(st.sampled_from(["javascript:alert(1)", "https://ex.example/a b", "https://us\"er@ex.example:8080/%zz",
                                  "http://[::1]/x", "//ex.example/p", "mailto:x@y", "#top", "https://ex.example/\u202e"]),
                 fragment.map(lambda f: f"https://ex.example/{f}"))


@st.composite
def text_posts(draw) -> str:
    lines = [draw(fragment).replace("\n", " ") or "Title", "August 1, 2009", ""]
    lines += draw(st.lists(sentence, min_size=1, max_size=4))
    for k, (who, said) in enumerate(draw(st.lists(st.tuples(name, sentence), max_size=3)), 1):
        lines += ["", f"{k}. {who}", said]
    if draw(st.booleans()):
        lines += ["", f"Pingback: {draw(fragment)} » {draw(fragment)}"]
    return "\n".join(lines) + "\n"


@st.composite
def html_pages(draw) -> str:
    def text(value: str) -> str:  # mostly escaped text, sometimes raw markup
        return value if draw(st.integers(0, 5)) == 0 else html.escape(value)

    links = "".join(f' <a href="{html.escape(draw(href))}">{text(draw(name))}</a>' for _ in range(draw(st.integers(0, 2))))
    paragraphs = "".join(f"<p>{text(s)}{links}</p>" for s in draw(st.lists(sentence, min_size=1, max_size=3)))
    comments = "".join(
        f'<li class="comment"><div class="comment-author"><cite class="fn">{text(who)}</cite></div>'
        f'<div class="comment-content"><p>{text(said)}</p></div></li>'
        for who, said in draw(st.lists(st.tuples(name, sentence), max_size=3)))
    title = text(draw(fragment))
    return (f'<!DOCTYPE html><html><head><title>{title}</title><link rel="canonical" href="{html.escape(draw(href))}">'
            f'</head><body><article class="hentry"><h1 class="entry-title">{title}</h1>'
            f'<span class="author"><span class="fn">{text(draw(name))}</span></span>'
            f'<div class="entry-content">{paragraphs}</div></article><ol class="comment-list">{comments}</ol></body></html>')


corpora = st.tuples(st.lists(text_posts(), min_size=1, max_size=2), st.lists(html_pages(), max_size=2))

#: Elements of the view template and the index (anything else came from the data).
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "aside", "h1", "h2", "p", "div", "label", "input",
                 "select", "option", "span", "main", "script", "ul", "li", "a", "br", "small", "table", "tr", "th", "td",
                 "ol", "code", "button", "details", "summary", "strong", "em", "b", "section", "header", "nav", "abbr"}


def without_library(page: str) -> str:
    if "<script>" not in page:
        return page
    start = page.index("<script>") + len("<script>")
    return page[:start] + page[page.index("</script>", start):]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corpora)
def test_any_documents_give_parseable_rdf_and_escaped_views(documents):
    texts, pages = documents
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir()
        for k, text in enumerate(texts):
            (corpus / f"post-{k}.txt").write_text(text, encoding="utf-8")
        for k, page in enumerate(pages):
            (corpus / f"page-{k}.html").write_text(page, encoding="utf-8")
        (corpus / "anchor.txt").write_text("An anchor post\n\nMitch Lieberman wrote about the cloud.\n", encoding="utf-8")
        out = root / "out"
        result = build([corpus], out, Config())
        for err in result.skipped:
            assert isinstance(err, DocumentError) and err.path is not None and "\n" not in str(err)
        for fmt in ("ttl", "trig"):
            check_rdf((out / f"kg.{fmt}").read_bytes(), fmt)
        for fmt in ("nt", "jsonld"):
            check_rdf(write_export(out, fmt, root / fmt)[0].read_bytes(), fmt)
        for path in (out / "views").glob("*.html"):
            page = without_library(path.read_text(encoding="utf-8"))
            tags = {el.tag for el in lxml.html.document_fromstring(page).iter() if isinstance(el.tag, str)}
            assert tags <= TEMPLATE_TAGS, (path.name, tags - TEMPLATE_TAGS)
            if path.name != "index.html":
                assert page.count("<script") == 2 and page.count("</script") == 2
                assert "<" not in re.search(r"var DATA = (\{.*?\});\n", page).group(1)
        assert not re.search(r"(?<!\\)<", (out / "report.md").read_text(encoding="utf-8"))
        json.loads((out / "stats.json").read_text(encoding="utf-8"))
        shutil.rmtree(out)
