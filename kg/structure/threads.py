"""Comment threads of HTML pages: WordPress, Blogger, microformats and JSON-LD.

Input: the parsed page (its :class:`~kg.structure.lookup.PageIndex`), and where the page
has them its microformats2 ``h-entry`` (as mf2py returns it) and its schema.org JSON-LD
posting. Output: the
comments in document order as :class:`~kg.structure.markup.RawComment` values, each
with its author, date, words and the index of the comment it replies to (the nesting of
the markup, or ``u-in-reply-to`` / ``parentItem`` where the markup is flat).

:func:`find_thread` tries WordPress, Blogger, microformats and JSON-LD in that order; the
first that yields comments is the thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import lxml.html
from lxml import etree

from kg.structure.lookup import PageIndex, folded, has_token, iter_own, to_date
from kg.structure.markup import RawComment, TextBuilder
from kg.urls import url_key

#: Class tokens the thread readers look up in a page's index.
CLASSES = frozenset((
    "comment-list", "commentlist", "pinglist", "comment-thread", "comment-replies",
))
#: Parts of a WordPress comment that are not its words (old themes do not wrap the words).
_WP_NOT_WORDS = frozenset((
    "comment-author", "comment-meta", "comment-metadata", "commentmetadata", "vcard", "children",
    "reply", "comment-awaiting-moderation", "avatar",
))
_WP_META = frozenset(("comment-metadata", "comment-meta", "commentmetadata"))
_WP_WORDS = frozenset(("comment-content", "comment-text"))
_SAID = re.compile(r"\s*(?:said|says|wrote)\s*(?:\.\.\.|…|:)?\s*$", re.I)


def find_thread(
    index: PageIndex, *, mf2: dict | None = None, posting: dict | None = None,
) -> list[RawComment]:
    """The comment thread of a page, from the first kind of markup that has one.

    Args:
        index: the page's index (with :data:`CLASSES` and ``dl`` filed).
        mf2: the page's main ``h-entry`` as mf2py parses it, if any.
        posting: the page's JSON-LD posting object, if any.
    """
    found = wordpress_thread(index) or blogger_thread(index)
    if not found and mf2 is not None:
        found = mf2_thread(mf2)
    if not found and posting is not None:
        found = json_ld_thread(posting)
    return found


# --- WordPress --------------------------------------------------------------------------------


def wordpress_thread(index: PageIndex) -> list[RawComment]:
    """Comments of ``ol.comment-list`` (``ol.commentlist`` in older themes), replies from
    the nesting of ``ol.children``; pingbacks and trackbacks by their item's class."""
    out: list[RawComment] = []
    for top in index.by_class("comment-list", "commentlist", "pinglist"):
        if top.tag in ("ol", "ul") and not any(
            has_token(a, "comment-list", "commentlist") for a in top.iterancestors()
        ):
            _wordpress_items(top, None, out)
    return out


def _wordpress_items(parent_list: etree._Element, parent: int | None, out: list[RawComment]) -> None:
    for li in parent_list.iterchildren("li"):
        classes = (li.get("class") or "").split()
        kind = "pingback" if "pingback" in classes else "trackback" if "trackback" in classes else "comment"
        index = len(out)
        if kind == "comment":
            out.append(_wordpress_comment(li, parent))
        else:
            scratch = TextBuilder()
            scratch.html(li, skip=_is_list)
            out.append(RawComment(kind=kind, content=scratch.text, parent=parent,
                                  author_url=scratch.links[0].url if scratch.links else None))
        for sub in li.iterchildren("ol", "ul"):
            _wordpress_items(sub, index, out)


def _is_list(el: etree._Element) -> bool:
    return el.tag in ("ol", "ul")


def _wordpress_comment(li: etree._Element, parent: int | None) -> RawComment:
    fn = meta = words = cite = None
    stamp = None
    for el in iter_own(li):  # one pass over the item's own elements, not its replies'
        if el.tag == "time" and stamp is None:
            stamp = el.get("datetime")
        elif el.tag == "cite" and cite is None and el.getparent() is li:
            cite = el
        value = el.get("class")
        if not value:
            continue
        tokens = value.split()
        if fn is None and "fn" in tokens:
            fn = el
        elif meta is None and not _WP_META.isdisjoint(tokens):
            meta = el
        elif words is None and not _WP_WORDS.isdisjoint(tokens):
            words = el
    if fn is None:
        fn = cite
    author_url = None
    if fn is not None:
        author_url = fn.get("href") if fn.tag == "a" else next((a.get("href") for a in fn.iter("a")), None)
    skip = None
    if words is None:
        # Old themes: the words stand beside the byline and metadata, in the item itself.
        words, skip = li, _not_words(li)
    return RawComment(author=folded(fn), author_url=author_url, date=to_date(stamp or folded(meta)),
                      content=words, parent=parent, skip=skip)


def _not_words(li: etree._Element) -> Callable[[etree._Element], bool]:
    def skip(el: etree._Element) -> bool:
        if el.tag in ("ol", "ul") or (el.tag == "cite" and el.getparent() is li):
            return True
        return not _WP_NOT_WORDS.isdisjoint((el.get("class") or "").split())

    return skip


# --- Blogger ----------------------------------------------------------------------------------


