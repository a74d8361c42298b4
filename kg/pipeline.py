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

import contextlib
import functools
import hashlib
import itertools
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.collector import collection_paused
from kg.config import Config
from kg.corpus import KnownFiles, SourceFile, iter_files, load_corpus, load_files
from kg.errors import KgError
from kg.files import build_lock, write_text
from kg.model import Document, Extraction

if TYPE_CHECKING:
    from kg.workers import Aside

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
    #: triples in all named graphs (one that stands in two graphs counts twice)
    triples: int = 0
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    #: documents extracted anew (the others came from the cache)
    extracted: int = 0
    #: the last build's inputs, options and code were these: nothing was redone
    unchanged: bool = False
    #: graph IRI -> the key of the cache entry it was loaded from
    graphs: dict[str, str] = field(default_factory=dict)
    chunks: list[Any] = field(default_factory=list, repr=False)
    #: the outputs being written meanwhile
    pending: Aside | None = field(default=None, repr=False)


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
    """Load, parse and extract every document (in worker processes when it pays); returns
    ``(document, extraction, text)`` in corpus order and the problems met (one per
    skipped file)."""
    from kg.workers import extract_all

    timings = {} if timings is None else timings
    clock = _Clock(timings)
    docs, problems = load_corpus(list(paths), max_bytes=config.max_file_bytes)
    clock.lap("load")
    names = _unique_names(docs)
    by_id = {d.id: d for d in docs}
    results: list[tuple[Document, Extraction, str]] = []
    skipped: list[KgError] = list(problems)
    for doc_id, ex, text, _, err in extract_all([(d, names[d.id], None) for d in docs], config,
                                             lambda i, n: progress("extract", i, n)):
        if err is not None:
            skipped.append(err)
        else:
            results.append((by_id[doc_id], ex, text))
    progress("extract", len(docs), len(docs))
    clock.lap("extract")
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


_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(", ", ": ")).encode


