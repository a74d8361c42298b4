"""The build's memory between runs: extractions by content, RDF chunks by their inputs.

Input: documents, their extractions and the per-document RDF chunks of a build. Output:
files under ``DIR/.cache/`` that the next build reads instead of recomputing:

``extract/<key>.json``  a document's extraction and plain text, keyed by the document's
                        bytes, identity and the options that change extraction;
``rdf/<key>.graph``    a named graph as N-Quads and as a Turtle body, and the rows it
                        gives the analysis, keyed by the extraction and every
                        corpus-wide name its triples use (:class:`Chunk`);
``manifest.json``       what the last complete build was made of (written last; removed
                        when a build starts changing outputs): its inputs, its named
                        graphs, and the key each group of outputs was made under
                        (``kg.ttl`` and ``kg.trig``: the graphs; ``stats.json``, the
                        report and the views: the rows of every graph and the code), so
                        that a build whose key is the same does not write them again;
``layout/<key>.json``   a view's or a report picture's node positions, keyed by its
                        nodes and edges (:class:`kg.layout.KeptLayouts`);
``metrics/<key>.json``  a projection's metrics, keyed by its graph
                        (:func:`kg.analyze.apart.metrics_key`);
``files.json``          the documents of each corpus file by the file's state on this
                        disk (:class:`kg.corpus.KnownFiles`): a file in that state is not
                        read again.

Everything here is JSON or RDF text, never pickle, so a cache folder cannot run code.
A corrupt or foreign entry reads as missing and is recomputed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.files import write_text
from kg.model import Document, Extraction

log = logging.getLogger(__name__)

#: Bumped when the layout of the cache changes.
CACHE_VERSION = "2"


def extraction_key(doc: Document, config_digest: str) -> str:
    """The cache key of a document's extraction: its bytes, where it is, the options.

    >>> d = Document(id="a", source="a.txt", format="text", content="x", digest="d1", name="a.txt")
    >>> extraction_key(d, "c1") == extraction_key(d, "c1") != extraction_key(d, "c2")
    True
    """
    return _digest(CACHE_VERSION, doc.digest, doc.id, doc.source, doc.name, doc.format, config_digest)


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def extraction_payload(extraction: Extraction, text: str) -> str:
    """A document's extraction and plain text as one JSON text: a cache entry, and what an
    extraction worker sends back (the worker has made it for the cache already, and the
    build decodes it faster than it would unpickle the objects)."""
    return json.dumps({"extraction": extraction.to_json(), "text": text}, ensure_ascii=False)


def read_extraction(payload: str | bytes) -> tuple[Extraction, str, str]:
    """Inverse of :func:`extraction_payload`, with a digest of the payload: what the
    document's named graph is made of (raises ``ValueError``, ``KeyError`` or
    ``TypeError`` on malformed data)."""
    data = json.loads(payload)
    return Extraction.from_json(data["extraction"]), data["text"], content_digest(payload)


def content_digest(data: str | bytes) -> str:
    """A digest of a cache entry's content: an extraction's (:func:`extraction_payload`),
    a named graph's rows."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One named graph, serialised, in one file of the cache: a JSON line (the graph, its
    number of triples, the sizes of the three parts, a digest of the rows), then the graph's N-Quads for the
    store, its Turtle body (no prefix lines) for ``kg.ttl`` and, wrapped, ``kg.trig``, and
    the rows it gives the analysis queries (:mod:`kg.analyze.source`) as JSON. Each part
    is read on its own. (One file, not one per part: creating a file costs more than
    writing a document's graph on some file systems, ext4 here.)"""

    key: str
    graph: str
    triples: int
    path: Path
    #: ``(offset, size)`` of the N-Quads, the Turtle body and the rows in the file
    parts: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]
    #: a digest of the rows: what the analysis reads of this graph
    rows_digest: str

    def nquads(self) -> bytes:
        return self._read(0)

    def turtle(self) -> bytes:
        return self._read(1)

    def rows(self) -> bytes:
        return self._read(2)

    def _read(self, part: int) -> bytes:
        offset, size = self.parts[part]
        with self.path.open("rb") as fh:
            fh.seek(offset)
            data = fh.read(size)
        if len(data) != size:
            raise OSError(f"{self.path}: cache entry cut short")
        return data