def blogger_thread(index: PageIndex) -> list[RawComment]:
    """Comments of Blogger's threaded ``.comment-thread`` lists (replies in
    ``.comment-replies``), or of the classic flat ``dl#comments-block``."""
    out: list[RawComment] = []
    for thread in index.by_class("comment-thread"):
        if not any(has_token(a, "comment-replies") for a in thread.iterancestors()):
            for ol in thread.iterchildren("ol"):
                _blogger_items(ol, None, out)
    if out:
        return out
    block = next((dl for dl in index.by_tag("dl") if dl.get("id") == "comments-block"), None)
    if block is None:
        return out
    current: RawComment | None = None
    for el in block.iterchildren("dt", "dd"):
        if el.tag == "dt":
            name = _SAID.sub("", folded(el) or "")
            url = next((a.get("href") for a in el.iter("a") if a.get("href") and not a.get("href").startswith("#")), None)
            current = RawComment(author=name or None, author_url=url)
            out.append(current)
        elif current is not None and has_token(el, "comment-body"):
            current.content = el
        elif current is not None and has_token(el, "comment-footer"):
            current.date = to_date(folded(el))
    return out


def _blogger_items(ol: etree._Element, parent: int | None, out: list[RawComment]) -> None:
    for li in ol.iterchildren("li"):
        block = next((c for c in li.iterchildren(etree.Element) if has_token(c, "comment-block")), None)
        if block is None:
            continue
        user = stamp = words = None
        for el in block.iter(etree.Element):
            if user is None and el.tag == "cite" and has_token(el, "user"):
                user = el
            elif stamp is None and has_token(el, "datetime"):
                stamp = el
            elif words is None and has_token(el, "comment-content"):
                words = el
        url = next((a.get("href") for a in user.iter("a")), None) if user is not None else None
        out.append(RawComment(author=folded(user), author_url=url, date=to_date(folded(stamp)),
                              content=words, parent=parent))
        index = len(out) - 1
        for replies in li.iterchildren(etree.Element):
            if has_token(replies, "comment-replies"):
                for thread in replies.iter(etree.Element):
                    if has_token(thread, "comment-thread"):
                        for sub in thread.iterchildren("ol"):
                            _blogger_items(sub, index, out)


# --- microformats2 --------------------------------------------------------------------------------


def mf2_thread(entry: dict) -> list[RawComment]:
    """The ``comment`` property of an h-entry: nested comments reply to the one they
    nest in; a flat one replies to the comment its ``in-reply-to`` names."""
    out: list[RawComment] = []
    urls: dict[str, int] = {}
    _mf2_items(entry["properties"].get("comment", []), None, out, urls)
    return out


def _mf2_items(items: list, parent: int | None, out: list[RawComment], urls: dict[str, int]) -> None:
    for item in items:
        if not isinstance(item, dict):
            continue
        props = item.get("properties", {})
        mine = parent
        for target in props.get("in-reply-to", []):
            key = url_key(mf2_value(target))
            if key in urls and parent is None:
                mine = urls[key]
        author = props.get("author", [None])[0]
        content = props.get("content", [None])[0]
        if isinstance(content, dict) and content.get("html"):
            body: Any = lxml.html.fragment_fromstring(content["html"], create_parent="div")
        else:
            body = mf2_value(content)
        out.append(RawComment(
            author=mf2_name(author), author_url=mf2_value(author["properties"].get("url", [None])[0])
            if isinstance(author, dict) else None,
            date=to_date(mf2_value(props.get("published", [None])[0])), content=body, parent=mine,
        ))
        index = len(out) - 1
        for url in props.get("url", []):
            key = url_key(mf2_value(url))
            if key:
                urls.setdefault(key, index)
        _mf2_items(props.get("comment", []), index, out, urls)


def mf2_value(value: Any) -> str | None:
    """The plain value of a microformats2 property value (a string, an embedded item or
    an ``e-*`` content object)."""
    if isinstance(value, dict):
        value = value.get("value")
    return folded(value) if isinstance(value, str) else None


def mf2_name(value: Any) -> str | None:
    """The name of an author property: an h-card's ``name``, else its plain value."""
    if isinstance(value, dict) and value.get("properties", {}).get("name"):
        return mf2_value(value["properties"]["name"][0])
    return mf2_value(value)


# --- JSON-LD ----------------------------------------------------------------------------------


def json_ld_thread(posting: dict) -> list[RawComment]:
    """The ``comment`` list of a schema.org posting: nested ``comment`` lists reply to
    the comment they nest in, ``parentItem`` names the comment replied to."""
    out: list[RawComment] = []
    ids: dict[str, int] = {}
    _json_ld_items(_as_list(posting.get("comment")), None, out, ids)
    return out


def _json_ld_items(items: list, parent: int | None, out: list[RawComment], ids: dict[str, int]) -> None:
    for item in items:
        if not isinstance(item, dict):
            continue
        mine = parent
        for ref in _as_list(item.get("parentItem")):
            key = ref.get("@id") or ref.get("url") if isinstance(ref, dict) else ref
            if isinstance(key, str) and key in ids:
                mine = ids[key]
        author = _as_list(item.get("author"))
        author = author[0] if author else None
        out.append(RawComment(
            author=ld_name(author), author_url=author.get("url") if isinstance(author, dict) else None,
            date=to_date(ld_text(item, "dateCreated", "datePublished")),
            content=ld_text(item, "text", "description", fold=False), parent=mine,
        ))
        index = len(out) - 1
        for key in (item.get("@id"), item.get("url")):
            if isinstance(key, str):
                ids.setdefault(key, index)
        _json_ld_items(_as_list(item.get("comment")), index, out, ids)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def ld_text(obj: dict | None, *keys: str, fold: bool = True) -> str | None:
    """The first of ``keys`` that holds a string in a JSON-LD object."""
    if not obj:
        return None
    for key in keys:
        value = obj.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value.strip():
            return folded(value) if fold else value
    return None


def ld_name(value: Any) -> str | None:
    """A JSON-LD person or organisation's name (or the string standing for it)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return ld_text(value, "name")
    return folded(value) if isinstance(value, str) else None
