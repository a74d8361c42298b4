"""The build's memory between runs: extractions by content, RDF chunks by their inputs.

Input: documents, their extractions and the per-document RDF chunks of a build. Output:
files under ``DIR/.cache/`` that the next build reads instead of recomputing:

``extract/<key>.json``  a document's extraction and plain text, keyed by the document's
                        bytes, identity and the options that change extraction;
``rdf/<key>.nq|.ttl|.rows``  a named graph as N-Quads and as a Turtle body, the rows
                        it gives the analysis, keyed by the extraction and every
                        corpus-wide name its triples use;
``manifest.json``       what the last complete build was made of (written last);
``layout/<key>.json``   a view's node positions, keyed by its nodes and edges
                        (:class:`kg.layout.KeptLayouts`);
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.files import write_text
from kg.model import Document, Extraction

log = logging.getLogger(__name__)

#: Bumped when the layout of the cache changes.
CACHE_VERSION = "1"


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


def read_extraction(payload: str | bytes) -> tuple[Extraction, str]:
    """Inverse of :func:`extraction_payload` (raises ``ValueError``, ``KeyError`` or
    ``TypeError`` on malformed data)."""
    data = json.loads(payload)
    return Extraction.from_json(data["extraction"]), data["text"]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One named graph, serialised: N-Quads for the store, a Turtle body (no prefix lines)
    for concatenation into ``kg.ttl`` and, wrapped, ``kg.trig``, and the rows it gives the
    analysis queries (:mod:`kg.analyze.source`)."""

    key: str
    graph: str
    triples: int
    nquads: Path
    turtle: Path
    rows: Path


class Cache:
    """The cache folder of an output folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.extract_dir = folder / "extract"
        self.rdf_dir = folder / "rdf"
        self.used: set[Path] = set()

    # -- extractions ---------------------------------------------------------------------

    def has_extraction(self, key: str) -> bool:
        """An entry exists under ``key`` (it may still prove unreadable)."""
        return (self.extract_dir / f"{key}.json").is_file()

    def load_extraction(self, key: str) -> tuple[Extraction, str] | None:
        """The cached extraction and text under ``key``, or ``None``."""
        path = self.extract_dir / f"{key}.json"
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
        """Write an entry: :func:`extraction_payload` of an extraction and its text."""
        path = self.extract_dir / f"{key}.json"
        write_text(path, payload, durable=False)
        self.used.add(path)

    # -- RDF chunks ----------------------------------------------------------------------

    def chunk_paths(self, key: str) -> tuple[Path, Path, Path, Path]:
        base = self.rdf_dir / key
        return base.with_suffix(".nq"), base.with_suffix(".ttl"), base.with_suffix(".rows"), base.with_suffix(".json")

    def load_chunk(self, key: str) -> Chunk | None:
        paths = self.chunk_paths(key)
        try:
            info = json.loads(paths[-1].read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not all(p.is_file() for p in paths[:-1]):
            return None
        self.used.update(paths)
        return Chunk(key, info["graph"], info["triples"], *paths[:-1])

    def save_chunk(self, key: str, graph: str, triples: int, nquads: bytes, turtle: bytes, rows: bytes) -> Chunk:
        """Write a named graph's entry. Its ``.json``, written last and in one step, is what
        makes the entry readable, so the data files before it are written straight to
        their names (new files: another folder's hard link to one is left alone): a
        temporary file and a rename each cost more than the writing, and a build killed
        before the ``.json`` leaves an entry that reads as missing."""
        paths = self.chunk_paths(key)
        paths[-1].unlink(missing_ok=True)  # an entry being rewritten reads as missing until done
        self.rdf_dir.mkdir(parents=True, exist_ok=True)
        for path, data in zip(paths, (nquads, turtle, rows)):
            path.unlink(missing_ok=True)
            path.write_bytes(data)
        write_text(paths[-1], json.dumps({"graph": graph, "triples": triples}), durable=False)
        self.used.update(paths)
        return Chunk(key, graph, triples, *paths[:-1])

    # -- manifest ------------------------------------------------------------------------

    def load_manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("cache_version") == CACHE_VERSION else None

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        write_text(self.folder / "manifest.json", json.dumps({"cache_version": CACHE_VERSION, **manifest}, indent=1, sort_keys=True))

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


def inputs_digest(docs: Iterable[tuple[str, str]], settings: str) -> str:
    """One digest of a corpus's documents (id, content digest) and the build's settings."""
    return _digest(settings, *(f"{i}\x01{d}" for i, d in sorted(docs)))


__all__ = ["CACHE_VERSION", "Cache", "Chunk", "extraction_key", "inputs_digest"]
