"""The per-document work of a build, in this process or in a pool of worker processes.

Input: documents (to parse and extract) or extractions with their texts (to turn into
named graphs). Output: extractions, and RDF chunks written to the cache. The spaCy
pipeline is built once, before a pool forks (its workers inherit it; a first build reads
the corpus in another process meanwhile), unless the workers start while this process
reads the cache: the worker then builds its own meanwhile. A document that fails (bad markup,
or a bug in a rule) comes back as a :class:`~kg.errors.DocumentError` naming the file,
never stopping the rest of the corpus.

A pool pays only when there is enough work for it: spaCy's ``n_process`` pickles every
``Doc`` and was slower than one process on this pipeline, so documents, not Docs, cross
process boundaries here, in batches.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from kg.cache import content_digest, extraction_payload, read_extraction
from kg.config import Config
from kg.errors import DocumentError
from kg.model import Document, Extraction

log = logging.getLogger(__name__)

#: Below this many documents a pool costs more (process start, one pipeline each) than it saves.
POOL_THRESHOLD = 40

_STATE: dict[str, Any] = {}

T = TypeVar("T")


def worker_count(config: Config, jobs: int) -> int:
    """How many processes to use for ``jobs`` documents (1: this process)."""
    workers = config.workers if config.workers else (os.cpu_count() or 1)
    return 1 if jobs < POOL_THRESHOLD else max(1, min(workers, jobs))


def _chunksize(jobs: int, workers: int) -> int:
    """Jobs per message to a pool's workers: about 8 messages per worker, at most 16 jobs each."""
    return max(1, min(16, jobs // (workers * 8)))


def fork_pool(workers: int, initializer: Callable[..., None] | None = None, args: tuple = ()) -> ProcessPoolExecutor:
    """A pool of forked workers (no re-import per worker where the platform allows) that
    die with the build: a build killed with SIGKILL leaves no worker running."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        context = multiprocessing.get_context()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(os.getpid(), initializer, args))


def _start_worker(parent: int, initializer: Callable[..., None] | None, args: tuple) -> None:
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)
    if initializer is not None:
        initializer(*args)


# --- extraction ---------------------------------------------------------------------------


#: ``(document id, extraction, text, digest, error)``: the digest is that of the extraction's
#: cache entry (:func:`~kg.cache.read_extraction`); ``None`` for a document extracted in
#: this process without a cache key (in a pool, the payload sent back is digested).
ExtractResult = tuple[str, Extraction | None, str | None, str | None, DocumentError | None]


def _init_extract(config: Config, cache_folder: Path | None = None) -> None:
    """Make this process ready to extract: its pipeline and the cache to write to.

    The pipeline is kept from an earlier call with the same config, which in a forked
    worker is the parent's call made before the fork: one pipeline built per build, not
    one per worker. Once built, its objects (lexicons, matchers, the vocabulary) are
    frozen out of the garbage collector's sight (:func:`gc.freeze`): they live as long
    as the process, yet every full collection during extraction walked them all (two
    thirds of the collector's time on the lemire pages), and a worker that walked them
    copied the pages it shares with its parent.
    """
    if "nlp" not in _STATE or _STATE.get("config") != config:
        from kg.nlp import make_nlp

        _STATE["nlp"] = make_nlp(config.model)
        _STATE["config"] = config
        gc.freeze()
    if cache_folder is not None:
        from kg.cache import Cache

        _STATE["extract-cache"] = Cache(cache_folder)


def _init_extract_worker(config: Config, cache_folder: Path | None) -> None:
    """:func:`_init_extract` in a worker process, with the garbage collector on (a worker
    forked while the build paused it inherits the pause; spaCy's objects may form cycles)."""
    gc.enable()
    _init_extract(config, cache_folder)


def _warm_up() -> None:
    """Extract a short text: the first document pays for tables built on first use."""
    doc = Document(id="warm-up", source="warm-up.txt", format="text", name="warm-up.txt", digest="",
                   content="A post by Jane Doe.\n\nShe cites the ITIL report of AXELOS.\n")
    _extract((doc, "warm-up", None))


def with_pipeline_built(config: Config, cache_folder: Path | None, read: Callable[..., T], *args: Any) -> T:
    """Return ``read(*args)``, called in a forked process while this one builds the
    extraction pipeline and warms it up: the pool of :func:`extract_all` then inherits it,
    instead of each worker building its own (two CPU-seconds each). For a first build,
    whose reading of the corpus would otherwise hold a core while the workers start.
    ``read``, its arguments and its value must pickle."""
    pool = fork_pool(1)
    try:
        reading = pool.submit(read, *args)
        _init_extract(config, cache_folder)
        _warm_up()
        value = reading.result()
    except BaseException:  # the reading is not waited for: it dies with this process
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()  # ended, with its threads, before this process forks the workers
    return value


def _extract_one(task: tuple[Document, str, str | None]) -> ExtractResult:
    """Extract a document, and write its cache entry when it has a key."""
    doc_id, ex, text, err = _extract(task)
    if ex is None or text is None or task[2] is None:
        return doc_id, ex, text, None, err
    return doc_id, ex, text, content_digest(_keep(task[2], ex, text)), err


def _extract_sent(task: tuple[Document, str, str | None]) -> tuple[str, str | None, DocumentError | None]:
    """:func:`_extract_one` in a pool worker: the extraction goes back as its JSON payload
    (the parent only collects)."""
    doc_id, ex, text, err = _extract(task)
    return doc_id, None if ex is None or text is None else _keep(task[2], ex, text), err


def _keep(key: str | None, ex: Extraction, text: str) -> str:
    """The extraction's JSON payload, written to the cache under ``key`` (unless ``None``)."""
    payload = extraction_payload(ex, text)
    if key is not None:
        _STATE["extract-cache"].save_extraction(key, payload)
    return payload


def _received(sent: tuple[str, str | None, DocumentError | None]) -> ExtractResult:
    doc_id, payload, err = sent
    if payload is None:
        return doc_id, None, None, None, err
    return (doc_id, *read_extraction(payload), None)


def _extract(task: tuple[Document, str, str | None]) -> ExtractResult:
    from kg.extract import extract
    from kg.structure import to_post

    doc, name, _ = task
    config: Config = _STATE["config"]
    try:
        post = to_post(doc)
        ex = extract(post, _STATE["nlp"], document=name, source=doc.source, max_concepts=config.max_concepts)
        return doc.id, ex, post.text, None
    except DocumentError as err:
        return doc.id, None, None, err
    except RecursionError as err:
        return doc.id, None, None, DocumentError(f"markup nested too deeply to read ({err})", path=doc.source)
    except Exception as err:  # a bug in one rule must not lose the corpus: name the file
        log.exception("extraction failed on %s", doc.source)
        return doc.id, None, None, DocumentError(f"extraction failed: {type(err).__name__}: {err}", path=doc.source)


def extract_all(tasks: Sequence[tuple[Document, str, str | None]], config: Config,
                progress: Callable[[int, int], None], cache_folder: Path | None = None,
                alongside: bool = False) -> Extracting:
    """Extract documents, in order, in this process or a pool. Each task is a document,
    its JSON name and its cache key (``None``: not cached).

    Args:
        alongside: the caller has work of its own to do before it reads the results: the
            documents go to worker processes (one at least) at once, so that the two run
            side by side.
    """
    return Extracting(tasks, config, progress, cache_folder, alongside)


class Extracting:
    """The results of :func:`extract_all` as they come; a pool, if any, starts at once and
    is shut down once the results are read or :meth:`close` is called."""

    def __init__(self, tasks: Sequence[tuple[Document, str, str | None]], config: Config,
                 progress: Callable[[int, int], None], cache_folder: Path | None, alongside: bool):
        self.tasks, self.config, self.progress, self.cache_folder = tasks, config, progress, cache_folder
        self.pool: ProcessPoolExecutor | None = None
        workers = worker_count(config, len(tasks))
        if not tasks:
            return
        if workers > 1 or alongside:
            if workers > 1:  # here, before the pool forks: its workers inherit it
                _init_extract(config, cache_folder)
            # (alongside, one worker builds its own pipeline while the caller works)
            self.pool = fork_pool(workers, _init_extract_worker, (config, cache_folder))
            self.results = self.pool.map(_extract_sent, tasks, chunksize=_chunksize(len(tasks), workers))  # submitted now

    def __iter__(self) -> Iterator[ExtractResult]:
        if not self.tasks:  # every extraction cached: no pipeline to build
            return
        if self.pool is None:
            yield from self._here()
            return
        try:
            for i, sent in enumerate(self.results):
                self.progress(i, len(self.tasks))
                yield _received(sent)
        finally:
            self.close()

    def _here(self) -> Iterator[ExtractResult]:
        _init_extract(self.config, self.cache_folder)
        for i, task in enumerate(self.tasks):
            self.progress(i, len(self.tasks))
            yield _extract_one(task)

    def close(self) -> None:
        """Stop the pool (work not yet begun is dropped)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


# --- named graphs ---------------------------------------------------------------------------


def _init_chunks(minter: Any, base: str, cache_folder: Path, tasks: Sequence[tuple[str, Extraction, str]]) -> None:
    from kg.cache import Cache

    _STATE["minter"] = minter
    _STATE["base"] = base
    _STATE["cache"] = Cache(cache_folder)
    _STATE["chunk-tasks"] = tasks


def _chunk_one(task: tuple[str, Extraction, str]) -> tuple[str, str, int]:
    from kg.analyze.source import dumps, graph_rows
    from kg.build import document_triples
    from kg.export import serialize_graph

    key, ex, text = task
    minter = _STATE["minter"]
    graph = minter.graph(ex.doc_id)
    triples = document_triples(ex, text, minter)
    nq, ttl = serialize_graph(graph, triples, _STATE["base"])
    _STATE["cache"].save_chunk(key, graph, len(triples), nq, ttl, dumps(graph_rows(triples)))
    return key, graph, len(triples)


def _chunk_at(index: int) -> tuple[str, str, int]:
    return _chunk_one(_STATE["chunk-tasks"][index])


def make_chunks(tasks: Sequence[tuple[str, Extraction, str]], minter: Any, cache_folder: Path, config: Config,
                progress: Callable[[int, int], None], meanwhile: Callable[[], T]) -> T:
    """Write the named graph of each ``(chunk key, extraction, text)`` to the cache, and
    return what ``meanwhile`` returns: work of this process, done while the workers run.

    The tasks reach forked workers with the process, and each is then named by its index:
    pickling the extractions and texts to the workers cost a quarter of the work itself.
    """
    workers = worker_count(config, len(tasks))
    if workers == 1:
        _init_chunks(minter, minter.base, cache_folder, tasks)
        for i, task in enumerate(tasks):
            progress(i, len(tasks))
            _chunk_one(task)
        return meanwhile()
    with fork_pool(workers, _init_chunks, (minter, minter.base, cache_folder, tasks)) as pool:
        done = pool.map(_chunk_at, range(len(tasks)), chunksize=_chunksize(len(tasks), workers))  # submitted now
        value = meanwhile()
        for i, _ in enumerate(done):
            progress(i, len(tasks))
    return value
