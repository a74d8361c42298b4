"""Load documents from files and folders.

Input: paths (files or folders, searched recursively). Output: :class:`~kg.model.Document`
values in a stable order, and a :class:`~kg.errors.DocumentError` for every file that could
not be read, so that one bad file never stops the rest of the corpus.

Each file is decoded (UTF-8, a byte-order mark, the charset the markup declares, or a
detected encoding) and its format is recognised by content first and suffix second. Files
that hold several posts (feeds, WordPress exports) are split into one document per entry.
A file in no format kg reads (a PDF, an image, XML that is no feed or export, a suffix no
reader recognises) is reported with what it is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kg.errors import CorpusError, DocumentError
from kg.model import Document

log = logging.getLogger(__name__)

#: Formats this module recognises; :mod:`kg.structure` parses each of them.
FORMATS = ("text", "html", "markdown", "rss", "atom", "wxr")

_TEXT_SUFFIXES = {".txt", ".text", ""}
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_FEED_SUFFIXES = {".xml", ".rss", ".atom"}

#: Signatures of files that are not text, named in the message that skips them.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a gzip archive"), (b"{\\rtf", "an RTF document"), (b"\xd0\xcf\x11\xe0", "an old office document"),
)
_READ = "kg reads HTML pages, RSS/Atom feeds, WordPress exports, Markdown and plain text (.txt)"

_DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file of the corpus: where it is, and its name relative to the corpus root."""

    path: Path
    relative: str


def iter_files(paths: Iterable[Path]) -> tuple[list[SourceFile], list[DocumentError]]:
    """List the files of a corpus, sorted by relative path.

    Hidden files and folders (``.name``) are skipped. Symbolic links are followed, and a
    link back into a folder already being walked is reported once instead of looping.

    Raises:
        CorpusError: a path does not exist, or the corpus holds no file at all.
    """
    files: list[SourceFile] = []
    problems: list[DocumentError] = []
    paths = list(paths)
    if not paths:
        raise CorpusError("no corpus given")
    for root in paths:
        if not root.exists():
            raise CorpusError("no such file or folder", path=root)
        if root.is_file():
            files.append(SourceFile(root, root.name))
            continue
        files.extend(_walk(root, problems))
    if not files and not problems:
        raise CorpusError("the corpus is empty: no files found", path=paths[0] if len(paths) == 1 else None)
    files.sort(key=lambda f: (f.relative, str(f.path)))
    return files, problems


def _walk(root: Path, problems: list[DocumentError]) -> Iterator[SourceFile]:
    seen: set[tuple[int, int]] = set()

    def on_error(err: OSError) -> None:
        problems.append(DocumentError(f"cannot list folder: {err.strerror or err}", path=err.filename or root))

    for folder, dirs, names in os.walk(root, followlinks=True, onerror=on_error):
        try:
            st = os.stat(folder)
        except OSError as err:
            problems.append(DocumentError(f"cannot list folder: {err.strerror}", path=folder))
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            problems.append(DocumentError("symbolic link loop, folder skipped", path=folder))
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            relative = PurePosixPath(path.relative_to(root).as_posix())
            yield SourceFile(path, str(relative))


def decode(raw: bytes, path: Path | str) -> tuple[str, str]:
    """Decode file bytes; returns ``(text, encoding)``.

    Raises:
        DocumentError: the bytes are binary or no encoding fits.

    >>> decode("café".encode("utf-8"), "a.txt")
    ('café', 'utf-8')
    >>> decode("café".encode("cp1252"), "a.txt")[0]
    'café'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise DocumentError(f"invalid UTF-16 at byte {err.start}", path=path) from err
    head = raw[:8192]
    if b"\x00" in head:
        raise DocumentError("binary file (NUL bytes), not text", path=path)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    declared = _DECLARED_CHARSET.search(raw[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        if name not in {"utf-8", "utf8"}:
            try:
                return raw.decode(name), name
            except (LookupError, UnicodeDecodeError):
                pass
    western = _as_western(raw)
    if western is not None:
        log.info("%s: not UTF-8, read as cp1252", path)
        return western, "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise DocumentError(f"not UTF-8 (bad byte at {utf8_error.start}) and no other encoding fits", path=path)
    try:
        text = raw.decode(best.encoding)
    except (LookupError, UnicodeDecodeError) as err:
        raise DocumentError(f"not UTF-8 and not {best.encoding} either", path=path) from err
    if _looks_binary(text):
        raise DocumentError("binary file, not text", path=path)
    log.info("%s: not UTF-8, read as %s", path, best.encoding)
    return text, best.encoding


def _as_western(raw: bytes) -> str | None:
    """Windows-1252, the usual legacy encoding of Western blogs, when the bytes read as
    mostly-ASCII Latin text (another script in a legacy code page reads as runs of
    accented letters, and is left to detection)."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 127)
    if not letters or accented / len(letters) > 0.4:
        return None
    if any(0x80 <= ord(c) < 0xA0 for c in text):
        return None
    return text


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    return control / len(sample) > 0.05


