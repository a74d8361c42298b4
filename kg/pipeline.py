"""Run the stages in order: load, structure, extract, resolve, build, write, analyse, render.

Input: corpus paths, an output folder and a :class:`~kg.config.Config`. Output: the files
of ``kg build`` (or only the per-document JSON for ``kg extract``) and a result value with
counts, the files skipped and the time of each stage. Nothing is printed here: progress
goes to an optional callback and problems come back in the result.

Outputs of ``kg build DIR``::

    DIR/kg.ttl, DIR/kg.trig         the graph (union / one named graph per document)
    DIR/store/                      the same, as a pyoxigraph store for queries
    DIR/extractions/<name>.json     per-document extraction (gold schema)
    DIR/stats.json, DIR/report.md   analysis
    DIR/views/*.html                interactive views and their index
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.config import Config
from kg.corpus import load_corpus
from kg.errors import DocumentError, KgError
from kg.files import build_lock, write_bytes, write_text
from kg.model import Document, Extraction

log = logging.getLogger(__name__)

#: ``progress(stage, done, total)``; ``total`` is 0 when unknown.
Progress = Callable[[str, int, int], None]


@dataclass
class RunResult:
    """What a run did: documents, problems, outputs and timings (seconds per stage)."""

    out: Path
    documents: int = 0
    skipped: list[KgError] = field(default_factory=list)
    extractions: list[Extraction] = field(default_factory=list)
    triples: int = 0
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)


class _Clock:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(self.timings.get(stage, 0.0) + now - self.t, 4)
        self.t = now


def _noop(stage: str, done: int, total: int) -> None:
    pass


def extract_corpus(
    paths: Iterable[Path], config: Config, progress: Progress = _noop, timings: dict[str, float] | None = None
) -> tuple[list[tuple[Document, Extraction, str]], list[KgError]]:
    """Load, parse and extract every document; returns ``(document, extraction, text)``
    triples in corpus order and the problems met (one per skipped file)."""
    from kg.extract import extract
    from kg.nlp import make_nlp
    from kg.structure import to_post

    timings = {} if timings is None else timings
    clock = _Clock(timings)
    docs, problems = load_corpus(list(paths), max_bytes=config.max_file_bytes)
    clock.lap("load")
    nlp = make_nlp(config.model)
    clock.lap("nlp-setup")
    names = _unique_names(docs)
    results: list[tuple[Document, Extraction, str]] = []
    skipped: list[KgError] = list(problems)
    for i, doc in enumerate(docs):
        progress("extract", i, len(docs))
        try:
            post = to_post(doc)
            clock.lap("structure")
            ex = extract(post, nlp, document=names[doc.id], source=doc.source, max_concepts=config.max_concepts)
            clock.lap("extract")
        except DocumentError as err:
            skipped.append(err)
            continue
        results.append((doc, ex, post.text))
    progress("extract", len(docs), len(docs))
    return results, skipped


def json_stem(name: str) -> str:
    """The stem of a document's JSON file: ``a.txt`` → ``a``, ``feed.xml#3`` → ``feed--3``.

    >>> json_stem("001_787f81ed9a464c78.txt"), json_stem("feed.xml#entry-3")
    ('001_787f81ed9a464c78', 'feed--entry-3')
    """
    file, _, entry = name.partition("#")
    stem = file.rsplit(".", 1)[0] if "." in file.lstrip(".") else file
    return f"{stem}--{entry}" if entry else stem


def _unique_names(docs: list[Document]) -> dict[str, str]:
    """The document name of each document, made unique (by JSON stem) in corpus order:
    ``a/post.txt`` and ``b/post.txt`` become ``post.txt`` and ``post-2.txt``."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for doc in docs:
        name, k = doc.name, 2
        while json_stem(name).lower() in used:
            file, sep, entry = doc.name.partition("#")
            stem, dot, suffix = file.rpartition(".") if "." in file else (file, "", "")
            name = f"{stem}-{k}{dot}{suffix}{sep}{entry}"
            k += 1
        used.add(json_stem(name).lower())
        names[doc.id] = name
    return names


def _json_name(ex: Extraction) -> str:
    return f"{json_stem(ex.document)}.json"


