"""Bad files: each gets one line naming it, the rest of the corpus is built, exit code 3.

The small fixtures are in ``tests/data/hostile/`` (one per case, listed in its README);
the files that must be huge or special (a 100 MB file, a 1 MB line, 100,000 nested
``<div>``, a symbolic link loop, a named pipe, a file that vanishes or cannot be read
during the build) are made here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.corpus import load_corpus
from kg.errors import DocumentError
from kg.structure import to_post

from .conftest import SEEDS

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
ENTITIES = "XML that declares entities (an internal DTD), refused: feeds and exports never need them"
DEEP_HTML = "HTML nested more than 256 elements deep, refused: the parser stops there and would drop the rest of the page"

#: What kg answers for each fixture: the message after the file's path (``None``: read).
EXPECTED = {
    "binary.bin": ": binary file (a NUL byte at byte 7), not text",
    "bomb.rss": f": {ENTITIES}",
    "bomb.wxr.xml": f": {ENTITIES}",
    "controls.txt": None,
    "deep.html": f":3: {DEEP_HTML}",
    "deep.md": ":3: Markdown nested more than 50 levels deep (quotes or lists inside each other), refused",
    "doctype.rss": None,
    "empty.txt": ": empty file",
    "invalid-utf8.txt": ":3: invalid UTF-8 at byte 48 in a file that is otherwise UTF-8 (a damaged or truncated file?)",
    "latin1.txt": None,
    "nul.txt": ": binary file (a NUL byte at byte 28), not text",
    "truncated.html": None,
    "utf16.txt": None,
    "xxe.atom": f": {ENTITIES}",
    "xxe.wxr.xml": f": {ENTITIES}",
}

#: The files made by :func:`hostile_corpus` and what kg answers.
MADE = {
    "huge.txt": ": file is 104.9 MB, over the 10 MB limit (raise max_file_bytes in kg.toml to read it)",
    "one-line.txt": None,
    "nested.html": f":1: {DEEP_HTML}",
    "deep-json-ld.html": None,
    "reply-chain.wxr.xml": None,
    "loop": ": symbolic link loop, folder skipped",
    "pipe.txt": ": not a regular file (a named pipe), not read",
    "vanishing.txt": ": cannot read: No such file or directory",
    "unreadable.txt": ": cannot read: Permission denied",
}


def read_one(path: Path) -> list[str]:
    """Load and parse one file as ``kg build`` does; returns the messages of what failed."""
    docs, problems = load_corpus([path])
    messages = [str(p) for p in problems]
    for doc in docs:
        try:
            to_post(doc)
        except DocumentError as err:
            messages.append(str(err))
    return messages


def test_every_fixture_is_listed():
    assert sorted(p.name for p in HOSTILE.iterdir() if p.name != "README.md") == sorted(EXPECTED)
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gets_its_answer(name, tmp_path):
    path = tmp_path / name
    shutil.copy(HOSTILE / name, path)
    expected = EXPECTED[name]
    assert read_one(path) == ([] if expected is None else [f"{path}{expected}"])


def test_read_fixtures_keep_their_text(tmp_path):
    def post(name: str):
        shutil.copy(HOSTILE / name, tmp_path / name)
        docs, _ = load_corpus([tmp_path / name])
        return to_post(docs[0])

    assert "José Núñez wrote about the cloud." in post("utf16.txt").text
    assert "José Núñez wrote about the café." in post("latin1.txt").text
    assert post("controls.txt").text == "A post with control characters[0m\n\nMitch Lieberman wrote about the cloud.\n\n"
    truncated = post("truncated.html")
    assert (truncated.title, truncated.body.of(truncated.text)) == ("Cut short", "Alice Jones wrote about the cloud, and th")
    old = post("doctype.rss")
    assert (old.title, old.url) == ("An old post", "https://old.example/2001/old-post")


@pytest.fixture
def hostile_corpus(tmp_path) -> Path:
    """The fixtures, one seed post, and the files that must be made."""
    corpus = tmp_path / "corpus"
    shutil.copytree(HOSTILE, corpus, ignore=shutil.ignore_patterns("README.md"))
    shutil.copy(SEEDS / "002_d8a23f124b445504.txt", corpus / "seed.txt")
    with (corpus / "huge.txt").open("wb") as fh:  # sparse: 100 MiB that take no disk
        fh.truncate(100 * 2**20)
    words = ("Mitch", "Lieberman", "wrote", "about", "“the", "cloud”", "and", "SaaS", "at", "IBM.", "Zoë", "said,")
    (corpus / "one-line.txt").write_text(
        "One line\n\n" + " ".join(words[i * 7 % len(words)] for i in range(90_000))[:1_000_000], encoding="utf-8")
    (corpus / "nested.html").write_text("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>",
                                        encoding="utf-8")
    deep_json = "[" * 100_000 + "]" * 100_000
    (corpus / "deep-json-ld.html").write_text(
        '<html><head><title>Deep JSON-LD</title><script type="application/ld+json">{"@type": "BlogPosting", "x": '
        f'{deep_json}}}</script></head><body><article><p>Alice Jones wrote about the cloud.</p></article></body></html>',
        encoding="utf-8")
    replies = "".join(
        f"<wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_author>Reader {i}</wp:comment_author><wp:comment_content>Reply {i}.</wp:comment_content>"
        f"<wp:comment_parent>{i - 1}</wp:comment_parent></wp:comment>" for i in range(1, 3001))
    (corpus / "reply-chain.wxr.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item><title>Replies</title>'
        '<link>https://chain.example/replies</link><wp:post_type>post</wp:post_type><wp:post_name>replies</wp:post_name>'
        f"<content:encoded>A thread.</content:encoded>{replies}</item></channel></rss>", encoding="utf-8")
    os.symlink(".", corpus / "loop")
    os.mkfifo(corpus / "pipe.txt")
    for name in ("vanishing.txt", "unreadable.txt"):
        (corpus / name).write_text("A post\n\nThat is never read.", encoding="utf-8")
    return corpus


@pytest.fixture
def during_the_build(monkeypatch, hostile_corpus):
    """``vanishing.txt`` is deleted after it is listed, ``unreadable.txt`` cannot be opened
    (tests may run as root, whom ``chmod 000`` does not stop)."""
    import kg.corpus

    real_load, real_open = kg.corpus.load_file, Path.open

    def load_file(source, **kw):
        if source.path.name == "vanishing.txt":
            source.path.unlink()
        return real_load(source, **kw)

    def open_(self, *args, **kw):
        if self.name == "unreadable.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kw)

    monkeypatch.setattr(kg.corpus, "load_file", load_file)
    monkeypatch.setattr(Path, "open", open_)
    return hostile_corpus


@pytest.mark.parametrize("pool", [False, True], ids=["one process", "worker processes"])
def test_build_names_each_bad_file_builds_the_rest_and_exits_3(tmp_path, during_the_build, monkeypatch, pool):
    """(With worker processes, the corpus is read in a process of its own, and the
    extractions come back from the workers.)"""
    import kg.workers

    corpus = during_the_build
    out = tmp_path / "out"
    read_apart = []
    if pool:
        monkeypatch.setattr(kg.workers, "POOL_THRESHOLD", 1)
        real = kg.workers.with_pipeline_built
        monkeypatch.setattr(kg.workers, "with_pipeline_built", lambda *a: read_apart.append(1) or real(*a))
    workers = ["--workers", "2" if pool else "1"]
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(out), "--quiet", *workers],
                                catch_exceptions=False)
    assert read_apart == ([1] if pool else [])
    assert result.exit_code == 3, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    answers = {**EXPECTED, **MADE}
    refused = sorted(f"kg: skipped {corpus / name}{message}" for name, message in answers.items() if message)
    lines = result.stderr.splitlines()
    assert sorted(lines[:-1]) == refused
    assert lines[-1] == f"kg: {len(refused)} file(s) skipped"
    built = sorted(p.name for p in (out / "extractions").iterdir())
    assert built == ["controls.json", "deep-json-ld.json", "doctype--old-post.json", "latin1.json", "one-line.json",
                     "reply-chain.wxr--replies.json", "seed.json", "truncated.json", "utf16.json"]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["documents"] == 9 and len(stats["skipped"]) == len(refused)
    assert stats["counts"]["comments"] >= 3000  # the whole reply chain
    ttl = (out / "kg.ttl").read_bytes()
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) == len(rdflib.Graph().parse(data=ttl, format="turtle"))


def test_a_huge_file_is_refused_without_being_read(tmp_path, monkeypatch):
    import tracemalloc

    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(100 * 2**20)
    (tmp_path / "post.txt").write_text("A post\n\nBody.", encoding="utf-8")
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **kw: opened.append(self.name) or real_open(self, *a, **kw))
    tracemalloc.start()
    docs, problems = load_corpus([tmp_path])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [d.id for d in docs] == ["post"] and len(problems) == 1
    assert "huge.txt" not in opened and peak < 1_000_000


def test_the_size_limit_is_an_option(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "post.txt").write_text("A post\n\n" + "Mitch wrote about the cloud. " * 100, encoding="utf-8")
    (tmp_path / "kg.toml").write_text("[kg]\nmax_file_bytes = 1000\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "--quiet",
                                      "--config", str(tmp_path / "kg.toml")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"kg: skipped {tmp_path / 'corpus' / 'post.txt'}: file is 2,908 bytes, over the 1,000 byte limit "
        "(raise max_file_bytes in kg.toml to read it)",
        f"kg: error: {tmp_path / 'corpus'}: no document of the corpus could be read",
    ]


def test_nothing_in_a_document_reaches_the_network(tmp_path, web_server):
    url, hits = web_server
    (tmp_path / "dtd.rss").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{url}/rss.dtd">\n<rss version="2.0"><channel><title>T</title>'
        '<item><title>A post</title><link>https://a.example/p</link><description>Body &amp; more.</description></item>'
        "</channel></rss>", encoding="utf-8")
    (tmp_path / "dtd.wxr.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{url}/wxr.dtd">\n<rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>A post</title><wp:post_type>post</wp:post_type>'
        "<wp:post_name>a-post</wp:post_name></item></channel></rss>", encoding="utf-8")
    (tmp_path / "entity.atom").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY e SYSTEM "{url}/entity">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&e;</title><id>urn:x:1</id></entry></feed>', encoding="utf-8")
    (tmp_path / "page.html").write_text(
        f'<html><head><link rel="stylesheet" href="{url}/s.css"><script src="{url}/s.js"></script>'
        f'<script type="application/ld+json">{{"@context": "{url}/context", "@type": "BlogPosting", "headline": "A page"}}'
        f'</script></head><body><img src="{url}/i.png"><iframe src="{url}/frame"></iframe>'
        f'<p>{"Some words of the page. " * 40}</p></body></html>', encoding="utf-8")
    docs, problems = load_corpus([tmp_path])
    assert [str(p) for p in problems] == [f"{tmp_path / 'entity.atom'}: {ENTITIES}"]
    assert sorted(to_post(d).title for d in docs) == ["A page", "A post", "A post"]
    assert hits == []