def extraction_text(data: dict[str, Any]) -> str:
    """A document's extraction as JSON text: a line per field, and a line per record of
    the lists of records (persons, citations, sentences ...), so that a diff or a search
    shows whole records. (Also about three times faster to write than ``indent=1``, whose
    encoder is written in Python.)

    >>> print(extraction_text({"title": "T", "span": [0, 5], "persons": [{"name": "Ann"}, {"name": "Bo"}], "links": []}), end="")
    {
     "title": "T",
     "span": [0, 5],
     "persons": [
      {"name": "Ann"},
      {"name": "Bo"}
     ],
     "links": []
    }
    """
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(item, (dict, list)) for item in value):
            records = ",\n  ".join(map(_ENCODE, value))
            lines.append(f" {_ENCODE(key)}: [\n  {records}\n ]")
        else:
            lines.append(f" {_ENCODE(key)}: {_ENCODE(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write_extractions(extractions: list[Extraction], folder: Path, changed: set[str] | None = None,
                      drop_stale: bool = True) -> list[Path]:
    """Write one JSON per document (atomically) and drop files of documents now gone.

    Args:
        changed: the ids of the documents whose JSON may differ from what is on disk;
            ``None`` for all. The others are left as they are.
        drop_stale: also delete the JSON of documents not in ``extractions`` (else
            :func:`drop_stale_json` does it later).
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in extractions:
        path = folder / _json_name(ex)
        if changed is None or ex.doc_id in changed or not path.exists():
            write_text(path, extraction_text(ex.to_json()), durable=False)
        written.append(path)
    if drop_stale:
        drop_stale_json(folder, written)
    return written


def drop_stale_json(folder: Path, keep: Iterable[Path]) -> None:
    """Delete the JSON files of ``folder`` that are not in ``keep``."""
    names = {p.name for p in keep}
    for stale in folder.glob("*.json"):
        if stale.name not in names:
            stale.unlink(missing_ok=True)


def extract_documents(paths: Iterable[Path], out: Path, config: Config, progress: Progress = _noop) -> RunResult:
    """``kg extract``: the per-document JSON only."""
    result = RunResult(out=out)
    items, result.skipped = extract_corpus(paths, config, progress, result.timings)
    result.extractions = [ex for _, ex, _ in items]
    result.documents = len(items)
    with build_lock(out):
        result.files = write_extractions(result.extractions, out)
    return result


#: The files a complete build leaves, besides the views and the extraction JSON.
OUTPUTS = ("kg.ttl", "kg.trig", "stats.json", "report.md", "views/index.html")


def build(paths: Iterable[Path], out: Path, config: Config, progress: Progress = _noop) -> RunResult:
    """``kg build``: the graph, its store, the JSON, the analysis and the views.

    Incremental: a corpus file in the state the last build saw is not read again; a
    document's extraction is cached by its bytes and the options, its named graph by what
    was extracted, the corpus-wide names it uses and the code; the store is updated from a
    checkpoint of the previous one (or loaded anew when many graphs changed); ``kg.ttl``
    and ``kg.trig`` are joined from the cached graphs when some graph changed. Names
    across documents are found on the whole corpus, unless every document's extraction
    is the last build's (then so are the graphs); the analysis, report and views are
    made on the whole corpus when the rows they read of some graph changed. A build whose
    inputs, options and code are those of the last complete build changes nothing; one
    that changes outputs first removes the manifest, which says what they were made of.
    """
    paths = list(paths)
    with build_lock(out):
        run = _Build(out, config, progress)
        docs, names, inputs = run.load(paths)
        if run.manifest and run.manifest.get("inputs") == inputs and _complete(out, run.manifest):
            return _unchanged(run.result, out, run.manifest)
        run.cache.forget_manifest()  # (read already: the build goes on from what it says)
        items, digests = run.extract(docs, names)
        if not items:
            from kg.errors import CorpusError

            raise CorpusError("no document of the corpus could be read", path=paths[0] if len(paths) == 1 else None,
                              skipped=run.result.skipped)
        with collection_paused():
            changed = run.write_graph(items, digests)
            run.analyse()
            # While the store is still being written in the background; the JSON of documents
            # now gone goes last: a build killed before the end leaves every output in place.
            written = write_extractions(run.result.extractions, out / "extractions", changed, drop_stale=False)
        run.finish(inputs, written)
    return run.result


class _Build:
    """One ``kg build`` under way: its stages, and what they share (the output folder, the
    options, the cache, the result, the clock)."""

    def __init__(self, out: Path, config: Config, progress: Progress):
        from kg.cache import Cache

        self.out = out
        self.config = config
        self.progress = progress
        self.result = RunResult(out=out)
        self.clock = _Clock(self.result.timings)
        self.cache = Cache(out / ".cache")
        self.manifest = self.cache.load_manifest()
        #: for the manifest: the key each group of outputs was made under, and its files
        self.outputs: dict[str, dict[str, Any]] = {}

    def load(self, paths: list[Path]) -> tuple[list[Document], dict[str, str], str]:
        """The corpus's documents, their unique names, and one digest of the inputs."""
        from kg.cache import inputs_digest
        from kg.config import PIPELINE_VERSION
        from kg.kept import OUTPUT_LIBRARIES, RDF_LIBRARIES, package_digest
        from kg.workers import with_pipeline_built, worker_count

        config = self.config
        files, problems = iter_files(paths)
        known = KnownFiles(self.cache.load_files())  # files in the state the last build saw are not read again
        if self.manifest is None and worker_count(config, len(files)) > 1:
            # A first build extracts every document: the corpus is read while the pipeline is built.
            docs, problems, known = with_pipeline_built(config, self.cache.folder, _read_files, files, problems,
                                                        config.max_file_bytes, known)
        else:
            docs, problems, known = _read_files(files, problems, config.max_file_bytes, known)
        self.result.skipped = list(problems)
        names = _unique_names(docs)
        # (the code too: a build by other code, or with other libraries, is no unchanged build)
        code = package_digest(RDF_LIBRARIES + OUTPUT_LIBRARIES)
        settings = f"{PIPELINE_VERSION}|{config.extraction_digest()}|{config.base_iri}|{code}"
        inputs = inputs_digest(((f"{d.id}|{names[d.id]}|{d.source}", d.digest) for d in docs), settings)
        self.clock.lap("load")
        if known.now != known.before:
            self.cache.save_files(known.now)
        return docs, names, inputs

    def extract(self, docs: list[Document], names: dict[str, str]
                ) -> tuple[list[tuple[Document, Extraction, str]], dict[str, str]]:
        """Each document's extraction and text, in corpus order, and the digest of its
        cache entry (what its named graph is made of). Cached by content: the documents
        not in the cache go to the workers at once, and the cached ones are read meanwhile."""
        from kg.cache import extraction_key
        from kg.workers import extract_all

        cache, config, result = self.cache, self.config, self.result

        def progress(i: int, n: int) -> None:
            self.progress("extract", i, n)

        options = config.extraction_digest()
        keys = {d.id: extraction_key(d, options) for d in docs}
        uncached = [(d, names[d.id], keys[d.id]) for d in docs if not cache.has_extraction(keys[d.id])]
        todo = _readable(uncached, config, result.skipped)
        extracting = extract_all(todo, config, progress, cache.folder, alongside=len(todo) < len(docs))
        found: dict[str, tuple[Extraction, str, str]] = {}
        # The build's own objects live until it ends (kg.collector says why this pays).
        with contextlib.closing(extracting), collection_paused():
            asked = {d.id for d, _, _ in uncached}  # sent to the workers, or skipped as unreadable
            missing = []
            for d in docs:
                if d.id in asked:
                    continue
                hit = cache.load_extraction(keys[d.id])
                if hit is not None and hit[0].document == names[d.id]:
                    found[d.id] = hit
                else:  # unreadable, or made under another name
                    missing.append((d, names[d.id], keys[d.id]))
            self.clock.lap("cache-read")
            if todo:  # the workers are busy: meanwhile, what the next stages need
                _load_later_stages()
            missing = _readable(missing, config, result.skipped)
            todo += missing
            failed: set[str] = set()
            late = extract_all(missing, config, progress, cache.folder)
            with contextlib.closing(late):
                for doc_id, ex, text, digest, err in itertools.chain(extracting, late):
                    if err is not None:
                        result.skipped.append(err)
                        failed.add(doc_id)
                        continue
                    found[doc_id] = (ex, text, digest)
                    cache.used.add(cache.extraction_path(keys[doc_id]))  # written by the worker
        result.extracted = len(todo) - len(failed)
        self.clock.lap("extract")
        kept = [d for d in docs if d.id in found]
        return [(d, *found[d.id][:2]) for d in kept], {d.id: found[d.id][2] for d in kept}

    def write_graph(self, items: list[tuple[Document, Extraction, str]], digests: dict[str, str]) -> set[str] | None:
        """Names across documents, the named graphs (cached), the store, Turtle, TriG;
        returns the documents whose JSON may have changed (``None``: all)."""
        from kg.export import write_rdf_files
        from kg.store import STORE_NAME, has_store, store_signature, write_store_from
        from kg.workers import Aside

        config, result, out = self.config, self.result, self.out
        extractions = [ex for _, ex, _ in items]
        # The names across documents and the graphs are a function of what was extracted,
        # in corpus order, and of the code: when those are the last build's, so are the graphs.
        graphs_key = _graphs_key([(d.id, digests[d.id]) for d, _, _ in items], config.base_iri)
        chunks = self._graphs_made_before(graphs_key)
        if chunks is not None:
            changed: set[str] | None = set()
            self.clock.lap("resolve")
        else:
            chunks, changed = self._make_graphs(items, digests)
        self._made("graphs", graphs_key, [])
        result.triples = sum(c.triples for c in chunks)
        result.graphs = {c.graph: c.key for c in chunks}
        self.clock.lap("rdf")

        previous = self.manifest.get("graphs") if self.manifest else None
        # The store and the Turtle and TriG files (copied from the cache) are written in
        # other processes while the rest of the build goes on; they are waited for before
        # the build ends. Neither is written again when it holds these graphs already (the
        # graphs' IRIs and keys say the base IRI too).
        signature = store_signature(result.graphs.items())
        writers: list[tuple[Path, Callable[[], Any]]] = []
        if not has_store(out, signature):
            writers.append((out / STORE_NAME, functools.partial(
                write_store_from, out, [(c.graph, c.key, c.nquads) for c in chunks], previous=previous)))
        files = [out / "kg.ttl", out / "kg.trig"]
        if self._made_before("rdf", signature) is None:
            writers.append((files[0], functools.partial(write_rdf_files, out, chunks, config.base_iri)))
        result.pending = Aside(writers)
        self._made("rdf", signature, files)
        result.chunks = chunks
        result.files += files
        result.extractions = extractions
        result.documents = len(items)
        return changed

    def _graphs_made_before(self, key: str) -> list[Any] | None:
        """The last whole build's named graphs (from the cache, in its order: the corpus's),
        if it made them under ``key``."""
        if self._made_before("graphs", key) is None:
            return None
        chunks = [self.cache.load_chunk(str(k)) for k in self.manifest.get("graphs", {}).values()]  # type: ignore[union-attr]
        return chunks if chunks and all(chunks) else None  # type: ignore[return-value]

    def _make_graphs(self, items: list[tuple[Document, Extraction, str]], digests: dict[str, str]
                     ) -> tuple[list[Any], set[str] | None]:
        """Names across documents, then each document's named graph (cached by
        :func:`~kg.build.chunk_key`) and the graph of the corpus-wide descriptions; and the
        documents whose graph is not one of the last build's (``None``: no last build)."""
        from kg.analyze.source import CORPUS_QUERIES, dumps, graph_rows
        from kg.build import Minter, chunk_key, code_digest, corpus_triples, post_urls
        from kg.export import serialize_graph
        from kg.resolve import resolve_corpus
        from kg.workers import make_chunks

        cache, config = self.cache, self.config
        extractions = [ex for _, ex, _ in items]
        resolution = resolve_corpus(extractions)
        minter = Minter(config.base_iri, resolution, post_urls(extractions))
        self.clock.lap("resolve")
        chunk_keys = {ex.doc_id: chunk_key(digests[d.id], ex, minter) for d, ex, _ in items}
        found = {key: cache.load_chunk(key) for key in chunk_keys.values()}
        todo = [(chunk_keys[ex.doc_id], ex, text) for _, ex, text in items if found[chunk_keys[ex.doc_id]] is None]

        def corpus_chunk() -> Any:
            """The graph of the corpus-wide entity descriptions, keyed by its triples and the code."""
            corpus = corpus_triples(resolution, minter)
            key = "corpus-" + hashlib.sha256("\n".join([code_digest(), *corpus]).encode("utf-8")).hexdigest()[:24]
            chunk = cache.load_chunk(key)
            if chunk is None:
                serialised = serialize_graph(minter.corpus_graph(), corpus, config.base_iri)
                rows = dumps(graph_rows(corpus, CORPUS_QUERIES))
                chunk = cache.save_chunk(key, minter.corpus_graph(), len(corpus), *serialised, rows)
            return chunk

        corpus = make_chunks(todo, minter, cache.folder, config, lambda i, n: self.progress("graph", i, n),
                             meanwhile=corpus_chunk)
        # the chunks made just now were written by the workers: read only those
        chunks = [found[key] or cache.load_chunk(key) for key in (chunk_keys[ex.doc_id] for ex in extractions)]
        chunks.append(corpus)
        if not self.manifest:
            return chunks, None
        before = set(self.manifest.get("graphs", {}).values())
        return chunks, {doc for doc, key in chunk_keys.items() if key not in before}

    def analyse(self) -> None:
        """Analysis from the rows each named graph gave (the same queries as on the store,
        graph by graph), then stats.json, report.md and the views; none of them is written
        again when what they are made of (every graph's rows, the documents and the files
        skipped, the code) is what the last build made them of."""
        from kg.analyze import analyze
        from kg.analyze.source import RowsSource
        from kg.kept import Kept
        from kg.layout import KeptLayouts
        from kg.render import write_views
        from kg.report import write_report

        out, result, clock = self.out, self.result, self.clock
        self.progress("analyse", 0, 3)
        skipped = [str(e) for e in result.skipped]
        key = _outputs_key(result.chunks, result.documents, skipped)
        written = self._made_before("analysis", key)
        stats = _read_stats(out) if written is not None else None
        if written is not None and stats is not None:
            self._made("analysis", key, written)
            result.files += written
            result.stats = stats
            clock.lap("analyse")
            self.progress("render", 3, 3)
            return
        # metrics and node positions are kept by the graphs they were computed for
        metrics, layouts = Kept(self.cache.folder / "metrics"), KeptLayouts(self.cache.folder / "layout")
        analysis = analyze(RowsSource(json.loads(c.rows()) for c in result.chunks), kept=metrics)
        clock.lap("analyse")
        stats = analysis.to_stats(documents=result.documents, skipped=skipped)
        write_text(out / "stats.json", json.dumps(stats, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        report: list[Path] = []

        def write_the_report() -> None:  # while worker processes draw the views
            report.extend(write_report(analysis, stats, out, layouts))
            clock.lap("report")

        self.progress("render", 1, 3)
        views = write_views(analysis, stats, out / "views", meanwhile=write_the_report, layouts=layouts)
        for kept in (metrics, layouts):  # what this build neither made nor used goes
            kept.forget_unused()
        result.files += report + views
        self._made("analysis", key, report + views)
        clock.lap("render")
        self.progress("render", 3, 3)
        result.stats = stats

    def _made_before(self, name: str, key: str) -> list[Path] | None:
        """The files of output group ``name`` (``graphs``, which has none; ``rdf``;
        ``analysis``) if the last whole build made them under ``key`` and they are all
        still there. (A build stopped midway leaves no manifest: its outputs are never
        taken for whole ones.)"""
        try:
            record = self.manifest["outputs"][name] if self.manifest else None
            files = [self.out / str(f) for f in record["files"]] if record and record["key"] == key else None
        except (KeyError, TypeError):
            return None
        return files if files is not None and all(path.is_file() for path in files) else None

    def _made(self, name: str, key: str, files: list[Path]) -> None:
        self.outputs[name] = {"key": key, "files": [path.relative_to(self.out).as_posix() for path in files]}

    def finish(self, inputs: str, written: list[Path]) -> None:
        """Wait for the background writers, drop the JSON of documents now gone, and record
        what this build was made of (the manifest, written last)."""
        result, clock = self.result, self.clock
        result.files = written + result.files
        clock.lap("write-json")
        if result.pending is not None:
            result.pending.wait()
        clock.lap("background")
        drop_stale_json(self.out / "extractions", written)
        self.cache.save_manifest({
            "inputs": inputs,
            "graphs": result.graphs,
            "documents": result.documents,
            "triples": result.triples,
            "skipped": [str(e) for e in result.skipped],
            "outputs": self.outputs,
        })
        self.cache.prune()
        clock.lap("manifest")


def _load_later_stages() -> None:
    """Import what the stages after extraction use (networkx, scipy, igraph, jinja2) and
    read the views' assets: about half a second this process would spend later."""
    import igraph  # noqa: F401
    import scipy.sparse  # noqa: F401

    import kg.analyze.reader  # noqa: F401
    import kg.build  # noqa: F401
    import kg.report  # noqa: F401
    from kg.render import prepare

    prepare()


def _read_files(files: list[SourceFile], problems: list[KgError], max_bytes: int, known: KnownFiles
                ) -> tuple[list[Document], list[KgError], KnownFiles]:
    """:func:`~kg.corpus.load_files`, returning ``known`` too: when the reading runs in a
    process of its own (:func:`~kg.workers.with_pipeline_built`), what ``known`` learnt
    comes back only as a value."""
    docs, problems = load_files(files, problems, max_bytes=max_bytes, known=known)
    return docs, problems, known


def _readable(tasks: list[tuple[Document, str, str]], config: Config, skipped: list[KgError]
              ) -> list[tuple[Document, str, str]]:
    """Extraction tasks with their documents' content, read now for a file known unchanged
    (:class:`~kg.corpus.KnownFiles`); a file that cannot be read any more is skipped."""
    out = []
    for doc, name, key in tasks:
        try:
            out.append((KnownFiles.with_content(doc, config.max_file_bytes), name, key))
        except KgError as err:
            skipped.append(err)
    return out


def _complete(out: Path, manifest: dict[str, Any]) -> bool:
    store = out / "store"
    return all((out / name).is_file() for name in OUTPUTS) and store.is_symlink() and (store.resolve() / "CURRENT").exists()


def _unchanged(result: RunResult, out: Path, manifest: dict[str, Any]) -> RunResult:
    """The last build stands: report it without redoing anything."""
    result.unchanged = True
    result.documents = manifest.get("documents", 0)
    result.triples = manifest.get("triples", 0)
    result.stats = _read_stats(out) or {}
    return result


def _read_stats(out: Path) -> dict[str, Any] | None:
    try:
        stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stats if isinstance(stats, dict) else None


def _outputs_key(chunks: list[Any], documents: int, skipped: list[str]) -> str:
    """A digest of what stats.json, the report and the views are made of: the rows of
    every named graph (in order), the number of documents, the files skipped, this
    package's code and the libraries' versions."""
    from kg.kept import OUTPUT_LIBRARIES, package_digest

    parts = [package_digest(OUTPUT_LIBRARIES), documents, skipped, [(c.graph, c.rows_digest) for c in chunks]]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()[:32]


def _graphs_key(extracted: list[tuple[str, str]], base_iri: str) -> str:
    """What the named graphs are made of: each document's id and the digest of its
    extraction's cache entry, in corpus order, the base IRI, and the code."""
    from kg.build import code_digest

    parts = [code_digest(), base_iri, *(f"{doc}\x01{digest}" for doc, digest in extracted)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


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
