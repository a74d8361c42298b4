"""Incremental builds: after adds, edits and deletes they equal a clean build, and only
what changed is extracted again."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.config import Config
from kg.errors import DocumentError
from kg.pipeline import build
from kg.store import open_graph

EXTRA = "An added post\n\nMartin Schneider wrote “Social CRM now” and Rob has summed up the cloud.\n"


def quads(out):
    store = open_graph(out)
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


def author_of_001(out):
    from kg.store import query, rows

    found = rows(query(open_graph(out), 'SELECT ?a WHERE { ?p kg:documentName "001_787f81ed9a464c78.txt" ; dcterms:creator ?a }'))
    return found[0]["a"]


def edit_early_words(corpus):
    """Change words of post 003 that name nothing, before most of what it names: every
    later offset moves (the rows the analysis reads change), no projection does."""
    edited = corpus / "003_faa050c178f4e7de.txt"
    text = edited.read_text(encoding="utf-8")
    assert "(it was not a series before" in text
    edited.write_text(text.replace("(it was not a series before", "(it never was a series before"), encoding="utf-8")


def same_outputs(a, b):
    assert (a / "kg.ttl").read_bytes() == (b / "kg.ttl").read_bytes()
    assert (a / "kg.trig").read_bytes() == (b / "kg.trig").read_bytes()
    assert (a / "stats.json").read_bytes() == (b / "stats.json").read_bytes()
    assert sorted(p.name for p in (a / "extractions").glob("*.json")) == sorted(p.name for p in (b / "extractions").glob("*.json"))
    for p in (a / "extractions").glob("*.json"):
        assert p.read_bytes() == (b / "extractions" / p.name).read_bytes(), p.name
    assert quads(a) == quads(b)


def test_unchanged_corpus_does_nothing(seeds_copy, tmp_path):
    out = tmp_path / "out"
    first = build([seeds_copy], out, Config())
    assert first.extracted == 5 and not first.unchanged
    second = build([seeds_copy], out, Config())
    assert second.unchanged and second.extracted == 0 and second.documents == 5
    assert second.stats == first.stats


def test_edit_add_delete_equal_a_clean_build(seeds_copy, tmp_path):
    out = tmp_path / "incremental"
    build([seeds_copy], out, Config())
    # edit one post: Mitch's post loses a sentence and gains a citation
    edited = seeds_copy / "003_faa050c178f4e7de.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace(
        "I know a lot of really social IT folks", "As Rob England says, “IT is a service”. I know a lot of social IT folks"),
        encoding="utf-8")
    # add one, delete one
    (seeds_copy / "005_added.txt").write_text(EXTRA, encoding="utf-8")
    (seeds_copy / "000_1dbe1a397a1ff981.txt").unlink()
    again = build([seeds_copy], out, Config())
    assert again.extracted == 2  # the edited and the added post, nothing else
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    same_outputs(out, clean)
    g = rdflib.Graph().parse(out / "kg.ttl")
    assert isomorphic(g, rdflib.Graph().parse(clean / "kg.ttl"))
    assert not (out / "extractions" / "000_1dbe1a397a1ff981.json").exists()
    store = open_graph(out)
    deleted = ox.NamedNode("https://kg.example/graph/000-1dbe1a397a1ff981")
    assert not list(store.quads_for_pattern(None, None, None, deleted))


def test_a_name_learnt_elsewhere_rewrites_only_the_graphs_it_touches(seeds_copy, tmp_path):
    # Post 001 knows its author only as "Mitch"; 003 names Mitch Lieberman. Without 003,
    # 001's author is plain Mitch; adding 003 back renames him in 001's graph too.
    held = tmp_path / "003.txt"
    shutil.move(seeds_copy / "003_faa050c178f4e7de.txt", held)
    out = tmp_path / "out"
    first = build([seeds_copy], out, Config())
    assert author_of_001(out) == "https://kg.example/person/mitch"
    shutil.move(held, seeds_copy / "003_faa050c178f4e7de.txt")
    second = build([seeds_copy], out, Config())
    assert second.extracted == 1 and first.extracted == 4
    assert author_of_001(out) == "https://kg.example/person/mitch-lieberman"
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    same_outputs(out, clean)


def test_a_damaged_cache_is_recomputed(seeds_copy, tmp_path):
    out = tmp_path / "out"
    build([seeds_copy], out, Config())
    for entry in (out / ".cache" / "extract").glob("*.json"):
        entry.write_text("{broken", encoding="utf-8")
    (out / "stats.json").unlink()  # an output missing: the build is not complete any more
    again = build([seeds_copy], out, Config())
    assert again.extracted == 5
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    same_outputs(out, clean)


def test_worker_processes_give_the_bytes_of_one_process(seeds_copy, tmp_path, monkeypatch):
    import kg.workers

    monkeypatch.setattr(kg.workers, "POOL_THRESHOLD", 1)  # the five seeds, in a pool
    one = build([seeds_copy], tmp_path / "one", Config(workers=1))
    two = build([seeds_copy], tmp_path / "two", Config(workers=2))
    assert one.extracted == two.extracted == 5
    # (in the pool, the corpus was read in a process of its own and the extractions came back as JSON)
    extractions = sorted(f"extractions/{p.name}" for p in (tmp_path / "one" / "extractions").glob("*.json"))
    assert len(extractions) == 5
    for name in ["kg.ttl", "kg.trig", "stats.json", *extractions]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_a_named_graph_entry_is_readable_only_once_complete(tmp_path):
    """An entry is one file whose first line gives the size of the rest: cut short (a build
    killed while writing it) or damaged, it reads as missing. Rewriting an entry leaves
    another folder's hard link to the old file alone."""
    import os

    from kg.cache import Cache

    cache = Cache(tmp_path / "cache")
    parts = (b"nq\n", b"ttl\n", b"{}")
    assert cache.load_chunk("k") is None
    chunk = cache.save_chunk("k", "https://kg.example/graph/a", 1, *parts)
    assert cache.load_chunk("k") == chunk
    assert (chunk.nquads(), chunk.turtle(), chunk.rows()) == parts
    assert sorted(p.name for p in cache.rdf_dir.iterdir()) == ["k.graph"]
    other = tmp_path / "other.graph"
    os.link(chunk.path, other)  # a copy of the cache made with hard links
    cache.save_chunk("k", "https://kg.example/graph/a", 1, b"new\n", *parts[1:])
    assert cache.load_chunk("k").nquads() == b"new\n" and other.read_bytes().endswith(b"nq\nttl\n{}")
    whole = chunk.path.read_bytes()
    for cut in (len(whole) - 1, whole.index(b"\n"), 3, 0):  # killed while writing
        chunk.path.write_bytes(whole[:cut])
        assert cache.load_chunk("k") is None, cut
    chunk.path.write_bytes(b"{not json\n" + whole[whole.index(b"\n") + 1:])
    assert cache.load_chunk("k") is None
    chunk.path.write_bytes(whole + b"more")
    assert cache.load_chunk("k") is None
    head = json.loads(whole[:whole.index(b"\n")])
    assert chunk.rows_digest == head.pop("rows") != cache.save_chunk("j", chunk.graph, 1, *parts[:2], b"[]").rows_digest
    chunk.path.write_bytes(json.dumps(head).encode() + whole[whole.index(b"\n"):])  # an entry of an earlier kg
    assert cache.load_chunk("k") is None


