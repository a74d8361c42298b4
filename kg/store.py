"""The persistent graph store and read-only SPARQL over it.

Input: named graphs as N-Triples lines (from :mod:`kg.build`), or a written graph (the
store folder, an output folder, or a Turtle/TriG/N-Triples file). Output: a pyoxigraph
``Store`` and query results in table, CSV or SPARQL 1.1 JSON form.

``kg build`` writes the store beside ``kg.ttl`` (``DIR/store``, a RocksDB folder behind a
symbolic link swapped in one step), so ``kg query``, ``kg stats`` and ``kg view`` open it
in milliseconds instead of parsing Turtle. This module imports neither rdflib nor spaCy.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import GraphError, QueryError
from kg.files import replace_dir
from kg.prefixes import PREFIXES
from kg.sparql import check_read_only

STORE_NAME = "store"
_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
            ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML}


def to_nquads(graphs: Mapping[str, Iterable[str]]) -> bytes:
    """N-Quads of named graphs given as N-Triples lines without their final dot."""
    parts = []
    for graph in sorted(graphs):
        g = f"<{graph}>"
        parts.extend(f"{t} {g} .\n" for t in graphs[graph])
    return "".join(parts).encode("utf-8")


def write_store(out: Path, graphs: Mapping[str, Iterable[str]]) -> Path:
    """Write named graphs given as N-Triples lines as a new store, swapped in as ``out/store``."""
    data = to_nquads(graphs)
    return _swap_in(out, hashlib.sha256(data).hexdigest()[:16], lambda store: store.bulk_load(data, format=ox.RdfFormat.N_QUADS))


def write_store_from(out: Path, parts: Sequence[tuple[str, str, Callable[[], bytes]]], *,
                     previous: Mapping[str, str] | None = None) -> Path:
    """Write the store of a build from the N-Quads of its named graphs, and swap it in as
    ``out/store``. The previous store stays readable until the swap.

    Args:
        parts: ``(graph IRI, name, read)`` of every named graph, in a fixed order: a name
            that identifies the graph's content, and a call that returns its N-Quads.
        previous: the graph-to-name map the current ``out/store`` was written from. When
            given (and the store is there), the new store starts from a checkpoint of it
            (hard links, instant) and only the graphs that changed are replaced, unless
            more than :data:`RELOAD_SHARE` of them did; otherwise every graph is
            bulk-loaded.
    """
    signature = store_signature((g, name) for g, name, _ in parts)
    current = out / STORE_NAME
    previous = previous or {}
    wanted = {g: name for g, name, _ in parts}
    stale = sorted(g for g, name in previous.items() if wanted.get(g) != name)
    fresh = {g for g, name in wanted.items() if previous.get(g) != name}
    changed = len(fresh.union(stale))
    if previous and changed <= RELOAD_SHARE * len(parts) and current.is_symlink() and (current.resolve() / "CURRENT").exists():
        source = current.resolve()

        def update(store: ox.Store) -> None:
            for graph in stale:
                store.remove_graph(ox.NamedNode(graph))
            for graph, _, read in parts:
                if graph in fresh:
                    store.load(read(), **_OWN_NQUADS)

        # A full compaction costs seconds on a large store; a few changed graphs leave a
        # small file that RocksDB folds in by itself once a few have gathered.
        compact = changed > COMPACT_SHARE * len(parts)
        return _swap_in(out, signature, update, checkpoint_of=source, compact=compact)

    def load_all(store: ox.Store) -> None:
        batches = _batches(read for _, _, read in parts)
        lock = threading.Lock()

        def loader() -> None:
            while True:
                with lock:
                    batch = next(batches, None)
                if batch is None:
                    return
                store.bulk_load(batch, **_OWN_NQUADS)

        threads = max(1, min(LOADERS, os.cpu_count() or 1))
        with ThreadPoolExecutor(threads, thread_name_prefix="kg-load") as pool:
            for running in [pool.submit(loader) for _ in range(threads)]:
                running.result()

    return _swap_in(out, signature, load_all)


#: How a build loads its named graphs' N-Quads. They are kg's own output, written from terms
#: it has checked (minted IRIs, web addresses through :func:`kg.urls.to_web_iri`; the tests
#: check every IRI it writes against RFC 3987), so the loads skip pyoxigraph's IRI
#: validation: a fifth of a bulk load's work (lemire corpus, two loaders, interleaved runs:
#: 12.9 -> 10.2 CPU-s).
_OWN_NQUADS: dict[str, Any] = {"format": ox.RdfFormat.N_QUADS, "lenient": True}
#: Bulk loads run side by side, each on its own batches: one load parses in one thread
#: and indexes in another, and mostly waits for one of them (the store is safe for
#: concurrent writers, and no load deletes anything: the quads are the same).
LOADERS = 2
#: An update that changes more than this share of the graphs compacts the store.
COMPACT_SHARE = 0.05
#: A build that changes more than this share of the graphs loads the store anew: removing
#: a graph costs about as much as loading it (lemire, every graph changed: the update
#: took 46 s, a bulk load 6).
RELOAD_SHARE = 0.1
#: N-Quads bytes per bulk load. A load holds a few times what it is given in memory, and
#: each leaves index files the final compaction merges. On the lemire corpus (1M quads),
#: loads alone (peak memory of a script that held all 0.31 GB of batches): one loader,
#: 64 MB batches 9.8 s, 11.0 CPU-s, 0.60 GB; two loaders, 64 MB 6.5 s, 11.2 CPU-s,
#: 0.75 GB (a whole build then peaked at 2.1 GB); two loaders, 32 MB 5.4 s, 10.3 CPU-s,
#: 0.58 GB.
BATCH_BYTES = 32 << 20


def _batches(reads: Iterable[Callable[[], bytes]]) -> Iterator[bytes]:
    """The parts' bytes, joined into batches of about :data:`BATCH_BYTES`."""
    batch: list[bytes] = []
    size = 0
    for read in reads:
        data = read()
        batch.append(data)
        size += len(data)
        if size >= BATCH_BYTES:
            yield b"".join(batch)
            batch, size = [], 0
    if batch:
        yield b"".join(batch)


