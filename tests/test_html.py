"""HTML pages: metadata, main text, comment threads and links, on real and literal pages.

``tests/data/lemire/`` holds 13 pages of ``../shared/corpora/lemire-blog`` (Daniel
Lemire's blog as WordPress renders it), chosen for: replies nested ten levels deep
(2016/03-14, 2016/11-23), pingbacks from other posts of the blog (2005/09-08, 2005/09-19,
2005/08-02, 2005/08-16), pingbacks without a link (2005/07-24), trackbacks (2004/05-16,
2016/03-14), posts that link to sampled posts (2006/08-16, 2006/10-23, 2007/11-16,
2007/11-19, 2005/08-17) and pages without comments (2006/08-16, 2006/10-23, 2007/11-16).
The expected threads are read from the markup here with plain lxml XPath, not with the
parser under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from kg.errors import DocumentError
from kg.structure.html import parse_html

LEMIRE = Path(__file__).resolve().parent / "data" / "lemire"
PAGES = sorted(LEMIRE.rglob("*.html"))


def _cls(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def _squeeze(text: str) -> str:
    return "".join(text.split())


def expected_thread(raw: bytes) -> list[tuple[str, str | None, str | None, int | None]]:
    """``(kind, author, date, parent)`` of every ``li#comment-N`` of a WordPress page."""
    root = etree.fromstring(raw, etree.HTMLParser(encoding="utf-8"))
    items = root.xpath('//li[starts-with(@id, "comment-")]')
    position = {li.get("id"): k for k, li in enumerate(items)}
    out = []
    for li in items:
        kind = li.get("class").split()[0]
        fn = li.xpath(f'./div[{_cls("comment-author")}]//*[{_cls("fn")}]')
        stamp = li.xpath(f'./div[{_cls("comment-metadata")}]/time/@datetime')
        parent = li.xpath('ancestor::li[starts-with(@id, "comment-")][1]/@id')
        out.append((
            kind,
            " ".join(fn[0].xpath("string()").split()) if fn else None,
            stamp[0][:10] if stamp else None,
            position[parent[0]] if parent else None,
        ))
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem[:30]}")
def test_every_comment_with_author_date_and_nesting(page):
    raw = page.read_bytes()
    post = parse_html("p", raw.decode("utf-8"))
    found = [(c.kind, c.author if c.kind == "comment" else None, c.date, c.parent) for c in post.comments]
    assert found == expected_thread(raw)
    # the words of each comment are those of its markup, in Post.text
    root = etree.fromstring(raw, etree.HTMLParser(encoding="utf-8"))
    words = root.xpath(f'//li[starts-with(@id, "comment-")]/div[{_cls("comment-content")}]')
    comments = [c for c in post.comments if c.kind == "comment"]
    assert [_squeeze(c.body.of(post.text)) for c in comments] == [_squeeze(w.xpath("string()")) for w in words]
    for c in comments:
        assert c.author_span is not None and c.author_span.of(post.text) == c.author
        assert c.span.contains(c.body) and c.span.contains(c.author_span)


def test_metadata_body_and_links_of_a_page():
    page = LEMIRE / "2007" / "11-16-uc-berkeley-holding-tribute-for-jim-gray.html"
    post = parse_html("p", page.read_text(encoding="utf-8"))
    text = post.text
    assert post.title == "UC Berkeley holding tribute for Jim Gray"
    assert post.title_span.of(text) == post.title
    assert (post.author, post.date) == ("Daniel Lemire", "2007-11-16")
    assert post.author_span.of(text) == "Daniel Lemire"
    assert post.url == "https://lemire.me/blog/2007/11/16/uc-berkeley-holding-tribute-for-jim-gray/"
    assert post.comments == ()
    root = etree.fromstring(page.read_bytes(), etree.HTMLParser(encoding="utf-8"))
    content = root.xpath(f'//div[{_cls("entry-content")}]')[0]
    assert _squeeze(post.body.of(text)) == _squeeze(content.xpath("string()"))
    anchors = [(" ".join(a.xpath("string()").split()), a.get("href")) for a in content.iter("a")]
    assert [(link.span.of(text), link.url) for link in post.links] == anchors
    assert all(post.body.contains(b.span) for b in post.blocks)


def test_pingbacks_name_the_linking_page():
    page = LEMIRE / "2005" / "09-08-make-your-publications-available-as-a-rss-feed.html"
    post = parse_html("p", page.read_text(encoding="utf-8"))
    pings = [(c.kind, c.url, c.source_title, c.body.of(post.text)) for c in post.comments if c.kind != "comment"]
    assert pings == [
        ("pingback", "https://lemire.me/blog/2006/08/16/get-an-rss-feed-of-your-favorite-researcher/",
         "Get an RSS feed of your favorite researcher", "Pingback: Get an RSS feed of your favorite researcher"),
        ("pingback", "https://lemire.me/blog/2006/10/23/nrc-sets-up-publication-rss-feeds-for-its-researchers/",
         "NRC sets up publication RSS feeds for its researchers",
         "Pingback: NRC sets up publication RSS feeds for its researchers"),
    ]


