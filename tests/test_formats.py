"""Feeds, WordPress exports and Markdown: entries, threads, metadata, refused input.

The fixtures in ``tests/data/formats/`` are small literal files written for these tests.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from kg.corpus import load_corpus, sniff_format
from kg.errors import DocumentError
from kg.structure import split_entries, to_post
from kg.structure.entries import parse_entry

FORMATS = Path(__file__).resolve().parent / "data" / "formats"


def _load(name: str, tmp_path: Path):
    shutil.copy(FORMATS / name, tmp_path / name)
    return load_corpus([tmp_path])


def _view(post):
    text = post.text
    return {
        "title": post.title, "date": post.date, "author": post.author, "url": post.url,
        "blocks": [(b.kind, b.span.of(text)) for b in post.blocks],
        "links": [(link.span.of(text), link.url) for link in post.links],
        "comments": [(c.kind, c.author, c.date, c.parent, c.url, c.body.of(text)) for c in post.comments],
    }


def test_rss_feed_is_one_document_per_entry(tmp_path):
    docs, problems = _load("feed.rss", tmp_path)
    assert problems == []
    assert [(d.id, d.format, d.name) for d in docs] == [
        ("feed#why-bitmaps-win", "rss", "feed.rss#why-bitmaps-win"),
        ("feed#tag-ann-example-2020-2", "rss", "feed.rss#tag-ann-example-2020-2"),
    ]
    first = _view(to_post(docs[0]))
    assert first == {
        "title": "Why bitmaps win", "date": "2020-01-02", "author": "Ann Author",
        "url": "https://ann.example/2020/01/why-bitmaps-win/",
        "blocks": [("paragraph", "Compressed bitmaps are fast, as the Roaring Bitmaps site shows."),
                   ("paragraph", "See also my older post.")],
        "links": [("Roaring Bitmaps", "https://roaringbitmap.org/"),
                  ("my older post", "https://ann.example/2019/12/older-post/")],
        "comments": [],
    }
    second = to_post(docs[1])
    assert (second.title, second.date, second.body.of(second.text)) == ("Plain entry", "2020-01-03", "Only a summary here.")
    assert len({d.digest for d in docs}) == 2


def test_atom_feed_html_and_text_content(tmp_path):
    docs, _ = _load("feed.atom", tmp_path)
    assert [d.format for d in docs] == ["atom", "atom"]
    html, text = (_view(to_post(d)) for d in docs)
    assert (html["title"], html["date"], html["author"], html["url"]) == (
        "On indexes", "2021-03-04", "Bob Writer", "https://bob.example/posts/on-indexes")
    assert html["blocks"] == [("heading", "Start"), ("paragraph", "An index is a B-tree most of the time.")]
    assert html["links"] == [("B-tree", "https://en.wikipedia.org/wiki/B-tree")]
    assert text["blocks"] == [("paragraph", "First paragraph."), ("paragraph", "Second paragraph.")]
    assert text["date"] == "2021-03-06"


def test_wordpress_export_posts_with_nested_comments_and_pingback(tmp_path):
    docs, problems = _load("export.wxr.xml", tmp_path)
    assert problems == []
    assert [d.id for d in docs] == ["export.wxr#hash-tables", "export.wxr#probing"]  # the page is not a post
    post = _view(to_post(docs[0]))
    assert (post["title"], post["date"], post["author"], post["url"]) == (
        "Hash tables", "2019-05-06", "Carol Blogger", "https://carol.example/2019/05/hash-tables/")
    assert post["blocks"] == [("paragraph", "Hash tables are everywhere."),
                              ("paragraph", "Read Linear Probing Revisited first.")]
    # thread order: each comment followed by its replies; spam left out
    assert post["comments"] == [
        ("comment", "Dave Reader", "2019-05-07", None, "https://dave.example/", "What about cuckoo hashing?"),
        ("comment", "Carol Blogger", "2019-05-08", 0, None, "Dave, cuckoo hashing is in the next post."),
        ("comment", "Dave Reader", "2019-05-09", 1, None, "Thanks, that settles it."),
        ("pingback", "Eve's Notes", "2019-05-10", None, "https://eve.example/2019/05/roundup/",
         "Pingback: Eve's Notes » Hashing roundup"),
    ]
    ping = to_post(docs[0]).comments[3]
    assert (ping.source_site, ping.source_title) == ("Eve's Notes", "Hashing roundup")


def test_wordpress_export_pingback_becomes_a_citation_with_its_url(tmp_path, nlp):
    from kg.extract import extract

    docs, _ = _load("export.wxr.xml", tmp_path)
    ex = extract(to_post(docs[0]), nlp, document=docs[0].name, source=docs[0].source)
    pings = [(c.kind, c.to_work, c.url) for c in ex.citations if c.kind == "pingback"]
    assert pings == [("pingback", "Hashing roundup", "https://eve.example/2019/05/roundup/")]
    links = [(c.source, c.to_work, c.url) for c in ex.citations if c.kind == "links_to"]
    assert links == [("post", "Linear Probing Revisited", "https://carol.example/2019/04/probing/")]


def test_xml_bomb_is_refused_with_the_file_name(tmp_path):
    docs, problems = _load("bomb.xml", tmp_path)
    assert docs == []
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'bomb.xml'}: XML that declares entities (an internal DTD), refused: feeds and exports never need them"
    ]


def test_entity_declarations_are_refused_in_feeds_too():
    feed = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss version="2.0"><channel><item><title>&a;</title></item></channel></rss>'
    with pytest.raises(DocumentError, match="declares entities"):
        split_entries(feed, "rss", Path("f.rss"))


def test_malformed_wordpress_export_names_file_and_line():
    broken = '<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><item>\n</rss>'
    with pytest.raises(DocumentError) as caught:
        split_entries(broken, "wxr", Path("export.xml"))
    assert caught.value.path == Path("export.xml") and caught.value.line == 4
    assert "not well-formed XML" in str(caught.value)


def test_markdown_with_front_matter(tmp_path):
    docs, _ = _load("post.md", tmp_path)
    assert [(d.id, d.format) for d in docs] == [("post", "markdown")]
    post = _view(to_post(docs[0]))
    assert post == {
        "title": "Markdown: a post", "date": "2022-02-03", "author": "Fay Static",
        "url": "https://fay.example/markdown-a-post/",
        "blocks": [
            ("heading", "Ignored heading? No: the front matter has the title"),
            ("paragraph", "Static sites keep posts as Markdown. See the CommonMark spec and here."),
            ("quote", "Quoted words."),
            ("list", "first item"),
            ("list", "second item with Pandoc"),
        ],
        "links": [("CommonMark spec", "https://spec.commonmark.org/"), ("here", "https://example.org/"),
                  ("Pandoc", "https://pandoc.org/")],
        "comments": [],
    }


def test_markdown_without_front_matter_takes_its_first_heading_as_title(tmp_path):
    (tmp_path / "note.md").write_text("# A note\n\nJust *words*.\n", encoding="utf-8")
    docs, _ = load_corpus([tmp_path])
    post = to_post(docs[0])
    assert (post.title, post.title_span.of(post.text), post.body.of(post.text)) == ("A note", "A note", "Just words.")


def test_markdown_with_broken_front_matter_names_file_and_line(tmp_path):
    (tmp_path / "bad.md").write_text("---\ntitle: ok\ndate: [unclosed\n---\nBody\n", encoding="utf-8")
    docs, _ = load_corpus([tmp_path])
    with pytest.raises(DocumentError, match=rf"^{re.escape(str(tmp_path / 'bad.md'))}:3: invalid YAML front matter"):
        to_post(docs[0])


def test_entry_content_that_is_not_an_entry_is_refused():
    with pytest.raises(DocumentError, match=r"^f\.rss: not a feed or export entry"):
        parse_entry("f#x", "not json", source="f.rss")
    post = parse_entry("f#x", json.dumps({"title": "T", "html": "<p>Hi</p>", "comments": []}))
    assert (post.title, post.body.of(post.text)) == ("T", "Hi")


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("paper.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document, not a blog post"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image, not a blog post"),
        ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
         "XML that is not a feed, a WordPress export or XHTML"),
        ("data.csv", b"name,count\nann,3\n", "a .csv file in no format kg recognises"),
    ],
)
def test_other_files_are_skipped_with_one_clear_line(tmp_path, name, raw, reason):
    (tmp_path / name).write_bytes(raw)
    (tmp_path / "post.txt").write_text("Title\n\nBody.", encoding="utf-8")
    docs, problems = load_corpus([tmp_path])
    assert [d.id for d in docs] == ["post"]
    assert len(problems) == 1
    message = str(problems[0])
    assert message.startswith(f"{tmp_path / name}: {reason}") and "\n" not in message


def test_formats_are_sniffed_by_content_whatever_the_suffix():
    wxr = (FORMATS / "export.wxr.xml").read_text(encoding="utf-8")
    assert sniff_format(wxr, ".txt") == "wxr"
    assert sniff_format((FORMATS / "feed.atom").read_text(encoding="utf-8"), "") == "atom"
    assert sniff_format((FORMATS / "feed.rss").read_text(encoding="utf-8"), ".html") == "rss"
    assert sniff_format((FORMATS / "post.md").read_text(encoding="utf-8"), ".txt") == "markdown"