class Cache:
    """The cache folder of an output folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.extract_dir = folder / "extract"
        self.rdf_dir = folder / "rdf"
        self.used: set[Path] = set()

    # -- extractions ---------------------------------------------------------------------

    def extraction_path(self, key: str) -> Path:
        return self.extract_dir / f"{key}.json"

    def has_extraction(self, key: str) -> bool:
        """An entry exists under ``key`` (it may still prove unreadable)."""
        return self.extraction_path(key).is_file()

    def load_extraction(self, key: str) -> tuple[Extraction, str, str] | None:
        """The cached extraction, text and digest (:func:`read_extraction`) under ``key``,
        or ``None``."""
        path = self.extraction_path(key)
        try:
            result = read_extraction(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.info("cache entry %s unreadable (%s); recomputing", path, err)
            return None
        self.used.add(path)
        return result

    def save_extraction(self, key: str, payload: str) -> None:
        """Write an entry: :func:`extraction_payload` of an extraction and its text, straight
        to its name (an entry cut short by a killed build is not JSON: it reads as missing)."""
        path = self.extraction_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_new(path, payload.encode("utf-8"))
        self.used.add(path)

    # -- RDF chunks ----------------------------------------------------------------------

    def chunk_path(self, key: str) -> Path:
        return self.rdf_dir / f"{key}.graph"

    def load_chunk(self, key: str) -> Chunk | None:
        """The entry under ``key``, or ``None`` (missing, cut short or unreadable)."""
        path = self.chunk_path(key)
        try:
            with path.open("rb") as fh:
                head = fh.readline(1 << 16)
                size = os.fstat(fh.fileno()).st_size
            info = json.loads(head)
            sizes = [int(n) for n in info["parts"]]
            graph, triples, rows = str(info["graph"]), int(info["triples"]), str(info["rows"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(sizes) != 3 or min(sizes) < 0 or size != len(head) + sum(sizes):  # cut short by a killed build
            return None
        self.used.add(path)
        return Chunk(key, graph, triples, path, _parts(len(head), sizes), rows)

    def save_chunk(self, key: str, graph: str, triples: int, nquads: bytes, turtle: bytes, rows: bytes) -> Chunk:
        """Write a named graph's entry, in one file written straight to its name (a new
        file: another folder's hard link to the old one is left alone). Its first line
        gives the size of the rest, so a build killed while writing it leaves an entry
        that reads as missing; a temporary file and a rename would cost more than the
        writing."""
        path = self.chunk_path(key)
        sizes = [len(nquads), len(turtle), len(rows)]
        digest = content_digest(rows)
        head = (json.dumps({"graph": graph, "triples": triples, "parts": sizes, "rows": digest}) + "\n").encode("utf-8")
        self.rdf_dir.mkdir(parents=True, exist_ok=True)
        _write_new(path, head, nquads, turtle, rows)
        self.used.add(path)
        return Chunk(key, graph, triples, path, _parts(len(head), sizes), digest)

    # -- manifest ------------------------------------------------------------------------

    def load_manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("cache_version") == CACHE_VERSION else None

    def forget_manifest(self) -> None:
        """Call before a build changes any output: one stopped before its end leaves no
        record of what the outputs (the store among them) were made of."""
        (self.folder / "manifest.json").unlink(missing_ok=True)

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest, its maps in their order (the graphs' is the corpus's)."""
        write_text(self.folder / "manifest.json", json.dumps({"cache_version": CACHE_VERSION, **manifest}, indent=1))

    def load_files(self) -> dict[str, Any] | None:
        """What :meth:`save_files` kept (``None`` if missing, damaged or foreign)."""
        try:
            data = json.loads((self.folder / "files.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data.get("files") if isinstance(data, dict) and data.get("cache_version") == CACHE_VERSION else None

    def save_files(self, files: dict[str, Any]) -> None:
        """Keep the corpus files' states (:attr:`kg.corpus.KnownFiles.now`). They name
        paths, inodes and times of this disk, so unlike the rest of the cache they differ
        from one folder or machine to another."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_text(self.folder / "files.json", json.dumps({"cache_version": CACHE_VERSION, "files": files}, sort_keys=True),
                   durable=False)

    def prune(self) -> int:
        """Delete the entries this build did not use; returns how many files went."""
        removed = 0
        for folder in (self.extract_dir, self.rdf_dir):
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path not in self.used and not path.name.startswith("."):
                    try:
                        path.unlink()
                        removed += 1
                    except OSError:
                        pass
        return removed


def _write_new(path: Path, *data: bytes) -> None:
    """Write ``path`` as a new file (another folder's hard link to the old one keeps it)."""
    path.unlink(missing_ok=True)
    with path.open("xb") as fh:
        fh.writelines(data)


def _parts(start: int, sizes: list[int]) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """``(offset, size)`` of consecutive parts from ``start``.

    >>> _parts(10, [3, 0, 5])
    ((10, 3), (13, 0), (13, 5))
    """
    a, b, c = sizes
    return (start, a), (start + a, b), (start + a + b, c)


def inputs_digest(docs: Iterable[tuple[str, str]], settings: str) -> str:
    """One digest of a corpus's documents (id, content digest) and the build's settings."""
    return _digest(settings, *(f"{i}\x01{d}" for i, d in sorted(docs)))


__all__ = ["CACHE_VERSION", "Cache", "Chunk", "content_digest", "extraction_key", "inputs_digest", "read_extraction"]