def loaded(monkeypatch):
    """The files kg.corpus reads from now on, by name."""
    import kg.corpus

    names: list[str] = []
    original = kg.corpus.load_file

    def load_file(source, **kwargs):
        names.append(source.path.name)
        return original(source, **kwargs)

    monkeypatch.setattr(kg.corpus, "load_file", load_file)
    return names


def test_a_rebuild_reads_only_the_files_that_changed(seeds_copy, tmp_path, monkeypatch):
    """As make and git do: a file whose size, times and inode are those of the last build
    is not read again; an edit that keeps the size and the modification time is still seen
    (the change time moves), and the result equals a clean build."""
    import os

    out = tmp_path / "out"
    build([seeds_copy], out, Config())
    read = loaded(monkeypatch)
    assert build([seeds_copy], out, Config()).unchanged and read == []
    touched = seeds_copy / "001_787f81ed9a464c78.txt"
    os.utime(touched)  # a new time, the same bytes: read once, nothing to rebuild
    assert build([seeds_copy], out, Config()).unchanged and read == [touched.name]
    assert build([seeds_copy], out, Config()).unchanged and read == [touched.name]
    read.clear()
    edited = seeds_copy / "003_faa050c178f4e7de.txt"
    before = edited.stat()
    text = edited.read_text(encoding="utf-8")
    assert "social IT folks" in text
    edited.write_text(text.replace("social IT folks", "social IT hacks"), encoding="utf-8")  # same size
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same modification time
    result = build([seeds_copy], out, Config())
    assert read == [edited.name] and result.extracted == 1
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    same_outputs(out, clean)


