"""Writing outputs safely: atomic file replacement and one build per output folder.

Input: paths and content. Output: files that are either the old version or the complete
new one, never half-written, and a lock that refuses a second concurrent build.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kg.errors import GraphError, LockError


def bundled_path(folder: str, *parts: str) -> Path:
    """A file of a data folder shipped with kg (``ontology``, ``seeds``): the installed
    copy inside the package, or the source tree's top-level folder."""
    package = Path(__file__).resolve().parent
    installed = package.joinpath(folder, *parts)
    if installed.exists():
        return installed
    return package.parent.joinpath(folder, *parts)


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w", *, durable: bool = True) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    On an exception (or a kill) the temporary file is removed or left behind under a
    hidden name, and ``path`` keeps its previous content. ``durable`` also flushes the
    data to disk before the rename (survives a power cut, not only a killed process);
    cache entries skip it, since a lost one is recomputed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode, **({"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {})) as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` atomically."""
    with atomic_write(path, durable=durable) as fh:
        fh.write(text)


def write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_write(path, "wb", durable=durable) as fh:
        fh.write(data)


def replace_dir(link: Path, build: Path) -> None:
    """Make ``link`` (a symbolic link) point at the folder ``build`` in one step, then
    remove the folder it pointed at before. Readers see the old or the new folder."""
    tmp_link = link.with_name(f".{link.name}.{os.getpid()}.link")
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(build.name, tmp_link)
    old = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():
        # A real folder from an older layout: move it aside first.
        aside = link.with_name(f".{link.name}.old.{os.getpid()}")
        os.replace(link, aside)
        old = aside
    os.replace(tmp_link, link)
    if old is not None and old.exists() and old.resolve() != build.resolve():
        shutil.rmtree(old, ignore_errors=True)


#: the lock files this process holds open
_LOCKS: set[IO] = set()


def _forget_locks() -> None:
    """In a forked child: close the inherited lock files, so that the lock ends with the
    build and not with the last of its workers."""
    for fh in list(_LOCKS):
        with contextlib.suppress(OSError):
            fh.close()
    _LOCKS.clear()


os.register_at_fork(after_in_child=_forget_locks)


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the output folder for one build; a second build on it is refused. What a killed
    build left behind is removed first (:func:`remove_leftovers`).

    Raises:
        LockError: another process holds the folder.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".kg.lock"
    try:
        fh = path.open("a+")
    except OSError as err:
        raise GraphError(f"cannot write to the output folder: {err.strerror}", path=out) from err
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise LockError("another kg build is writing to this folder; wait for it to finish", path=out) from err
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        _LOCKS.add(fh)
        remove_leftovers(out)
        yield
    finally:
        _LOCKS.discard(fh)
        fh.close()


# atomic_write's temporary files (mkstemp: 8 random characters), and the folders and links
# of a store swap (kg.store writes ``.store.<digest>``, through ``.store.<digest>.tmp`` when
# it copies a checkpoint; replace_dir ``.store.<pid>.link`` and ``.store.old.<pid>``).
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_STORE_PARTS = re.compile(r"^\.store\.(?:[0-9a-f]{16}(?:\.tmp)?|old\.\d+|\d+\.link)$")


def remove_leftovers(out: Path) -> list[Path]:
    """Remove the temporary files and store folders a killed build left in ``out``; only
    the holder of :func:`build_lock` may call this. Returns what was removed.

    Store folders are removed only when ``out/store`` links to another one.
    """
    removed: list[Path] = []
    link = out / "store"
    current = link.resolve() if link.is_symlink() else None
    for folder, dirs, names in os.walk(out):
        dirs[:] = [d for d in dirs if not d.startswith(".") or d == ".cache"]  # never into a store
        removed += [Path(folder, n) for n in names if _TEMPORARY.match(n)]
    if current is not None:
        for entry in out.iterdir():
            if _STORE_PARTS.match(entry.name) and (entry.is_symlink() or entry.resolve() != current):
                removed.append(entry)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()
    return removed