def store_signature(graphs: Iterable[tuple[str, str]]) -> str:
    """What a store holds: its named graphs' IRIs and names, in order (as in
    :func:`write_store_from`)."""
    return hashlib.sha256("\n".join(f"{g} {name}" for g, name in graphs).encode()).hexdigest()[:16]


def has_store(out: Path, signature: str) -> bool:
    """Whether ``out/store`` is the store of that signature, whole."""
    folder, link = out / f".{STORE_NAME}.{signature}", out / STORE_NAME
    return link.is_symlink() and link.resolve() == folder.resolve() and (folder / "CURRENT").exists()


def _swap_in(out: Path, signature: str, fill: Callable[[ox.Store], None], checkpoint_of: Path | None = None,
             compact: bool = True) -> Path:
    folder = out / f".{STORE_NAME}.{signature}"
    link = out / STORE_NAME
    if has_store(out, signature):
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    try:
        if checkpoint_of is not None:
            ox.Store.read_only(str(checkpoint_of)).backup(str(folder))
        store = ox.Store(str(folder))
        fill(store)
        store.flush()
        if compact:
            store.optimize()  # the shipped queries read a compacted store 20-35% faster
        del store
    except (OSError, SyntaxError, ValueError) as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise GraphError(f"cannot write the store: {err}", path=folder) from err
    replace_dir(link, folder)
    return folder


def open_graph(path: Path) -> ox.Store:
    """Open a written graph read-only: a store folder, an output folder holding one, or
    an RDF file (loaded into memory; a store beside it is used instead when present).

    Raises:
        GraphError: nothing readable at ``path``.
    """
    candidates = []
    if path.is_dir():
        candidates = [path / STORE_NAME, path] if (path / STORE_NAME).exists() else [path]
    elif path.is_file():
        sibling = path.parent / STORE_NAME
        if path.name == "kg.ttl" and sibling.exists() and _fresh(sibling, path):
            candidates = [sibling]
    for candidate in candidates:
        if (candidate / "CURRENT").exists() or (candidate.is_symlink() and (candidate.resolve() / "CURRENT").exists()):
            try:
                return ox.Store.read_only(str(candidate.resolve()))
            except OSError as err:
                raise GraphError(f"cannot open the store: {err}", path=candidate) from err
    if path.is_file():
        fmt = _FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise GraphError("unknown RDF format (use .ttl, .trig, .nt, .nq, .jsonld or .rdf)", path=path)
        store = ox.Store()
        try:
            store.load(path=str(path), format=fmt)
        except (OSError, SyntaxError, ValueError) as err:
            raise GraphError(f"cannot parse the graph: {err}", path=path) from err
        return store
    if not path.exists():
        raise GraphError("no graph here; run `kg build` first", path=path)
    raise GraphError("no store and no kg.ttl here; run `kg build` first", path=path)


def _fresh(store_link: Path, turtle: Path) -> bool:
    """Whether the store was written by the same build as the Turtle beside it."""
    try:
        return store_link.resolve().stat().st_mtime >= turtle.stat().st_mtime - 5
    except OSError:
        return False


def query(store: ox.Store, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a read-only SPARQL query over the union of the named graphs.

    The prefixes of :data:`kg.prefixes.PREFIXES` need no declaration.

    Raises:
        QueryError: an update or a federated query (:func:`kg.sparql.check_read_only`), or a
            syntax error (with its position).
    """
    check_read_only(sparql)
    try:
        return store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise QueryError(f"invalid SPARQL: {err}") from err
    except OSError as err:
        raise QueryError(f"query failed: {err}") from err


def rows(result: ox.QuerySolutions) -> list[dict[str, str | int | float | None]]:
    """Solutions as plain dicts: IRIs and literal values as Python values."""
    variables = [v.value for v in result.variables]
    out = []
    for solution in result:
        out.append({name: plain(solution[name]) for name in variables})
    return out


def plain(term: object) -> str | int | float | None:
    """A term of a solution as a Python value: a number for a numeric literal, else its
    value (``None`` when unbound)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#nonNegativeInteger", "#int", "#long")):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt.endswith(("#decimal", "#double", "#float")):
            try:
                return float(term.value)
            except ValueError:
                return term.value
        return term.value
    return getattr(term, "value", str(term))


def format_results(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> str:
    """Results as ``table``, ``csv`` or ``json`` (SPARQL 1.1 Query Results JSON).

    CONSTRUCT and DESCRIBE results are written as N-Triples whatever ``fmt`` says.
    """
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    if fmt == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
    if fmt == "csv":
        return result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    variables = [v.value for v in result.variables]
    table = [[_cell(s[v]) for v in variables] for s in result]
    return render_table(variables, table)


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _short_iri(term.value)
    value = getattr(term, "value", str(term))
    return " ".join(value.split())


@functools.lru_cache(maxsize=1 << 16)
def _short_iri(iri: str) -> str:
    """An IRI as ``prefix:name`` when a known prefix covers it (results repeat IRIs)."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def render_table(header: list[str], body: list[list[str]], max_width: int = 60) -> str:
    """A plain-text table with one header line.

    >>> print(render_table(["a", "b"], [["1", "two"]]), end="")
    a  b
    -  ---
    1  two
    """
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in body]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths).rstrip())
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"