def test_a_known_file_is_read_when_its_extraction_is_gone(seeds_copy, tmp_path, monkeypatch):
    """A file in its last state whose cached extraction was removed is read and extracted."""
    out = tmp_path / "out"
    build([seeds_copy], out, Config())
    for entry in (out / ".cache" / "extract").glob("*.json"):
        entry.unlink()
    (out / "kg.ttl").unlink()  # so that the build is not "nothing changed"
    read = loaded(monkeypatch)
    result = build([seeds_copy], out, Config())
    assert result.extracted == 5 and sorted(read) == sorted(p.name for p in seeds_copy.iterdir())
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    same_outputs(out, clean)


def test_a_known_file_that_changes_during_the_build_is_skipped_not_mixed_up(seeds_copy, tmp_path):
    """Its content read later must be the content its state promised, or the extraction
    of new bytes would be cached under the old bytes' key."""
    from kg.corpus import KnownFiles, SourceFile

    known = KnownFiles()
    path = seeds_copy / "003_faa050c178f4e7de.txt"
    [doc] = known.load(SourceFile(path, path.name), 10 << 20)
    again = KnownFiles(known.now)
    [unread] = again.load(SourceFile(path, path.name), 10 << 20)
    assert unread.content is None and unread.digest == doc.digest
    assert KnownFiles.with_content(unread, 10 << 20).content == doc.content
    path.write_text("Another post\n\nIt says something else.\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="changed while kg was building"):
        KnownFiles.with_content(unread, 10 << 20)


def test_views_whose_graph_did_not_change_are_not_laid_out_again(seeds_copy, tmp_path, monkeypatch):
    """Node positions are kept by the nodes and edges they were computed for: an edit that
    leaves a view's (or a report picture's) graph as it was draws it from the kept layout,
    the same page a clean build draws; a damaged kept layout is computed again; layouts
    nothing uses go."""
    import kg.layout

    out = tmp_path / "out"
    build([seeds_copy], out, Config())
    kept = out / ".cache" / "layout"
    first = sorted(p.name for p in kept.glob("*.json"))
    assert len(first) == 5  # one per view with nodes
    computed = []  # layouts computed, for the views and the report's pictures (the same graphs here)
    original = kg.layout._positions

    def spy(n, edges, *args, **kwargs):
        computed.append(n)
        return original(n, edges, *args, **kwargs)

    monkeypatch.setattr(kg.layout, "_positions", spy)
    edit_early_words(seeds_copy)
    damaged = kept / first[0]
    damaged.write_text("[[0, 0]", encoding="utf-8")
    assert build([seeds_copy], out, Config()).extracted == 1
    assert len(computed) == 1  # only the damaged one
    assert sorted(p.name for p in kept.glob("*.json")) == first
    monkeypatch.setattr(kg.layout, "_positions", original)
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    for page in (clean / "views").glob("*.html"):
        assert (out / "views" / page.name).read_bytes() == page.read_bytes(), page.name
    (seeds_copy / "005_added.txt").write_text(EXTRA, encoding="utf-8")  # new nodes: new layouts, old ones go
    build([seeds_copy], out, Config())
    now = sorted(p.name for p in kept.glob("*.json"))
    assert len(now) == 5 and now != first


def test_metrics_of_a_graph_that_did_not_change_are_not_measured_again(seeds_copy, tmp_path, monkeypatch):
    """A projection's metrics are kept by the graph they were measured on: an edit that
    leaves every projection as it was measures none again and writes the stats.json of a
    clean build; a damaged entry is measured again; metrics of graphs gone are forgotten."""
    import kg.analyze.apart

    out = tmp_path / "out"
    build([seeds_copy], out, Config())
    kept = out / ".cache" / "metrics"
    first = sorted(p.name for p in kept.glob("*.json"))
    assert len(first) == 5  # one per projection
    measured = []
    original = kg.analyze.apart.measured
    monkeypatch.setattr(kg.analyze.apart, "measured", lambda a, name: measured.append(name) or original(a, name))
    edit_early_words(seeds_copy)
    (kept / first[0]).write_text('[{"x": {}}, [', encoding="utf-8")
    assert build([seeds_copy], out, Config()).extracted == 1
    assert len(measured) == 1  # only the damaged one
    assert sorted(p.name for p in kept.glob("*.json")) == first
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    assert (out / "stats.json").read_bytes() == (clean / "stats.json").read_bytes()
    assert (out / "report.md").read_bytes() == (clean / "report.md").read_bytes()
    (seeds_copy / "005_added.txt").write_text(EXTRA, encoding="utf-8")  # new nodes: measured again, old entries go
    build([seeds_copy], out, Config())
    now = sorted(p.name for p in kept.glob("*.json"))
    assert len(now) == 5 and now != first


def test_a_foreign_file_state_is_read_past(seeds_copy):
    """A files.json entry of another shape (another version, a damaged file) means: read."""
    import os

    from kg.corpus import KnownFiles, SourceFile

    path = seeds_copy / "003_faa050c178f4e7de.txt"
    key = f"{os.path.abspath(path)}\x00{path.name}"
    for junk in ("state", ["state"], {"state": "x"}, {"state": None, "documents": 3}):
        [doc] = KnownFiles({key: junk}).load(SourceFile(path, path.name), 10 << 20)
        assert doc.content is not None and "social IT folks" in doc.content


def test_outputs_made_of_the_rows_they_were_made_of_are_not_written_again(seeds_copy, tmp_path, monkeypatch):
    """stats.json, the report and the views are made of the rows each named graph gives
    the analysis: an edit those rows do not see (words that name nothing, after all the
    post names) writes none of them again, and they are a clean build's; a view deleted
    redoes them; a build stopped while rewriting them leaves no record that they are whole."""
    import kg.analyze
    import kg.render

    out = tmp_path / "out"
    first = build([seeds_copy], out, Config())
    analysed = []
    original = kg.analyze.analyze
    monkeypatch.setattr(kg.analyze, "analyze", lambda *a, **k: analysed.append(1) or original(*a, **k))
    outputs = [out / "stats.json", out / "report.md", *(out / "views").glob("*.html")]
    before = {p: p.stat().st_mtime_ns for p in outputs}
    edited = seeds_copy / "003_faa050c178f4e7de.txt"
    text = edited.read_text(encoding="utf-8")
    assert "I know a lot of really social IT folks" in text
    edited.write_text(text.replace("I know a lot of really", "I know a lot of truly"), encoding="utf-8")
    again = build([seeds_copy], out, Config())
    assert again.extracted == 1 and not again.unchanged and analysed == []
    assert {p: p.stat().st_mtime_ns for p in outputs} == before
    assert again.stats == first.stats and set(outputs[1:]) <= set(again.files)
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    same_outputs(out, clean)
    for name in ["report.md", *(f"views/{p.name}" for p in (clean / "views").glob("*.html"))]:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    analysed.clear()
    (out / "views" / "concepts.html").unlink()
    edited.write_text(text.replace("I know a lot of really", "I know a lot of very"), encoding="utf-8")
    build([seeds_copy], out, Config())
    assert analysed == [1] and (out / "views" / "concepts.html").read_bytes() == (clean / "views" / "concepts.html").read_bytes()

    def stopped(*args, **kwargs):
        raise RuntimeError("stopped")

    edit_early_words(seeds_copy)  # rows change: stats.json is rewritten, then the build stops
    monkeypatch.setattr(kg.render, "write_views", stopped)
    with pytest.raises(RuntimeError):
        build([seeds_copy], out, Config())
    assert not (out / ".cache" / "manifest.json").exists()  # no record that the outputs are whole
    monkeypatch.undo()
    edited.write_text(text, encoding="utf-8")  # back to the first build's rows
    build([seeds_copy], out, Config())
    assert (out / "stats.json").read_bytes() == (clean / "stats.json").read_bytes()


def _stopped_after_writing(*args):
    import kg.export

    kg.export.write_rdf_files(*args)
    raise RuntimeError("stopped after writing kg.ttl")


def test_a_page_whose_extraction_did_not_change_keeps_its_named_graph(seeds_copy, tmp_path, monkeypatch):
    """A named graph is keyed by what was extracted, not by the file's bytes: a page
    fetched again with other markup and the same text is extracted again, and then the
    names across documents are not looked for again, and the graphs, the store, kg.ttl
    and kg.trig stay as they were. A build stopped while writing kg.ttl leaves no record
    that it is whole."""
    import kg.export
    import kg.resolve
    from tests.conftest import LEMIRE

    resolved = []
    resolve_corpus = kg.resolve.resolve_corpus
    monkeypatch.setattr(kg.resolve, "resolve_corpus", lambda extractions: resolved.append(1) or resolve_corpus(extractions))

    page = seeds_copy / "page.html"
    shutil.copy(LEMIRE / "2006" / "10-23-nrc-sets-up-publication-rss-feeds-for-its-researchers.html", page)
    out = tmp_path / "out"
    first = build([seeds_copy], out, Config())
    rdf = [out / "kg.ttl", out / "kg.trig"]
    before = [p.stat().st_mtime_ns for p in rdf]
    store = (out / "store").resolve()
    html = page.read_text(encoding="utf-8")
    page.write_text(html + "\n<!-- fetched again -->\n", encoding="utf-8")
    again = build([seeds_copy], out, Config())
    assert again.extracted == 1 and not again.unchanged and again.graphs == first.graphs
    assert len(resolved) == 1  # the first build's
    assert [p.stat().st_mtime_ns for p in rdf] == before and (out / "store").resolve() == store
    clean = tmp_path / "clean"
    build([seeds_copy], clean, Config())
    same_outputs(out, clean)

    text = (seeds_copy / "003_faa050c178f4e7de.txt").read_text(encoding="utf-8")
    edit_early_words(seeds_copy)
    monkeypatch.setattr(kg.export, "write_rdf_files", _stopped_after_writing)  # (pickled to the writer's process)
    with pytest.raises(RuntimeError):
        build([seeds_copy], out, Config())
    assert len(resolved) == 3  # the clean build's, and this one's: a text changed
    assert not (out / ".cache" / "manifest.json").exists()  # no record that the outputs are whole
    monkeypatch.undo()
    (seeds_copy / "003_faa050c178f4e7de.txt").write_text(text, encoding="utf-8")  # the graphs of the last whole build
    build([seeds_copy], out, Config())
    same_outputs(out, clean)


def test_another_base_iri_gives_the_graph_of_a_clean_build(seeds_copy, tmp_path):
    """The extractions stay (they do not depend on the base IRI), but every named graph is
    made again under the new one: nothing of the last build's graphs is taken as it is."""
    out = tmp_path / "out"
    build([seeds_copy], out, Config())
    other = Config(base_iri="https://other.example/kg/")
    again = build([seeds_copy], out, other)
    assert again.extracted == 0 and not again.unchanged
    clean = tmp_path / "clean"
    build([seeds_copy], clean, other)
    same_outputs(out, clean)
    trig = (out / "kg.trig").read_bytes()  # (the vocabulary, kg:, is not under the base)
    assert b"<https://other.example/kg/graph/" in trig and b"https://kg.example/graph/" not in trig


def test_new_code_makes_the_graphs_again(seeds_copy, tmp_path, monkeypatch):
    """A build by other code (here, one file of the package read as changed) is no
    unchanged build: it keeps the extractions (cached by the pipeline's version) and
    takes none of the last build's graphs as they are."""
    import kg.build
    import kg.kept

    def forget() -> None:
        kg.kept._code.cache_clear()
        kg.build.code_digest.cache_clear()

    out = tmp_path / "out"
    first = build([seeds_copy], out, Config())
    source = kg.kept._source
    monkeypatch.setattr(kg.kept, "_source", lambda m: "changed" if m == "build.py" else source(m))
    forget()
    try:
        again = build([seeds_copy], out, Config())
        clean = build([seeds_copy], tmp_path / "clean", Config())
    finally:
        monkeypatch.undo()
        forget()
    assert not again.unchanged and again.extracted == 0
    assert set(again.graphs) == set(first.graphs) and not set(again.graphs.values()) & set(first.graphs.values())
    assert again.graphs == clean.graphs


def test_an_edited_lexicon_makes_the_extractions_again(seeds_copy, tmp_path):
    """The lexicons of ontology/lexicon/ are data a user may edit: an organisation added
    there is found by the next build, as by a clean one (the extractions cached before
    were made without it). Run on a copy of the package and its ontology folder, so that
    the edit stays there."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    source = tmp_path / "src"
    shutil.copytree(ROOT / "kg", source / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "ontology", source / "ontology")

    def kg_build(out):  # python -m kg, from the copy: it is first on the module path
        done = subprocess.run([sys.executable, "-m", "kg", "build", str(seeds_copy), "--out", str(out)], cwd=source,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr

    def organisations(out):
        return {o["name"] for p in (out / "extractions").glob("*.json")
                for o in json.loads(p.read_text(encoding="utf-8"))["organisations"]}

    out = tmp_path / "out"
    kg_build(out)
    assert "Fusion" not in organisations(out)  # "an invite to attend Fusion", a conference
    with (source / "ontology" / "lexicon" / "organisations.ttl").open("a", encoding="utf-8") as fh:
        fh.write('\nkgl:org-fusion-conference a org:Organization ;\n    skos:prefLabel "Fusion" ;\n'
                 '    kg:category "event" .\n')
    kg_build(out)
    assert "Fusion" in organisations(out)
    clean = tmp_path / "clean"
    kg_build(clean)
    same_outputs(out, clean)
