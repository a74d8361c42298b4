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
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from kg.chars import drop_controls
from kg.config import DEFAULT_MAX_FILE_BYTES
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
    r"""Decode file bytes; returns ``(text, encoding)``.

    UTF-8 first; then a byte-order mark, the charset the markup declares, Windows-1252 or
    a detected encoding. Text that is UTF-8 but for a few damaged bytes is refused rather
    than read as another encoding (which would garble every accented letter).

    Raises:
        DocumentError: the bytes are binary, damaged UTF-8, or no encoding fits.

    >>> decode("café".encode("utf-8"), "a.txt")
    ('café', 'utf-8')
    >>> decode("café".encode("cp1252"), "a.txt")[0]
    'café'
    >>> decode(b"Zo\xc3\xab wrote\n\xff about caf\xc3\xa9", "a.txt")
    Traceback (most recent call last):
    ...
    kg.errors.DocumentError: a.txt:2: invalid UTF-8 at byte 11 in a file that is otherwise UTF-8 (a damaged or truncated file?)
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise DocumentError(f"invalid UTF-16 at byte {err.start}", path=path) from err
    nul = raw.find(b"\x00")
    if nul >= 0:
        text = _as_utf16(raw)
        if text is not None:
            return text, "utf-16"
        raise DocumentError(f"binary file (a NUL byte at byte {nul}), not text", path=path)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    if _damaged_utf8(raw):
        start = utf8_error.start
        raise DocumentError(
            f"invalid UTF-8 at byte {start} in a file that is otherwise UTF-8 (a damaged or truncated file?)",
            path=path, line=raw.count(b"\n", 0, start) + 1,
        ) from utf8_error
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


# A well-formed multi-byte UTF-8 sequence (RFC 3629), and any byte of 0x80 and above.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _damaged_utf8(raw: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are still mostly UTF-8: at least as many
    well-formed multi-byte sequences as stray high bytes (a legacy encoding has stray
    high bytes only, as its accented letters are single bytes)."""
    sequences = _UTF8_SEQUENCE.findall(raw)
    if not sequences:
        return False
    stray = len(_HIGH_BYTE.findall(raw)) - sum(len(s) for s in sequences)
    return len(sequences) >= stray


