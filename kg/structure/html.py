"""Structure of an HTML blog page: metadata, main text, comment thread, links.

Input: the decoded HTML of one page. Output: a :class:`~kg.model.Post` rendered by
:mod:`kg.structure.markup` (title, author, body blocks, comments, links, all as spans of
``Post.text``).

The page's own markup is preferred wherever it is recognisable, because it is exact and
cheap (lxml and one indexing pass over the page: 1 to 2 ms a page):

- metadata and main text: hAtom as WordPress and Blogger write it (``.entry-title``,
  ``.entry-content``/``.post-body``, ``time.entry-date[datetime]``, ``abbr.published``,
  ``.author .fn``), then microformats2 (``h-entry``, read with mf2py only on pages that
  use it), then schema.org JSON-LD (``BlogPosting`` and kin), then ``<meta>`` tags
  (``og:title``, ``article:published_time``, ``author``), ``<link rel=canonical>`` and
  ``<title>``;
- a page with none of these main-text markers goes to trafilatura, a maintained
  main-text extractor (about 30 ms a page, so only on this fallback path);
- the comment thread: see :mod:`kg.structure.threads`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from functools import cache
from typing import Any

from lxml import etree

from kg.errors import DocumentError
from kg.model import Post
from kg.structure import threads
from kg.structure.lookup import PageIndex, folded, has_token, refuse_deep, to_date
from kg.structure.markup import PostMeta, to_post_from_parts
from kg.structure.threads import ld_name, ld_text, mf2_name, mf2_value

log = logging.getLogger(__name__)

#: schema.org types read as the post in JSON-LD.
_POSTING_TYPES = frozenset((
    "BlogPosting", "Article", "NewsArticle", "TechArticle", "ScholarlyArticle", "Report",
    "SocialMediaPosting", "DiscussionForumPosting", "LiveBlogPosting", "Posting",
))
#: Where the main text is, most specific first (hAtom of WordPress and Blogger, then
#: Blogger's own class, then microformats2).
_BODIES = ("entry-content", "post-body", "e-content")
_CLASSES = threads.CLASSES | {
    "hentry", "h-entry", "entry-title", "post-title", "author", "post-author", "fn", "byline",
    "entry-date", "published", "dt-published", "date-header", "p-comment", *_BODIES,
}
_TAGS = ("link", "meta", "title", "article", "script", "base", "dl")


@cache
def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def to_tree(content: str, *, source: str | None = None) -> etree._Element:
    """Parse HTML; libxml2 repairs broken and truncated markup as browsers do.

    Raises:
        DocumentError: the content holds nothing to parse, or nests deeper than the
            parser reads (:data:`~kg.structure.lookup.MAX_DEPTH` elements).
    """
    parser = _parser()
    try:
        root = etree.fromstring(content.encode("utf-8", "replace"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise DocumentError(f"cannot parse the HTML: {err}", path=source) from err
    refuse_deep(parser, source)
    if root is None:
        raise DocumentError("cannot parse the HTML: no element in it", path=source)
    return root


def parse_html(doc_id: str, content: str, *, source: str | None = None) -> Post:
    """Parse an HTML page into a post.

    Args:
        doc_id: the document's id.
        content: the page's HTML.
        source: the file, named in errors.

    Raises:
        DocumentError: the page cannot be parsed or has no text at all.
    """
    root = to_tree(content, source=source)
    index = PageIndex(root, classes=_CLASSES, tags=_TAGS)
    entry = index.first("hentry", "h-entry")
    if entry is None:
        articles = index.by_tag("article")
        entry = articles[0] if articles else root
    canonical = _link(index, "canonical")
    mf2 = _mf2_entry(content, canonical, source) if "h-entry" in content else None
    posting = _json_ld_posting(index, source) if "ld+json" in content else None
    meta = _page_meta(index, entry, canonical, mf2, posting)
    body: etree._Element | str | None = next(
        (found for token in _BODIES if (found := _body(index, token, entry)) is not None), None
    )
    if body is None:
        body = next((el for el in root.iter(etree.Element) if el.get("itemprop") == "articleBody"), None)
    if body is None:
        body = ld_text(posting, "articleBody", fold=False)
    if body is None:
        body, found = _main_text(content, meta.url, source)
        meta = PostMeta(title=meta.title or found.title, date=meta.date or found.date,
                        author=meta.author or found.author, url=meta.url or found.url)
    comments = threads.find_thread(index, mf2=mf2, posting=posting)
    bases = [b.get("href") for b in index.by_tag("base") if b.get("href")]
    post = to_post_from_parts(doc_id, meta, body, comments, base_url=meta.url or (bases[0] if bases else None))
    if not post.text.strip():
        raise DocumentError("no text found in the HTML page", path=source)
    return post


def _body(index: PageIndex, token: str, entry: etree._Element) -> etree._Element | None:
    for el in index.by_class(token, within=entry):
        # microformats2: the content of a comment is not the post's
        if token != "e-content" or not any(has_token(a, "p-comment") for a in el.iterancestors()):
            return el
    return None


def _link(index: PageIndex, rel: str) -> str | None:
    return next((folded(el.get("href")) for el in index.by_tag("link")
                 if rel in (el.get("rel") or "").lower().split() and el.get("href")), None)


def _meta(index: PageIndex, key: str) -> str | None:
    """The content of ``<meta property=key>`` or ``<meta name=key>``."""
    return next((folded(el.get("content")) for el in index.by_tag("meta")
                 if key in (el.get("property"), el.get("name")) and el.get("content")), None)


def _page_meta(index: PageIndex, entry: etree._Element, canonical: str | None, mf2: dict | None,
               posting: dict | None) -> PostMeta:
    props = mf2["properties"] if mf2 else {}

    def mf2_first(name: str) -> str | None:
        return mf2_value(props[name][0]) if props.get(name) else None

    titles = index.by_tag("title")
    title = (
        folded(index.first("entry-title", within=entry))
        or folded(index.first("post-title", within=entry))
        or mf2_first("name")
        or ld_text(posting, "headline", "name")
        or _meta(index, "og:title")
        or (folded(titles[0]) if titles else None)
    )
    fn = next((el for el in index.by_class("fn", within=entry)
               if any(has_token(a, "author", "post-author") for a in el.iterancestors())), None)
    bylines = [a for b in index.by_class("byline", within=entry) for a in b.iter(etree.Element)
               if has_token(a, "author")]
    author = (
        folded(fn)
        or (folded(bylines[0]) if bylines else None)
        or (mf2_name(props["author"][0]) if props.get("author") else None)
        or ld_name(posting.get("author") if posting else None)
        or folded(next((a for a in entry.iter("a") if a.get("rel") == "author"), None))
        or _meta(index, "author")
    )
    url = canonical or _meta(index, "og:url") or mf2_first("url") or _ld_url(posting)
    return PostMeta(title=title, date=_page_date(index, entry, props, posting), author=author, url=url)


def _page_date(index: PageIndex, entry: etree._Element, props: dict, posting: dict | None) -> str | None:
    def candidates() -> Iterator[str | None]:
        for el in index.by_class("entry-date", "published", "dt-published", within=entry):
            yield el.get("datetime") or el.get("title")  # <time datetime>, Blogger's <abbr title>
        if props.get("published"):
            yield mf2_value(props["published"][0])
        yield ld_text(posting, "datePublished", "dateCreated")
        yield _meta(index, "article:published_time")
        yield from (folded(h) for h in index.by_class("date-header"))

    return next((d for d in map(to_date, candidates()) if d), None)


def _ld_url(posting: dict | None) -> str | None:
    if not posting:
        return None
    page = posting.get("mainEntityOfPage")
    if isinstance(page, dict):
        page = page.get("@id") or page.get("url")
    return ld_text(posting, "url") or (page if isinstance(page, str) else None)


# --- embedded metadata ----------------------------------------------------------------------------


def _mf2_entry(content: str, url: str | None, source: str | None) -> dict | None:
    """The page's first h-entry (top level or inside an h-feed), parsed by mf2py."""
    import mf2py

    try:
        parsed = mf2py.parse(doc=content, url=url, html_parser="lxml")
    except Exception as err:  # noqa: BLE001 - a third-party parser may fail in many ways
        log.warning("%s: microformats not read: %s", source, err)
        return None
    stack = list(parsed.get("items", []))
    while stack:
        item = stack.pop(0)
        if "h-entry" in item.get("type", ()):
            return item
        stack[:0] = item.get("children", [])
    return None