def sniff_format(text: str, suffix: str = "") -> str:
    """Recognise the format of decoded content, by content first and suffix second.

    Returns one of :data:`FORMATS`, or ``xml`` for XML that is none of them (which no
    reader takes).

    >>> sniff_format("<?xml version='1.0'?><rss version='2.0'><channel>")
    'rss'
    >>> sniff_format("<!DOCTYPE html><html><body><p>Hi</p></body></html>")
    'html'
    >>> sniff_format("---\\ntitle: A post\\n---\\nBody", ".txt")
    'markdown'
    >>> sniff_format("A title\\n\\nSome text.", ".txt")
    'text'
    >>> sniff_format('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', ".svg")
    'xml'
    """
    head = text[:4096].lstrip("\ufeff \t\r\n")
    lower = head.lower()
    if lower.startswith("<?xml") or lower.startswith(("<rss", "<feed", "<rdf:rdf")):
        if "wordpress.org/export" in lower and "<rss" in lower:
            return "wxr"
        if "<rss" in lower or "<rdf:rdf" in lower:
            return "rss"
        if "<feed" in lower:
            return "atom"
        if "<html" in lower:
            return "html"
        if lower.startswith("<?xml") and not re.search(r"<(?:html|head|body)[\s>]", lower):
            return "xml"
    if lower.startswith(("<!doctype html", "<html")) or re.search(r"<(html|head|body)[\s>]", lower[:1024]):
        return "html"
    if head.startswith("---\n") or head.startswith("---\r\n"):
        if re.search(r"^---\s*$", head[4:], re.MULTILINE):
            return "markdown"
    suffix = suffix.lower()
    if suffix in _HTML_SUFFIXES and "<" in head:
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in _FEED_SUFFIXES and "<" in head:
        return "rss"
    return "text"


def load_file(source: SourceFile, *, max_bytes: int) -> list[Document]:
    """Read one file into one or more documents.

    Raises:
        DocumentError: the file is unreadable, too large, empty, binary or undecodable,
            or its markup cannot be split into entries.
    """
    path = source.path
    try:
        size = path.stat().st_size
    except OSError as err:
        raise DocumentError(f"cannot read: {err.strerror or err}", path=path) from err
    if size > max_bytes:
        raise DocumentError(
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
            "(raise max_file_bytes in kg.toml to read it)",
            path=path,
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DocumentError(f"cannot read: {err.strerror or err}", path=path) from err
    if not raw.strip():
        raise DocumentError("empty file", path=path)
    for signature, what in _SIGNATURES:
        if raw.startswith(signature):
            raise DocumentError(f"{what}, not a blog post: {_READ}", path=path)
    text, _ = decode(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError("empty file", path=path)
    fmt = sniff_format(text, path.suffix)
    if fmt == "xml":
        raise DocumentError(f"XML that is not a feed, a WordPress export or XHTML: {_READ}", path=path)
    if fmt == "text" and path.suffix.lower() not in _TEXT_SUFFIXES:
        raise DocumentError(f"a {path.suffix} file in no format kg recognises: {_READ}", path=path)
    rel = PurePosixPath(source.relative)
    base_id = str(rel.with_suffix("")) if rel.suffix else str(rel)
    digest = hashlib.sha256(raw).hexdigest()
    if fmt in ("rss", "atom", "wxr"):
        from kg.structure import split_entries

        entries = split_entries(text, fmt, path)
        return [
            Document(
                id=f"{base_id}#{key}",
                source=source.relative,
                format=entry_format,
                content=content,
                digest=hashlib.sha256(f"{digest}#{key}".encode()).hexdigest(),
                name=f"{rel.name}#{key}",
            )
            for key, entry_format, content in entries
        ]
    return [Document(id=base_id, source=source.relative, format=fmt, content=text, digest=digest, name=rel.name)]


def load_corpus(paths: Iterable[Path], *, max_bytes: int = 50_000_000) -> tuple[list[Document], list[DocumentError]]:
    """Load every document of a corpus; returns the documents and the files skipped.

    Raises:
        CorpusError: a path is missing or the corpus is empty.
    """
    files, problems = iter_files(paths)
    docs: list[Document] = []
    for source in files:
        try:
            docs.extend(load_file(source, max_bytes=max_bytes))
        except DocumentError as err:
            problems.append(err)
    return docs, problems
