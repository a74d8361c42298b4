"""The structure stage: a :class:`~kg.model.Document` becomes a :class:`~kg.model.Post`.

Input: a loaded document of any supported format. Output: its plain text with the title,
date, author, body blocks, comment thread, links and boilerplate located as spans.

Each format has its own module; :func:`to_post` dispatches on ``Document.format`` and
:func:`split_entries` cuts multi-entry files (feeds, exports) into one entry per post:

========  ==================================  ==========================================
format    reader                              what it takes
========  ==================================  ==========================================
text      :mod:`kg.structure.text`            plain text copied from blog pages
html      :mod:`kg.structure.html`            saved pages (WordPress, Blogger, h-entry,
                                              JSON-LD, or any page via trafilatura)
markdown  :mod:`kg.structure.markdown`        Markdown with YAML front matter
rss/atom  :mod:`kg.structure.feeds`           one document per feed entry
wxr       :mod:`kg.structure.wxr`             one document per exported post, comments
                                              included
========  ==================================  ==========================================

Entries of feeds and exports are documents whose content is the JSON of
:mod:`kg.structure.entries`. Readers are imported when first needed, so that a corpus of
plain text never loads lxml, feedparser or markdown-it.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import DocumentError
from kg.model import Document, Post
from kg.structure.text import parse_text

__all__ = ["parse_text", "split_entries", "to_post"]


def to_post(doc: Document) -> Post:
    """Parse a document into a post.

    Raises:
        DocumentError: the format is not supported or the content cannot be parsed
            (named by the file's path as the user gave it).
    """
    where = doc.path or doc.source
    try:
        return _to_post(doc, where)
    except RecursionError as err:
        raise DocumentError(_TOO_DEEP, path=where) from err


#: A reader met structure nested deeper than Python's stack allows.
_TOO_DEEP = "nested too deeply to read (thousands of levels of markup or replies)"


def _to_post(doc: Document, where: str) -> Post:
    if doc.format == "text":
        return parse_text(doc.id, doc.content)
    if doc.format == "html":
        from kg.structure.html import parse_html

        return parse_html(doc.id, doc.content, source=where)
    if doc.format == "markdown":
        from kg.structure.markdown import parse_markdown

        return parse_markdown(doc.id, doc.content, source=where)
    if doc.format in ("rss", "atom", "wxr"):
        from kg.structure.entries import parse_entry

        return parse_entry(doc.id, doc.content, source=where)
    raise DocumentError(f"{doc.format} documents are not supported", path=where)


def split_entries(content: str, fmt: str, path: Path) -> list[tuple[str, str, str]]:
    """Cut a feed or export into ``(entry key, entry format, entry content)`` triples.

    Keys are stable: the slug of the entry's link or id, else its position in the file.

    Raises:
        DocumentError: the format is not a multi-entry one, or the markup is refused or
            cannot be parsed.
    """
    try:
        if fmt in ("rss", "atom"):
            from kg.structure.feeds import split_feed

            return split_feed(content, fmt, path)
        if fmt == "wxr":
            from kg.structure.wxr import split_wxr

            return split_wxr(content, path)
    except RecursionError as err:
        raise DocumentError(_TOO_DEEP, path=path) from err
    raise DocumentError(f"{fmt} files do not hold several entries", path=path)
