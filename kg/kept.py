"""Results kept between builds, each under a key that digests everything it depends on.

Input: a folder of the build cache, keys and JSON values. Output: the value kept under a
key, or ``None``. A build asks before computing something costly whose inputs often stay
the same from one build to the next (a view's node positions, a projection's metrics),
keeps what it computed, and at its end forgets what it neither made nor used
(:meth:`Kept.forget_unused`). Since a key says all a value was computed from (the inputs,
the code, the libraries' versions), a kept value is never stale, only unused.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from kg.files import write_text


class Kept:
    """JSON values kept in a folder, one file per key."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        # The time now as the folder's file system stamps a file (its clock can lag the
        # system's by a tick); a killed build's mark is cleaned up as a temporary file.
        fd, mark = tempfile.mkstemp(prefix=".now.", suffix=".tmp", dir=folder)
        try:
            self.since = os.fstat(fd).st_mtime_ns
        finally:
            os.close(fd)
            os.unlink(mark)

    def get(self, key: str) -> Any:
        """The value kept under ``key`` (touched: used now), or ``None`` when there is none
        or it is damaged. The caller checks its shape; one it rejects is put again."""
        path = self.folder / f"{key}.json"
        try:
            value = json.loads(path.read_bytes())
            os.utime(path)
        except (OSError, ValueError):
            return None
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` (a float reads back as the same float)."""
        write_text(self.folder / f"{key}.json", json.dumps(value, separators=(",", ":")), durable=False)

    def forget_unused(self) -> None:
        """Delete the values neither kept nor used since this object was made."""
        for path in self.folder.glob("*.json"):
            try:
                if path.stat().st_mtime_ns < self.since:
                    path.unlink()
            except OSError:
                pass


def digest(modules: tuple[str, ...], libraries: tuple[str, ...]) -> Any:
    """A SHA-256 hash primed with the source of ``modules`` (files of this package, such as
    ``"layout.py"``) and the versions of ``libraries`` (installed distributions): the code
    a kept value comes from. Feed it the inputs, then take its hex digest as the key."""
    return hashlib.sha256(_code(modules, libraries).encode())


#: The libraries whose versions the named graphs depend on.
RDF_LIBRARIES = ("pyoxigraph", "rdflib")
#: The libraries whose versions the analysis, the report and the views depend on.
OUTPUT_LIBRARIES = ("networkx", "igraph", "scipy", "numpy", "jinja2", "markupsafe", "pyvis")


def package_digest(libraries: tuple[str, ...] = ()) -> str:
    """A digest of every source file of this package and the versions of ``libraries``:
    what a value made by most of the package depends on."""
    return digest(package_files(), libraries).hexdigest()


@functools.cache
def package_files() -> tuple[str, ...]:
    """Every source file of this package (code, templates, queries), for :func:`digest`
    when a value depends on most of the package."""
    here = Path(__file__).parent
    return tuple(sorted(p.relative_to(here).as_posix() for p in here.rglob("*")
                        if p.suffix in (".py", ".html", ".rq") and "__pycache__" not in p.parts))


@functools.cache
def _code(modules: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    from importlib.metadata import version

    parts = [f"{m}:{_source(m)}" for m in modules]
    parts += [f"{name}={version(name)}" for name in libraries]
    return "|".join(parts)


@functools.cache
def _source(module: str) -> str:
    """The digest of one file of this package (read once, whatever the keys it enters)."""
    return hashlib.sha256((Path(__file__).parent / module).read_bytes()).hexdigest()


__all__ = ["OUTPUT_LIBRARIES", "RDF_LIBRARIES", "Kept", "digest", "package_digest", "package_files"]
