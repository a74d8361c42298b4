"""WordPress export (WXR) files: one entry per post, with its comment thread.

Input: the decoded text of a WXR file (RSS 2.0 with the ``wp:`` namespace). Output:
``(entry key, "wxr", entry content)`` triples, the content being the JSON of
:mod:`kg.structure.entries`.

- only items whose ``wp:post_type`` is ``post`` are posts (pages, attachments and menu
  items are not), and not those in the trash or unsaved drafts;
- the author is the display name the export gives for the ``dc:creator`` login;
- the content is stored without paragraph tags (WordPress adds them when it renders), so
  blank lines become paragraphs;
- comments: approved ones only (``wp:comment_approved`` 1; spam and held comments are
  not discourse); ``wp:comment_parent`` gives the comment replied to, and the thread is
  ordered as WordPress shows it (each comment followed by its replies, by date);
  ``wp:comment_type`` ``pingback``/``trackback`` marks the linking pages.

The XML is parsed with lxml with entity resolution, DTD loading and network access off
and its tree-size limit on; entity declarations are refused before that.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from lxml import etree

from kg.errors import DocumentError
from kg.structure.entries import autop, entry_key, refuse_entities, to_entry_content
from kg.structure.lookup import to_date

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+(?:\.\d+)*/?$")
_SKIPPED_STATUS = frozenset(("trash", "auto-draft", "inherit"))


def split_wxr(content: str, path: Path | str) -> list[tuple[str, str, str]]:
    """Cut a WordPress export into one entry per post.

    Raises:
        DocumentError: the XML declares entities, is not well-formed, or holds no post.
    """
    refuse_entities(content, path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content.encode("utf-8"), parser)
    except etree.XMLSyntaxError as err:
        raise DocumentError(f"the WordPress export is not well-formed XML: {err.msg}", path=path,
                            line=err.lineno) from err
    wp = next((uri for uri in root.nsmap.values() if uri and _WP_NAMESPACE.match(uri)), None)
    if wp is None:
        raise DocumentError("not a WordPress export (no wp: namespace)", path=path)

    def wp_text(el: etree._Element, name: str) -> str | None:
        return _text(el.find(f"{{{wp}}}{name}"))

    names = {wp_text(a, "author_login"): wp_text(a, "author_display_name") for a in root.iter(f"{{{wp}}}author")}
    taken: set[str] = set()
    out = []
    for k, item in enumerate(root.iter("item"), 1):
        if wp_text(item, "post_type") != "post" or wp_text(item, "status") in _SKIPPED_STATUS:
            continue
        login = (item.findtext(_DC_CREATOR) or "").strip() or None
        key = entry_key([wp_text(item, "post_name"), item.findtext("link"), wp_text(item, "post_id")], k, taken)
        out.append((key, "wxr", to_entry_content(
            title=(item.findtext("title") or "").strip() or None,
            date=to_date(wp_text(item, "post_date") or item.findtext("pubDate")),
            author=names.get(login) or login, url=(item.findtext("link") or "").strip() or None,
            html=autop(item.findtext(_CONTENT) or ""), comments=_thread(item, wp),
        )))
    if not out:
        raise DocumentError("no post in the WordPress export", path=path)
    return out


def _text(el: etree._Element | None) -> str | None:
    return el.text.strip() if el is not None and el.text and el.text.strip() else None


def _thread(item: etree._Element, wp: str) -> list[dict]:
    """The approved comments of a post in thread order, with ``parent`` as an index."""

    def wp_text(el: etree._Element, name: str) -> str | None:
        return _text(el.find(f"{{{wp}}}{name}"))

    comments = {}
    for c in item.iter(f"{{{wp}}}comment"):
        if wp_text(c, "comment_approved") != "1":
            continue
        cid = wp_text(c, "comment_id") or f"#{len(comments)}"
        kind = wp_text(c, "comment_type") or "comment"
        comments[cid] = {
            "kind": kind if kind in ("pingback", "trackback") else "comment",
            "author": html.unescape(wp_text(c, "comment_author") or "") or None,
            "author_url": wp_text(c, "comment_author_url"),
            "date": to_date(wp_text(c, "comment_date")),
            "html": autop(wp_text(c, "comment_content") or ""),
            "reply_to": wp_text(c, "comment_parent"),
            "order": (wp_text(c, "comment_date") or "", len(comments)),
        }
    children: dict[str | None, list[str]] = {}
    for cid, c in comments.items():
        parent = c["reply_to"] if c["reply_to"] in comments else None
        children.setdefault(parent, []).append(cid)
    out: list[dict] = []
    # Depth first, each comment followed by its replies; a stack, not recursion, because a
    # chain of replies can be thousands long.
    stack: list[tuple[str, int | None]] = [(cid, None) for cid in reversed(_by_order(children.get(None, []), comments))]
    while stack:
        cid, parent_index = stack.pop()
        c = comments[cid]
        out.append({k: c[k] for k in ("kind", "author", "author_url", "date", "html")} | {"parent": parent_index})
        index = len(out) - 1
        stack.extend((child, index) for child in reversed(_by_order(children.get(cid, []), comments)))
    return out


def _by_order(ids: list[str], comments: dict[str, dict]) -> list[str]:
    return sorted(ids, key=lambda i: comments[i]["order"])

