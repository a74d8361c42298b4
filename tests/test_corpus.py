"""Loading: files and folders, encodings, formats, and bad input named clearly."""

from __future__ import annotations

import os

import pytest

from kg.corpus import decode, iter_files, load_corpus, load_file, sniff_format
from kg.errors import CorpusError, DocumentError


def test_folder_is_listed_sorted_without_hidden_files(tmp_path):
    (tmp_path / "b.txt").write_text("B\n\nbody", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A\n\nbody", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("x", encoding="utf-8")
    files, problems = iter_files([tmp_path])
    assert [f.relative for f in files] == ["b.txt", "sub/a.txt"]
    assert problems == []


def test_missing_and_empty_corpus_are_errors(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        iter_files([tmp_path / "nope"])
    with pytest.raises(CorpusError, match="empty"):
        iter_files([tmp_path])


def test_symlink_loop_is_reported_once_and_walk_ends(tmp_path):
    (tmp_path / "a.txt").write_text("A\n\nbody", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "loop")
    files, problems = iter_files([tmp_path])
    assert [f.relative for f in files] == ["a.txt"]
    assert len(problems) == 1 and "symbolic link loop" in str(problems[0])


def test_decode_utf8_bom_and_legacy_encodings():
    assert decode("\ufeffcafé".encode("utf-8"), "a.txt") == ("café", "utf-8")
    assert decode("naïve café résumé déjà vu".encode("cp1252"), "a.txt")[0] == "naïve café résumé déjà vu"
    assert decode("hi".encode("utf-16"), "a.txt") == ("hi", "utf-16")


def test_decode_uses_declared_charset():
    raw = '<html><head><meta charset="iso-8859-1"></head><body>Müller</body></html>'.encode("latin-1")
    text, encoding = decode(raw, "a.html")
    assert "Müller" in text and encoding == "iso-8859-1"


def test_binary_file_is_refused_with_its_name():
    with pytest.raises(DocumentError, match=r"^img\.png: binary file"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "img.png")


@pytest.mark.parametrize(
    ("content", "suffix", "expected"),
    [
        ("<?xml version='1.0'?>\n<rss version='2.0'><channel>", ".xml", "rss"),
        ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "", "atom"),
        ('<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/">', ".xml", "wxr"),
        ("<!DOCTYPE html><html><body>x</body></html>", ".txt", "html"),
        ("---\ntitle: T\n---\nbody", ".txt", "markdown"),
        ("# Title\n\nbody", ".md", "markdown"),
        ("Title\n\nA body < 3 words.", ".txt", "text"),
    ],
)
def test_format_is_sniffed_by_content_first(content, suffix, expected):
    assert sniff_format(content, suffix) == expected


def test_bad_files_are_skipped_and_the_rest_is_loaded(tmp_path):
    (tmp_path / "good.txt").write_text("Title\n\nSome body text.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    docs, problems = load_corpus([tmp_path])
    assert [d.id for d in docs] == ["good"]
    messages = sorted(str(p) for p in problems)
    assert len(messages) == 3
    assert any(m.endswith("binary.bin: binary file (a NUL byte at byte 0), not text") for m in messages)
    assert sum("empty file" in m for m in messages) == 2


def test_size_limit_names_the_file_and_the_option(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000, encoding="utf-8")
    files, _ = iter_files([big])
    with pytest.raises(DocumentError, match=r"big\.txt: file is 2,000 bytes, over the 1,000 byte limit \(raise max_file_bytes"):
        load_file(files[0], max_bytes=1000)


def test_document_identity_is_relative_to_the_corpus_root(tmp_path):
    (tmp_path / "2012").mkdir()
    (tmp_path / "2012" / "post.txt").write_text("T\r\n\r\nbody", encoding="utf-8")
    docs, _ = load_corpus([tmp_path])
    assert docs[0].id == "2012/post" and docs[0].source == "2012/post.txt" and docs[0].name == "post.txt"
    assert docs[0].content == "T\n\nbody"  # newlines normalised
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (moved / "2012").mkdir()
    (moved / "2012" / "post.txt").write_text("T\r\n\r\nbody", encoding="utf-8")
    again, _ = load_corpus([moved])
    assert again[0].id == docs[0].id and again[0].digest == docs[0].digest


def test_damaged_utf8_is_refused_not_garbled():
    raw = "Zoë wrote\nabout the café".encode("utf-8")
    with pytest.raises(DocumentError, match=r"^a\.txt:2: invalid UTF-8 at byte 11 in a file that is otherwise UTF-8"):
        decode(raw[:11] + b"\xff" + raw[11:], "a.txt")
    # a legacy encoding has no UTF-8 sequences at all: it is read, not refused
    assert decode("Zoë wrote about the café, señor".encode("latin-1"), "a.txt")[0] == "Zoë wrote about the café, señor"


def test_nul_bytes_anywhere_make_a_file_binary_but_utf16_is_text():
    late = b"Title\n\n" + b"x" * 10_000 + b"\x00 and more"
    with pytest.raises(DocumentError, match=r"^a\.txt: binary file \(a NUL byte at byte 10007\), not text$"):
        decode(late, "a.txt")
    assert decode("Un titre\n\nJosé".encode("utf-16-le"), "a.txt") == ("Un titre\n\nJosé", "utf-16")


def test_control_characters_are_dropped_when_loading(tmp_path):
    (tmp_path / "c.txt").write_bytes(b"Title\x1b[0m\n\nBody\x01 with\x7f bell\x07s\x0cand pages.")
    docs, problems = load_corpus([tmp_path])
    assert problems == [] and docs[0].content == "Title[0m\n\nBody with bells\nand pages."


def test_a_named_pipe_is_skipped_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "post.txt").write_text("Title\n\nBody.", encoding="utf-8")
    docs, problems = load_corpus([tmp_path])
    assert [d.id for d in docs] == ["post"]
    assert [str(p) for p in problems] == [f"{tmp_path / 'pipe.txt'}: not a regular file (a named pipe), not read"]


def test_no_more_than_the_limit_is_read_even_if_the_file_grows(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_text("Title\n\nBody.", encoding="utf-8")
    files, _ = iter_files([path])
    real_stat = type(path).stat
    monkeypatch.setattr(type(path), "stat", lambda self, **kw: os.stat_result((*real_stat(self, **kw)[:6], 1, 0, 0, 0)))
    with pytest.raises(DocumentError, match=r"growing\.txt: file is at least 11 bytes, over the 10 byte limit"):
        load_file(files[0], max_bytes=10)


def test_documents_that_would_share_an_iri_get_distinct_ids(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "post.txt").write_text(f"Post in {folder}\n\nBody.", encoding="utf-8")
    (tmp_path / "one" / "post.html").write_text("<html><body><p>Same stem.</p></body></html>", encoding="utf-8")
    (tmp_path / "one" / "Café.txt").write_text("Café\n\nBody.", encoding="utf-8")
    (tmp_path / "one" / "cafe.txt").write_text("cafe\n\nBody.", encoding="utf-8")
    (tmp_path / "one" / "corpus.txt").write_text("Named like the corpus graph\n\nBody.", encoding="utf-8")
    docs, problems = load_corpus([tmp_path / "two", tmp_path / "one"])
    assert problems == []
    assert [(d.source, d.id) for d in docs] == [
        ("Café.txt", "Café"), ("cafe.txt", "cafe-2"), ("corpus.txt", "corpus-2"), ("post.html", "post"),
        ("post.txt", "post-2"), ("post.txt", "post-3"),
    ]
    assert [d.path for d in docs][-2:] == [str(tmp_path / "one" / "post.txt"), str(tmp_path / "two" / "post.txt")]
    again, _ = load_corpus([tmp_path / "one", tmp_path / "two"])  # the order of the arguments does not matter
    assert [(d.id, d.path) for d in again] == [(d.id, d.path) for d in docs]