def write_extractions(extractions: list[Extraction], folder: Path) -> list[Path]:
    """Write one JSON per document (atomically) and drop files of documents now gone."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in extractions:
        path = folder / _json_name(ex)
        write_text(path, json.dumps(ex.to_json(), ensure_ascii=False, indent=1, sort_keys=False) + "\n")
        written.append(path)
    keep = {p.name for p in written}
    for stale in folder.glob("*.json"):
        if stale.name not in keep:
            stale.unlink(missing_ok=True)
    return written


def extract_documents(paths: Iterable[Path], out: Path, config: Config, progress: Progress = _noop) -> RunResult:
    """``kg extract``: the per-document JSON only."""
    result = RunResult(out=out)
    items, result.skipped = extract_corpus(paths, config, progress, result.timings)
    result.extractions = [ex for _, ex, _ in items]
    result.documents = len(items)
    with build_lock(out):
        result.files = write_extractions(result.extractions, out)
    return result


def build(paths: Iterable[Path], out: Path, config: Config, progress: Progress = _noop) -> RunResult:
    """``kg build``: the graph, its store, the JSON, the analysis and the views."""
    from kg.analyze import analyze
    from kg.build import Minter, corpus_triples, document_triples, post_urls
    from kg.export import to_rdf
    from kg.render import write_views
    from kg.report import write_report
    from kg.resolve import resolve_corpus
    from kg.store import open_graph, write_store

    paths = list(paths)
    result = RunResult(out=out)
    with build_lock(out):
        items, result.skipped = extract_corpus(paths, config, progress, result.timings)
        if not items:
            from kg.errors import CorpusError

            raise CorpusError("no document of the corpus could be read", path=paths[0] if len(paths) == 1 else None,
                              skipped=result.skipped)
        clock = _Clock(result.timings)
        extractions = [ex for _, ex, _ in items]
        resolution = resolve_corpus(extractions)
        clock.lap("resolve")
        minter = Minter(config.base_iri, resolution, post_urls(extractions))
        graphs: dict[str, list[str]] = {}
        for i, (_, ex, text) in enumerate(items):
            progress("graph", i, len(items))
            graphs[minter.graph(ex.doc_id)] = document_triples(ex, text, minter)
        graphs[minter.corpus_graph()] = corpus_triples(resolution, minter)
        result.triples = len({t for lines in graphs.values() for t in lines})
        clock.lap("rdf")
        progress("write", 0, 4)
        files: list[Path] = []
        write_store(out, graphs)
        clock.lap("write-store")
        progress("write", 1, 4)
        write_bytes(out / "kg.ttl", to_rdf(graphs, "ttl", config.base_iri))
        write_bytes(out / "kg.trig", to_rdf(graphs, "trig", config.base_iri))
        files += [out / "kg.ttl", out / "kg.trig"]
        clock.lap("write-rdf")
        progress("analyse", 2, 4)
        store = open_graph(out)
        analysis = analyze(store)
        clock.lap("analyse")
        stats = analysis.to_stats(documents=len(items), skipped=[str(e) for e in result.skipped])
        write_text(out / "stats.json", json.dumps(stats, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        files += write_report(analysis, stats, out)
        clock.lap("report")
        progress("render", 3, 4)
        files += write_views(analysis, stats, out / "views")
        clock.lap("render")
        # Last, as it removes the JSON of documents now gone: a build killed before the end
        # must leave every previous output in place.
        files = write_extractions(extractions, out / "extractions") + files
        clock.lap("write-json")
        progress("render", 4, 4)
        del store
        result.extractions = extractions
        result.documents = len(items)
        result.files = files
        result.stats = stats
    return result


def evaluate_documents(gold: Path, docs: list[Path] | None, pred: Path | None, config: Config,
                       progress: Progress = _noop) -> tuple[Any, list[KgError]]:
    """``kg evaluate``: score extractions of ``docs`` (made now) or the JSON files in
    ``pred`` against the gold labels in ``gold``; returns the scores and files skipped."""
    from kg.evaluate import load_gold, load_predictions, score

    labels = load_gold(gold)
    if pred is not None:
        return score(labels, load_predictions(pred)), []
    items, skipped = extract_corpus(docs or [], config, progress)
    predictions = {json_stem(ex.document): ex.to_json() for _, ex, _ in items}
    return score(labels, predictions), skipped
