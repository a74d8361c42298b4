"""One post of a multi-entry file (a feed entry, an exported post) as a small JSON document.

Input: for :func:`to_entry_content`, what a feed or export reader found for one entry;
for :func:`parse_entry`, that JSON. Output: the JSON text that becomes the entry's
:attr:`~kg.model.Document.content`, and the :class:`~kg.model.Post` it renders to.

Feeds and exports are cut into entries when the corpus is loaded
(:func:`kg.structure.split_entries`), so that each entry is a document of its own,
cached and parsed without the rest of the file. Its content is one JSON object::

    {
      "title": "A post", "date": "2020-01-02", "author": "Ann Author",
      "url": "https://blog.example/2020/01/a-post/",
      "html": "<p>The entry's content</p>",        (or "text": "plain text")
      "comments": [
        {"kind": "comment", "author": "Bob", "author_url": "https://bob.example/",
         "date": "2020-01-03", "html": "<p>Nice.</p>", "parent": null},
        {"kind": "pingback", "author": "Site » Linking post", "author_url": "https://…",
         "date": "2020-01-04", "html": "", "parent": null}
      ]
    }

``parent`` is the index in ``comments`` of the comment replied to. A pingback renders as
its page would show it: ``Pingback: Site » Linking post``.

Both readers refuse XML that declares entities (:func:`refuse_entities`): a feed or an
export never needs them, and they are how an XML bomb expands.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kg.errors import DocumentError
from kg.model import Post
from kg.namespaces import slugify
from kg.structure.lookup import to_fragment
from kg.structure.markup import PostMeta, RawComment, to_post_from_parts

_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.I)
_ROOT_ELEMENT = re.compile(r"<[A-Za-z_]")
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.I)
_BLOCK_START = re.compile(r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|dl)\b", re.I)


def refuse_entities(content: str, path: Path | str) -> None:
    """Refuse XML whose prolog declares entities (an internal DTD subset).

    Only the prolog, before the root element, can declare them: a post that writes
    ``<!ENTITY`` inside its CDATA content is not refused.

    Raises:
        DocumentError: the XML declares entities (how an XML bomb expands).

    >>> refuse_entities('<!DOCTYPE lolz [<!ENTITY lol "lol">]><rss/>', "feed.xml")
    Traceback (most recent call last):
    ...
    kg.errors.DocumentError: feed.xml: XML that declares entities (an internal DTD), refused: feeds and exports never need them
    >>> refuse_entities('<?xml version="1.0"?><rss><![CDATA[<!ENTITY x "y">]]></rss>', "feed.xml")
    """
    root = _ROOT_ELEMENT.search(content)
    prolog = content[:root.start()] if root else content
    if _ENTITY_DECLARATION.search(prolog) or _DOCTYPE_SUBSET.search(prolog):
        raise DocumentError("XML that declares entities (an internal DTD), refused: feeds and exports never need them",
                            path=path)


def to_entry_content(
    *, title: str | None, date: str | None, author: str | None, url: str | None,
    html: str | None = None, text: str | None = None, comments: list[dict[str, Any]] | None = None,
) -> str:
    """The JSON content of one entry (keys sorted, so that the same entry gives the same
    bytes and the same cache key)."""
    data: dict[str, Any] = {"title": title, "date": date, "author": author, "url": url, "comments": comments or []}
    if text is not None and html is None:
        data["text"] = text
    else:
        data["html"] = html or ""
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def entry_key(candidates: list[str | None], position: int, taken: set[str]) -> str:
    """A stable key for an entry: the last path segment (the slug) of its id or link, else
    ``entry-<position>``; made unique within the file.

    >>> taken = set()
    >>> entry_key(["https://b.example/2020/01/first-post/"], 1, taken), entry_key([None], 2, taken)
    ('first-post', 'entry-2')
    >>> entry_key(["https://b.example/?p=12"], 3, taken), entry_key(["https://c.example/first-post"], 4, taken)
    ('p-12', 'first-post-2')
    """
    key = ""
    for candidate in candidates:
        if candidate and candidate.strip():
            value = candidate.strip().rstrip("/")
            tail = re.split(r"[/#]", value)[-1] if "/" in value else value
            key = slugify(tail.lstrip("?"))
            if key:
                break
    key = key or f"entry-{position}"
    unique, k = key, 2
    while unique in taken:
        unique, k = f"{key}-{k}", k + 1
    taken.add(unique)
    return unique


def autop(html: str) -> str:
    """Paragraphs from blank lines, as WordPress renders stored content that has none.

    >>> autop("One.\\n\\nTwo <em>words</em>.\\n\\n<ul><li>x</li></ul>")
    '<p>One.</p>\\n<p>Two <em>words</em>.</p>\\n<ul><li>x</li></ul>'
    """
    chunks = [c.strip() for c in re.split(r"\n\s*\n", html.replace("\r\n", "\n")) if c.strip()]
    return "\n".join(c if _BLOCK_START.match(c) else f"<p>{c}</p>" for c in chunks)


def parse_entry(doc_id: str, content: str, *, source: str | None = None) -> Post:
    """Render an entry's JSON content into a post.

    Raises:
        DocumentError: the content is not an entry's JSON.
    """
    try:
        data = json.loads(content)
        meta = PostMeta(title=data.get("title"), date=data.get("date"), author=data.get("author"), url=data.get("url"))
        body = data["text"] if "text" in data else to_fragment(data.get("html"), source=source)
        comments = [_comment(c, source) for c in data.get("comments", [])]
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise DocumentError(f"not a feed or export entry: {err}", path=source) from err
    return to_post_from_parts(doc_id, meta, body, comments)


def _comment(c: dict[str, Any], source: str | None) -> RawComment:
    kind = c.get("kind") or "comment"
    parent = c.get("parent")
    if kind in ("pingback", "trackback"):
        return RawComment(kind=kind, author_url=c.get("author_url"), date=c.get("date"), parent=parent,
                          content=f"{kind.capitalize()}: {c.get('author') or ''}")
    return RawComment(author=c.get("author"), author_url=c.get("author_url"), date=c.get("date"),
                      content=to_fragment(c.get("html"), source=source), parent=parent)