def test_pingback_without_link_names_site_and_title():
    page = LEMIRE / "2005" / "07-24-tall-dark-and-mysterious-goes-for-career-advice.html"
    post = parse_html("p", page.read_text(encoding="utf-8"))
    pings = [(c.source_site, c.source_title, c.url, c.author_span.of(post.text)) for c in post.comments]
    assert pings == [
        ("Tall, Dark, and Mysterious", "Succes is the best revenge", None, "Tall, Dark, and Mysterious"),
        ("Tall, Dark, and Mysterious", "Success is the best revenge", None, "Tall, Dark, and Mysterious"),
    ]


BLOGGER = """<html><head><title>Notes: On caching</title></head><body>
<div class="date-outer"><h2 class="date-header"><span>Sunday, March 3, 2013</span></h2>
<div class="post hentry"><h3 class="post-title entry-title">On caching</h3>
<div class="post-body entry-content">Caches <b>hide</b> latency.<br>Mostly.</div>
<span class="post-author vcard">Posted by <span class="fn">Gus Blogger</span></span></div></div>
<div class="comments" id="comments"><div class="comment-thread"><ol>
<li class="comment" id="c1"><div class="comment-block"><div class="comment-header">
<cite class="user"><a href="https://www.blogger.com/profile/1">Hana</a></cite>
<span class="datetime secondary-text"><a href="#c1">March 4, 2013 at 10:02 AM</a></span></div>
<p class="comment-content">Which caches?</p></div>
<div class="comment-replies"><div class="comment-thread inline-thread"><ol>
<li class="comment" id="c2"><div class="comment-block"><div class="comment-header"><cite class="user">Gus Blogger</cite>
<span class="datetime secondary-text"><a href="#c2">March 5, 2013 at 9:00 AM</a></span></div>
<p class="comment-content">All of them, Hana.</p></div></li></ol></div></div></li>
<li class="comment" id="c3"><div class="comment-block"><div class="comment-header"><cite class="user">Ivan</cite>
<span class="datetime secondary-text"><a href="#c3">March 6, 2013 at 1:00 PM</a></span></div>
<p class="comment-content">Nice.</p></div></li></ol></div></div></body></html>"""

BLOGGER_CLASSIC = """<html><body><div class="post hentry"><h3 class="post-title">Old school</h3>
<div class="post-body">Text.</div></div><div id="comments"><h4>2 comments:</h4><dl id="comments-block">
<dt class="comment-author" id="c7"><a name="c7"></a><a href="https://www.blogger.com/profile/9">Jo Commenter</a> said...</dt>
<dd class="comment-body"><p>First!</p></dd>
<dd class="comment-footer"><span class="comment-timestamp"><a href="#c7">May 1, 2008 10:00 AM</a></span></dd>
<dt class="comment-author" id="c8">Anonymous said...</dt><dd class="comment-body"><p>Second.</p></dd>
<dd class="comment-footer"><span class="comment-timestamp"><a href="#c8">May 2, 2008 11:00 AM</a></span></dd>
</dl></div></body></html>"""


def test_blogger_threaded_comments():
    post = parse_html("b", BLOGGER)
    assert (post.title, post.date, post.author) == ("On caching", "2013-03-03", "Gus Blogger")
    assert post.body.of(post.text) == "Caches hide latency.\nMostly."
    assert [(c.author, c.date, c.parent, c.body.of(post.text)) for c in post.comments] == [
        ("Hana", "2013-03-04", None, "Which caches?"),
        ("Gus Blogger", "2013-03-05", 0, "All of them, Hana."),
        ("Ivan", "2013-03-06", None, "Nice."),
    ]
    assert post.comments[0].url == "https://www.blogger.com/profile/1"


def test_blogger_classic_comments():
    post = parse_html("b", BLOGGER_CLASSIC)
    assert [(c.author, c.date, c.parent, c.body.of(post.text)) for c in post.comments] == [
        ("Jo Commenter", "2008-05-01", None, "First!"),
        ("Anonymous", "2008-05-02", None, "Second."),
    ]