def _json_ld_posting(index: PageIndex, source: str | None) -> dict | None:
    """The first JSON-LD object of a posting type (at the top, in a list or in ``@graph``)."""
    for script in index.by_tag("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError) as err:  # a block nested thousands deep overflows the decoder
            log.info("%s: JSON-LD block not read: %s", source, err)
            continue
        stack: list[Any] = [data]
        while stack:
            obj = stack.pop(0)
            if isinstance(obj, list):
                stack[:0] = obj
            elif isinstance(obj, dict):
                types = obj.get("@type")
                types = types if isinstance(types, list) else [types]
                if _POSTING_TYPES.intersection(t for t in types if isinstance(t, str)):
                    return obj
                if isinstance(obj.get("@graph"), list):
                    stack[:0] = obj["@graph"]
    return None


def _main_text(content: str, url: str | None, source: str | None) -> tuple[etree._Element | None, PostMeta]:
    """The main text and metadata by trafilatura, for pages without known markup."""
    import trafilatura

    try:
        found = trafilatura.bare_extraction(
            content, url=url, include_comments=False, include_links=True, include_formatting=True,
            with_metadata=True,
        )
    except Exception as err:  # noqa: BLE001 - a third-party extractor may fail in many ways
        raise DocumentError(f"main-text extraction failed: {err}", path=source) from err
    if found is None:
        return None, PostMeta()
    log.debug("%s: main text by trafilatura", source)
    return found.body, PostMeta(title=found.title, date=to_date(found.date), author=found.author, url=found.url)
