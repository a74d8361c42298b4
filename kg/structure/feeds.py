"""RSS 2.0 (and 0.9x/1.0) and Atom feeds: one entry per post.

Input: the decoded text of a feed. Output: ``(entry key, format, entry content)`` triples,
the content being the JSON of :mod:`kg.structure.entries` (title, date, author, link and
the entry's HTML: ``content:encoded``/``<content>`` where the feed has it, else the
summary).

Parsing is feedparser's, the maintained reader of every feed dialect; it also sanitises
the entries' HTML and resolves their relative links. Entity declarations are refused
before it runs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kg.errors import DocumentError
from kg.structure.entries import entry_key, refuse_entities, to_entry_content
from kg.structure.lookup import to_date

log = logging.getLogger(__name__)


def split_feed(content: str, fmt: str, path: Path | str) -> list[tuple[str, str, str]]:
    """Cut a feed into one entry per post.

    Args:
        content: the feed's text.
        fmt: ``rss`` or ``atom`` (kept as each entry's format).
        path: the file, named in errors.

    Raises:
        DocumentError: the feed declares entities, cannot be parsed, or has no entry.
    """
    import feedparser

    refuse_entities(content, path)
    parsed = feedparser.parse(content)
    if not parsed.entries:
        reason = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        raise DocumentError(f"no entry in the {fmt} feed{reason}", path=path)
    if parsed.get("bozo"):
        log.info("%s: feed is not well-formed, read leniently: %s", path, parsed.bozo_exception)
    taken: set[str] = set()
    out = []
    for k, e in enumerate(parsed.entries, 1):
        html = e.content[0].get("value") if e.get("content") else e.get("summary")
        content_type = e.content[0].get("type") if e.get("content") else e.get("summary_detail", {}).get("type")
        plain = content_type == "text/plain"
        key = entry_key([e.get("link"), e.get("id")], k, taken)
        out.append((key, fmt, to_entry_content(
            title=e.get("title"), author=e.get("author"), url=e.get("link"),
            date=to_date(e.get("published") or e.get("updated") or e.get("created")),
            html=None if plain else html, text=html if plain else None,
        )))
    return out