MICROFORMATS = """<html><head><link rel="canonical" href="https://kim.example/notes/1"></head><body>
<article class="h-entry"><h1 class="p-name">Small notes</h1>
<a class="p-author h-card" href="https://kim.example/">Kim Writer</a>
<time class="dt-published" datetime="2021-06-01T08:00:00+02:00">June 1</time>
<div class="e-content"><p>Notes are <a href="https://indieweb.org/note">IndieWeb Notes</a>.</p></div>
<div class="p-comment h-cite" id="r1"><a class="u-url" href="https://kim.example/notes/1#r1">#</a>
<span class="p-author h-card"><span class="p-name">Lee</span></span>
<time class="dt-published" datetime="2021-06-02">June 2</time><p class="p-content">Agreed.</p>
<div class="p-comment h-cite"><span class="p-author h-card">Kim Writer</span>
<time class="dt-published" datetime="2021-06-03">June 3</time><p class="p-content">Thanks Lee.</p></div></div>
<div class="p-comment h-cite"><span class="p-author h-card">Max</span>
<a class="u-in-reply-to" href="https://kim.example/notes/1#r1">re</a>
<time class="dt-published" datetime="2021-06-04">June 4</time><p class="p-content">Me too.</p></div>
</article></body></html>"""


def test_microformats_entry_with_nested_and_in_reply_to_comments():
    post = parse_html("m", MICROFORMATS)
    assert (post.title, post.date, post.author, post.url) == (
        "Small notes", "2021-06-01", "Kim Writer", "https://kim.example/notes/1")
    assert post.body.of(post.text) == "Notes are IndieWeb Notes."
    assert [(c.author, c.date, c.parent, c.body.of(post.text)) for c in post.comments] == [
        ("Lee", "2021-06-02", None, "Agreed."),
        ("Kim Writer", "2021-06-03", 0, "Thanks Lee."),
        ("Max", "2021-06-04", 0, "Me too."),
    ]


JSON_LD = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Site"},
 {"@type": "BlogPosting", "headline": "Structured data", "datePublished": "2019-09-09T10:00:00Z",
  "author": {"@type": "Person", "name": "Nia Author"}, "url": "https://nia.example/structured-data",
  "articleBody": "First paragraph.\\n\\nSecond paragraph.",
  "comment": [{"@type": "Comment", "@id": "#c1", "author": {"name": "Oz"}, "dateCreated": "2019-09-10",
               "text": "Good one.", "comment": [{"@type": "Comment", "author": "Nia Author",
               "dateCreated": "2019-09-11", "text": "Thanks!"}]},
              {"@type": "Comment", "author": {"name": "Pat"}, "dateCreated": "2019-09-12",
               "parentItem": {"@id": "#c1"}, "text": "Same here."}]}]}
</script></head><body><div>Rendered by script.</div></body></html>"""


def test_json_ld_posting_and_comments():
    post = parse_html("j", JSON_LD)
    assert (post.title, post.date, post.author, post.url) == (
        "Structured data", "2019-09-09", "Nia Author", "https://nia.example/structured-data")
    assert [b.span.of(post.text) for b in post.blocks] == ["First paragraph.", "Second paragraph."]
    assert [(c.author, c.date, c.parent, c.body.of(post.text)) for c in post.comments] == [
        ("Oz", "2019-09-10", None, "Good one."),
        ("Nia Author", "2019-09-11", 0, "Thanks!"),
        ("Pat", "2019-09-12", 0, "Same here."),
    ]


def test_page_without_known_markup_goes_to_the_main_text_extractor():
    paragraphs = "".join(
        f"<p>Paragraph {k} of the essay argues at some length that caches matter for databases.</p>" for k in range(6)
    )
    html = (f"<html><head><title>An essay</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<div id='main'><h1>An essay</h1>{paragraphs}</div><footer>Copyright 2020</footer></body></html>")
    post = parse_html("t", html)
    assert post.title == "An essay"
    body = post.body.of(post.text)
    assert body.count("Paragraph") == 6 and "Copyright" not in body and "Home" not in body


def test_malformed_and_truncated_html_is_still_read():
    truncated = ('<html><head><link rel="canonical" href="https://q.example/a/"></head><body>'
                 '<article class="hentry"><h1 class="entry-title">Cut <i>short</h1>'
                 '<div class="entry-content"><p>First para<p>Second <a href="/b/">para')
    post = parse_html("t", truncated)
    assert post.title == "Cut short"
    assert [b.span.of(post.text) for b in post.blocks] == ["First para", "Second para"]
    assert [(link.span.of(post.text), link.url) for link in post.links] == [("para", "https://q.example/b/")]


def test_page_without_text_is_refused_with_its_name():
    with pytest.raises(DocumentError, match=r"^empty\.html: no text found"):
        parse_html("e", "<html><body><script>var x;</script></body></html>", source="empty.html")