def _as_utf16(raw: bytes) -> str | None:
    """UTF-16 without a byte-order mark: Latin text then has a NUL in every other byte."""
    head = raw[:4096]
    if len(raw) % 2 or len(head) < 4:
        return None
    for encoding, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if _looks_binary(text) else text
    return None


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

    At most ``max_bytes + 1`` bytes are ever read, so that a huge file costs no memory.
    Control characters are dropped (:func:`kg.chars.drop_controls`).

    Raises:
        DocumentError: the file is unreadable, not a regular file, too large, empty,
            binary or undecodable, or its markup cannot be split into entries.
    """
    path = source.path
    try:
        st = path.stat()
    except OSError as err:
        raise DocumentError(f"cannot read: {err.strerror or err}", path=path) from err
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError(f"not a regular file ({_kind_of_file(st.st_mode)}), not read", path=path)
    if st.st_size > max_bytes:
        raise DocumentError(_too_large(st.st_size, max_bytes), path=path)
    try:
        with path.open("rb") as fh:
            # read(n) reserves n bytes first: ask for the size the file had, then for what
            # it may have grown by, never for more than the limit.
            raw = fh.read(st.st_size + 1)
            if len(raw) > st.st_size:
                raw += fh.read(max_bytes + 1 - len(raw))
    except OSError as err:
        raise DocumentError(f"cannot read: {err.strerror or err}", path=path) from err
    if len(raw) > max_bytes:  # the file grew after it was listed
        raise DocumentError(_too_large(len(raw), max_bytes, at_least=True), path=path)
    if not raw.strip():
        raise DocumentError("empty file", path=path)
    for signature, what in _SIGNATURES:
        if raw.startswith(signature):
            raise DocumentError(f"{what}, not a blog post: {_READ}", path=path)
    text, _ = decode(raw, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = drop_controls(text)
    if cleaned != text:
        log.info("%s: control characters dropped", path)
        text = cleaned
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
                path=str(path),
            )
            for key, entry_format, content in entries
        ]
    return [Document(id=base_id, source=source.relative, format=fmt, content=text, digest=digest, name=rel.name,
                     path=str(path))]


def _too_large(size: int, limit: int, *, at_least: bool = False) -> str:
    """The message for a file over the size limit, naming the option that raises it.

    >>> _too_large(104_857_600, 10_000_000)
    'file is 104.9 MB, over the 10 MB limit (raise max_file_bytes in kg.toml to read it)'
    >>> _too_large(2_000, 1_000)
    'file is 2,000 bytes, over the 1,000 byte limit (raise max_file_bytes in kg.toml to read it)'
    """
    if limit >= 1_000_000:
        amount, bound = f"{size / 1e6:.1f} MB", f"{limit / 1e6:g} MB"
    else:
        amount, bound = f"{size:,} bytes", f"{limit:,} byte"
    return f"file is {'at least ' if at_least else ''}{amount}, over the {bound} limit (raise max_file_bytes in kg.toml to read it)"


def _kind_of_file(mode: int) -> str:
    for test, what in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return what
    return "a special file"


def load_corpus(paths: Iterable[Path], *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[list[Document], list[DocumentError]]:
    """Load every document of a corpus; returns the documents and the files skipped.

    Raises:
        CorpusError: a path is missing or the corpus is empty.
    """
    return load_files(*iter_files(paths), max_bytes=max_bytes)


def load_files(files: Iterable[SourceFile], problems: list[DocumentError], *,
               max_bytes: int = DEFAULT_MAX_FILE_BYTES, known: KnownFiles | None = None
               ) -> tuple[list[Document], list[DocumentError]]:
    """:func:`load_corpus` on the files :func:`iter_files` listed (and the problems it met).

    Args:
        known: the files as a previous build read them: one whose state is unchanged is
            not read again (:class:`KnownFiles`).
    """
    problems = list(problems)
    docs: list[Document] = []
    for source in files:
        try:
            docs.extend(load_file(source, max_bytes=max_bytes) if known is None else known.load(source, max_bytes))
        except DocumentError as err:
            problems.append(err)
    return _unique_ids(docs), problems


class KnownFiles:
    """The documents of each file as a previous build read them, by the file's state (size,
    modification and change times, inode, device, mode), as make and git tell a changed
    file: a file in the state it had is not read again, and its documents come back
    without their content (``None``); :meth:`with_content` reads it when it is needed.

    Args:
        before: :attr:`now` of the previous build (JSON-ready), or ``None``.
    """

    def __init__(self, before: dict[str, Any] | None = None):
        self.before = before if isinstance(before, dict) else {}
        #: the state and documents (without content) of every file read or recognised now
        self.now: dict[str, Any] = {}

    def load(self, source: SourceFile, max_bytes: int) -> list[Document]:
        """The documents of ``source``, read only if it changed (:func:`load_file`)."""
        key = f"{os.path.abspath(source.path)}\x00{source.relative}"
        try:
            state = _state(source.path.stat())
        except OSError:
            state = None  # load_file says why
        entry = self.before.get(key)
        if state is not None and isinstance(entry, dict) and entry.get("state") == state and state[0] <= max_bytes:
            try:
                docs = [Document(**fields, content=None, path=str(source.path)) for fields in entry["documents"]]
            except (KeyError, TypeError):  # written by another version: read the file
                docs = None
            if docs is not None:
                self.now[key] = entry
                return docs
        docs = load_file(source, max_bytes=max_bytes)
        if state is not None:
            self.now[key] = {"state": state, "documents": [
                {"id": d.id, "source": d.source, "format": d.format, "digest": d.digest, "name": d.name} for d in docs]}
        return docs

    @staticmethod
    def with_content(doc: Document, max_bytes: int) -> Document:
        """``doc`` with its content, read from its file when it came without.

        Raises:
            DocumentError: the file is unreadable now, or changed since it was listed.
        """
        if doc.content is not None:
            return doc
        path = Path(doc.path or doc.source)
        for fresh in load_file(SourceFile(path, doc.source), max_bytes=max_bytes):
            if fresh.name == doc.name and fresh.digest == doc.digest:
                return replace(doc, content=fresh.content)
        raise DocumentError("changed while kg was building it; build again", path=path)


def _state(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, st.st_mode]


def _unique_ids(docs: list[Document]) -> list[Document]:
    """The documents with ids that mint distinct IRIs (:func:`kg.namespaces.doc_slug`).

    Ids come from paths without their suffix, so ``a.html`` and ``a.txt``, ``Café.txt``
    and ``cafe.txt``, or ``post.txt`` in two corpus folders would share a post and a named
    graph, and one would silently replace the other. In corpus order, the second gets
    ``-2`` after its file part, the third ``-3``, skipping ids other documents have.

    >>> docs = [Document(f"{n}#x" if n == "feed" else n, n, "text", "", "", n) for n in ("a", "A", "a-2", "corpus", "feed")]
    >>> [d.id for d in _unique_ids(docs)]
    ['a', 'A-3', 'a-2', 'corpus-2', 'feed#x']
    """
    from kg.namespaces import RESERVED_DOC_SLUGS, doc_slug

    natural = {doc_slug(d.id) for d in docs} | RESERVED_DOC_SLUGS
    taken = set(RESERVED_DOC_SLUGS)
    out = []
    for doc in docs:
        slug = doc_slug(doc.id)
        if slug in taken:
            file, sep, entry = doc.id.partition("#")
            k = 2
            while doc_slug(candidate := f"{file}-{k}{sep}{entry}") in natural | taken:
                k += 1
            log.info("%s: %s is taken by another document, this one is %s", doc.path, doc.id, candidate)
            doc, slug = replace(doc, id=candidate), doc_slug(candidate)
        taken.add(slug)
        out.append(doc)
    return out
