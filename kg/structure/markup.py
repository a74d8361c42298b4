"""Plain text with exact spans, assembled from HTML fragments and metadata.

Input: what a format module found in its markup: the post's metadata (:class:`PostMeta`),
its body as an lxml element (HTML, or the TEI-like XML that trafilatura returns), and its
comments (:class:`RawComment`). Output: a :class:`~kg.model.Post` whose ``text`` is a
plain-text rendering made here, with the title, the author's byline, the body's blocks,
each comment and each link's anchor located in it.

The rendering, shared by HTML pages, feed entries, WordPress exports and Markdown::

    Title
    (blank line)
    Post author
    (blank line)
    Body paragraphs, headings, quotes and list items, one block each (list items and
    line breaks one line apart, other blocks a blank line apart)
    (blank line)
    Commenter name
    The comment's words
    (blank line)
    Pingback: Linking site » Linking page title

Whitespace is folded as a browser folds it (``<pre>`` keeps its line breaks); scripts,
styles, forms, images and sharing widgets are left out. Dates are not written into the
text: they are in :attr:`Post.date` and :attr:`Comment.date`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from kg.chars import drop_controls
from kg.model import Block, Comment, Link, Post, Span
from kg.structure.text import split_pingback
from kg.urls import to_web_iri

#: Elements that start and end a block of text (HTML, and trafilatura's XML output).
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer h1 h2 h3 h4 h5 h6 head header hgroup html item li list main menu ol p "
    "pre quote row section summary table tbody tfoot thead tr ul".split()
)
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6 head".split())
_QUOTES = frozenset(("blockquote", "quote"))
_LIST_ITEMS = frozenset(("li", "item", "dt", "dd"))
_CELLS = frozenset(("td", "th", "cell"))
_BREAKS = frozenset(("br", "lb"))
#: Elements whose content is not prose a reader sees as the post's text.
_SKIP = frozenset(
    "script style noscript template iframe object embed svg canvas video audio map button input "
    "select textarea option form img picture source title meta link nav".split()
)
#: Classes of widgets that themes put inside the post or comment content.
_SKIP_CLASSES = frozenset(
    "sharedaddy sd-sharing-enabled jp-relatedposts yarpp-related wp-block-buttons post-navigation "
    "comment-reply-link reply edit-link says screen-reader-text".split()
)
_GAP_RANK = {"": 0, " ": 1, "\n": 2, "\n\n": 3}
_CHARACTER_REFERENCE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


@dataclass
class PostMeta:
    """The post's metadata as the markup gives it (any of it may be missing)."""

    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None


@dataclass
class RawComment:
    """One comment as a format module found it, before rendering.

    Attributes:
        kind: ``comment``, ``pingback`` or ``trackback``.
        author: the commenter's name (for a pingback, unused: the line names the site).
        author_url: the commenter's site; for a pingback, the linking page.
        date: ISO date.
        content: the comment's words: an element to render, or plain text (paragraphs
            apart by blank lines); for a pingback, the line as the page shows it
            (``Pingback: Site » Title``).
        parent: index of the comment it replies to, ``None`` for the post.
        skip: parts of ``content`` to leave out (old themes put the byline and the
            metadata beside the words, in one element).
    """

    kind: str = "comment"
    author: str | None = None
    author_url: str | None = None
    date: str | None = None
    content: etree._Element | str | None = None
    parent: int | None = None
    skip: Callable[[etree._Element], bool] | None = None


