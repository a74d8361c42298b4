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
import pickle
import subprocess
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
    _die_with(parent)
    if initializer is not None:
        initializer(*args)


def _die_with(parent: int) -> None:
    """End this process when ``parent`` ends (on Linux; elsewhere, when its work is done)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


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


# --- writers --------------------------------------------------------------------------------


class Aside:
    """Calls run while this process goes on, each in a new Python process: the build's
    writers (the store; ``kg.ttl`` and ``kg.trig``) while it analyses the graph.

    Not threads: their Python parts (reading the named graphs from the cache, joining them
    into batches and files) waited for the interpreter's lock, which the analysis held,
    after each read and write, while a core idled. Not forked: a forked process that opens
    a store hangs when its parent has opened one before (RocksDB's background threads are
    not forked, and their locks stay taken). Not a ``multiprocessing`` spawn either, which
    runs the caller's main script again in the new process. The calls are pickled to the
    new process, which dies with this one (on Linux).
    """

    def __init__(self, calls: Sequence[tuple[Path, Callable[[], Any]]]):
        """``calls``: each call, with the output it writes (named if its process fails)."""
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._running = [(output, subprocess.Popen([sys.executable, "-c", _ASIDE], stdin=subprocess.PIPE,
                                                   stdout=subprocess.PIPE, env=env)) for output, _ in calls]
        for (_, process), (_, call) in zip(self._running, calls):
            with process.stdin as pipe:  # type: ignore[union-attr]
                pipe.write(pickle.dumps((os.getpid(), pickle.dumps(call))))

    def wait(self) -> None:
        """Wait for every call, then raise the first error, if any (a call whose process
        failed otherwise raises :class:`~kg.errors.GraphError` naming its output)."""
        from kg.errors import GraphError

        errors: list[BaseException] = []
        for output, process in self._running:  # all of them: none is left writing
            with process.stdout as pipe:  # type: ignore[union-attr]
                reply = pipe.read()
            if process.wait() != 0:
                errors.append(GraphError(f"not written: the process writing it ended abruptly (exit status "
                                         f"{process.returncode})", path=output))
            elif (error := pickle.loads(reply)) is not None:
                errors.append(error)
        if errors:
            raise errors[0]


#: What an :class:`Aside` process runs: it reads all it is sent before importing anything.
_ASIDE = "import sys; sent = sys.stdin.buffer.read(); from kg.workers import run_aside; run_aside(sent)"


def run_aside(sent: bytes) -> None:
    """The work of an :class:`Aside` process: ``sent`` is the pickled ``(parent's process
    id, pickled call)``; the call's error (or ``None``) goes back pickled on stdout."""
    parent, call = pickle.loads(sent)
    _die_with(parent)
    try:
        pickle.loads(call)()
        error = None
    except BaseException as err:  # sent back, and raised there
        error = err
    try:
        reply = pickle.dumps(error)
    except Exception:  # noqa: BLE001 (an error that does not pickle: its message does)
        from kg.errors import GraphError

        reply = pickle.dumps(GraphError(f"{type(error).__name__}: {error}"))
    sys.stdout.buffer.write(reply)