class TextBuilder:
    """``Post.text`` under construction: parts are appended in order, each returning
    its span. Separators are written lazily, so that no part ends with blank space.

    Attributes:
        base_url: the address relative links are resolved against.
        blocks: the blocks recorded so far (those of the post body).
        links: the links recorded so far, with their anchors' spans.
        pos: the length of the text so far.
    """

    def __init__(self, base_url: str | None = None):
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.pos = 0
        self._parts: list[str] = []
        self._gap = ""  # the separator owed before the next visible text
        self._tight = False  # the next part goes on the next line, not after a blank line
        self._space = False  # a space is owed before the next word of this block
        self._block_start: int | None = None
        self._block_kind = "paragraph"
        self._last_kind: str | None = None
        self._region_start: int | None = None
        self._open_links: list[list] = []
        self._record_blocks = False
        self._record_links = True

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def _request(self, gap: str) -> None:
        if _GAP_RANK[gap] > _GAP_RANK[self._gap]:
            self._gap = gap

    def _write(self, chunk: str) -> int:
        if self._gap and self.pos:
            self._parts.append(self._gap)
            self.pos += len(self._gap)
        self._gap = ""
        start = self.pos
        self._parts.append(chunk)
        self.pos += len(chunk)
        if self._region_start is None:
            self._region_start = start
        for link in self._open_links:
            if link[1] is None:
                link[1] = start
        return start

    def line(self, text: str | None, *, tight: bool = False) -> Span | None:
        """Append one short part (a title, a name, a pingback line) as its own line.

        Args:
            tight: a line break before it instead of a blank line.
        """
        words = fold(text)
        if not words:
            return None
        self._request("\n" if tight or self._tight else "\n\n")
        self._tight = False
        start = self._write(words)
        return Span(start, self.pos)

    def tight(self, on: bool = True) -> None:
        """Whether the next part follows on the next line instead of after a blank line."""
        self._tight = on

    def paragraphs(self, text: str, *, blocks: bool = False) -> Span | None:
        """Append plain text, one paragraph per run of lines between blank lines.

        Args:
            blocks: record the paragraphs as blocks (for the post body).
        """
        self._region_start = None
        for para in drop_controls(text).replace("\r\n", "\n").split("\n\n"):
            lines = [" ".join(ln.split()) for ln in para.split("\n")]
            lines = [ln for ln in lines if ln]
            if not lines:
                continue
            self._request("\n" if self._tight else "\n\n")
            self._tight = False
            start = None
            for ln in lines:
                self._request("\n")
                s = self._write(ln)
                start = s if start is None else start
            if blocks:
                self.blocks.append(Block(Span(start, self.pos), "paragraph"))
        return None if self._region_start is None else Span(self._region_start, self.pos)

    def html(
        self, element: etree._Element, *, blocks: bool = False, links: bool = True,
        skip: Callable[[etree._Element], bool] | None = None,
    ) -> Span | None:
        """Append the text of an element's content; returns the span it covers.

        Args:
            blocks: record the blocks (for the post body).
            links: record the links in :attr:`links`.
            skip: elements to leave out, besides scripts, forms and widgets.
        """
        self._region_start = None
        self._record_blocks, self._record_links = blocks, links
        self._space = False
        self._block_start = None
        self._content(element, "paragraph", False, skip)
        self._end_block()
        self._record_blocks, self._record_links = False, True
        return None if self._region_start is None else Span(self._region_start, self.pos)

    # -- rendering ---------------------------------------------------------------------

    def _content(self, el: etree._Element, kind: str, pre: bool, skip: Callable | None) -> None:
        """An element's text, its children and the text after each child."""
        if el.text:
            self._inline(el.text, kind, pre)
        for child in el:
            self._walk(child, kind, pre, skip)
            if child.tail:
                self._inline(child.tail, kind, pre)

    def _walk(self, el: etree._Element, kind: str, pre: bool, skip: Callable | None) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            return
        if "}" in tag:
            tag = tag.rsplit("}", 1)[1]
        tag = tag.lower()
        if tag in _SKIP:
            return
        classes = el.get("class")
        if classes and not _SKIP_CLASSES.isdisjoint(classes.split()):
            return
        if skip is not None and skip(el):
            return
        if tag in _BREAKS:
            if self._block_start is not None:
                self._request("\n")
                self._space = False
            return
        if tag == "hr":
            self._end_block()
            return
        block = tag in _BLOCKS
        if block:
            self._end_block()
            kind = _kind(tag, kind)
            pre = pre or tag == "pre"
        elif tag in _CELLS:
            self._space = True
        link = None
        if tag in ("a", "ref"):
            url = self.resolve(el.get("href") or el.get("target"))
            if url:
                link = [url, None]
                self._open_links.append(link)
        self._content(el, kind, pre, skip)
        if link is not None:
            self._open_links.remove(link)
            if link[1] is not None and self._record_links:
                self.links.append(Link(Span(link[1], self.pos), link[0]))
        if block:
            self._end_block()
        elif tag in _CELLS:
            self._space = True

    def _inline(self, text: str, kind: str, pre: bool) -> None:
        text = drop_controls(text)  # a character reference can bring one back
        if not text:
            return
        if pre and "\n" in text:
            pieces = text.split("\n")
            for k, piece in enumerate(pieces):
                if k and self._block_start is not None:
                    self._request("\n")
                    self._space = False
                if piece:
                    self._inline(piece, kind, False)
            return
        if text[0].isspace():
            self._space = True
        words = text.split()
        if not words:
            return
        if self._block_start is None:
            tight = self._tight or (self._last_kind == "list" and kind == "list")
            self._request("\n" if tight else "\n\n")
            self._tight = False
            self._block_kind = kind
            self._block_start = self._write(" ".join(words))
        else:
            if self._space:
                self._request(" ")
            self._write(" ".join(words))
        self._space = text[-1].isspace()

    def _end_block(self) -> None:
        if self._block_start is not None:
            if self._record_blocks:
                self.blocks.append(Block(Span(self._block_start, self.pos), self._block_kind))
            self._last_kind = self._block_kind
            self._block_start = None
        self._space = False

    def resolve(self, href: str | None) -> str | None:
        """The absolute http(s) address of a link, as a valid IRI; ``None`` for in-page
        anchors, mail and script links."""
        if not href:
            return None
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        if self.base_url and not href.lower().startswith(("http://", "https://")):
            try:
                href = urljoin(self.base_url, href)
            except ValueError:
                return None
        return to_web_iri(href)


def fold(text: str | None) -> str:
    r"""Text as one line: control characters dropped, runs of whitespace folded.

    >>> fold("  Ann\x01\n  Author ")
    'Ann Author'
    """
    return " ".join(drop_controls(text or "").split())


def _kind(tag: str, inherited: str) -> str:
    if inherited == "quote" or tag in _QUOTES:
        return "quote"
    if inherited == "heading" or tag in _HEADINGS:
        return "heading"
    if inherited == "list" or tag in _LIST_ITEMS:
        return "list"
    return "paragraph"


def to_post_from_parts(
    doc_id: str, meta: PostMeta, body: etree._Element | str | None, comments: list[RawComment],
    *, base_url: str | None = None,
) -> Post:
    """Render the parts a format module found into a post.

    Args:
        doc_id: the document's id.
        meta: title, date, author and canonical URL.
        body: the post body: an element to render, or plain text.
        comments: the thread in document order.
        base_url: the address relative links are resolved against (default: the
            canonical URL).
    """
    out = TextBuilder(base_url=base_url or meta.url)
    title = _unescape_leftovers(meta.title)
    title_span = out.line(title)
    author_span = out.line(meta.author)
    if isinstance(body, str):
        body_span = out.paragraphs(body, blocks=True)
    elif body is not None:
        body_span = out.html(body, blocks=True)
    else:
        body_span = None
    if body_span is None:
        end = title_span.end if title_span else 0
        body_span = Span(end, end)
    rendered = [_render_comment(out, c) for c in comments]
    return Post(
        doc_id=doc_id,
        text=out.text,
        title=title_span.of(out.text) if title_span else None,
        title_span=title_span,
        date=meta.date,
        author=author_span.of(out.text) if author_span else None,
        author_span=author_span,
        url=to_web_iri(meta.url),
        body=body_span,
        blocks=tuple(out.blocks),
        comments=tuple(rendered),
        links=tuple(out.links),
    )


def _unescape_leftovers(value: str | None) -> str | None:
    """A title with the character references left by double escaping decoded
    (WordPress stores some titles escaped, and themes escape them again).

    >>> _unescape_leftovers("Setting up a &#8220;robust&#8221; server &amp; more")
    'Setting up a “robust” server & more'
    >>> _unescape_leftovers("AT&T, R&D")
    'AT&T, R&D'
    """
    if value and _CHARACTER_REFERENCE.search(value):
        return html.unescape(value)
    return value


def _render_comment(out: TextBuilder, c: RawComment) -> Comment:
    if c.kind in ("pingback", "trackback"):
        # (the folded line is kept here: reading it back from out.text would join the
        # whole text once per comment)
        line = fold(c.content if isinstance(c.content, str) else "") \
            or f"{c.kind.capitalize()}: {c.author_url or ''}".strip()
        span = out.line(line)
        assert span is not None
        rest = line.split(":", 1)[1].strip() if ":" in line.split(" ", 1)[0] else line
        site, title = split_pingback(rest)
        at = line.find(site) if site else -1
        author_span = Span(span.start + at, span.start + at + len(site)) if site and at >= 0 else None
        return Comment(span=span, body=span, author=site, author_span=author_span, date=c.date, parent=c.parent,
                       kind=c.kind, url=out.resolve(c.author_url), source_title=title, source_site=site)
    author = fold(c.author) or None
    author_span = out.line(author)
    if author_span is not None:
        out.tight()
    if isinstance(c.content, str):
        body = out.paragraphs(c.content)
    elif c.content is not None:
        body = out.html(c.content, skip=c.skip)
    else:
        body = None
    out.tight(False)
    if body is None:
        end = author_span.end if author_span else out.pos
        body = Span(end, end)
    start = author_span.start if author_span else body.start
    return Comment(
        span=Span(start, body.end), body=body, author=author, author_span=author_span, date=c.date,
        parent=c.parent, kind="comment", url=out.resolve(c.author_url),
    )
