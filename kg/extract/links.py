"""Citations from hyperlinks: a link in the post or a comment points to what it cites.

Input: the :class:`~kg.extract.context.Context` of a post (its links, each with the span
of its anchor text) and the citations and works the other rules found. Output: those
lists with one ``links_to`` :class:`~kg.model.Citation` per linked page and citing part
added, and a work (:class:`~kg.model.Entity` with its ``url``) for each anchor that names
something; and the sites that pingbacks name, as persons or organisations.

- the citing side is where the anchor stands: ``post`` (title or body) or
  ``comment:<n>``; the evidence is the anchor text;
- links back to the page itself or to its own comments and anchors are not citations;
- the anchor names the cited work when it reads as a name or a title: capitalised where
  the sentence does not force it (``the Taulbee survey``), or with two capitalised words
  at the start of a sentence, quoted titles, at most 15 words; bare URLs and link words
  (``here``, ``this post``, ``I can only agree``) name nothing, and the citation then
  carries only its ``url``.

Whether a link points to another post of the corpus is decided when the graph is built
(:mod:`kg.build`), where every post's canonical URL is known.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.extract.context import Context
from kg.model import Citation, Entity, Post, Span
from kg.resolve import normalise
from kg.urls import url_key

_MAX_WORDS = 15
_LINK_WORDS = frozenset((
    "here", "there", "this", "that", "link", "this link", "post", "blog post", "article", "source", "via",
    "click here", "read more", "more", "see here", "paper", "study", "report", "page", "website", "site",
    "homepage", "home page", "blog", "pdf", "video", "slides", "book", "code", "tweet", "thread",
    "comment", "answer", "reply", "previous post", "earlier post", "last post", "recent post",
    "another post", "other post", "follow-up", "update", "see", "see also", "details", "wrote",
))
_DETERMINERS = ("this ", "that ", "my ", "our ", "your ", "his ", "her ", "their ", "a ", "an ", "the ", "its ")
_NOT_NAMES = frozenset((
    "I", "We", "You", "He", "She", "They", "It", "This", "That", "These", "Those", "Here", "There",
    "My", "Our", "Your", "His", "Her", "Their", "Its", "Some", "Many", "Most", "See", "Read",
))
_URL_LIKE = re.compile(r"^(?:https?://|www\.)|^[\w.-]+\.[a-z]{2,}(?:/\S*)?$", re.I)
_QUOTED = re.compile(r"^[“\"‘'«].+[”\"’'»]$")


def add_link_citations(ctx: Context, citations: list[Citation], works: list[Entity]) -> tuple[list[Citation], list[Entity]]:
    """The citations and works with those of the post's links added (in text order)."""
    post = ctx.post
    own = url_key(post.url)
    new: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    for link in post.links:
        key = url_key(link.url)
        if key is None or key == own:
            continue
        source = ctx.source_of(link.span.start)
        if (source, key) in seen:
            continue
        seen.add((source, key))
        new.append(Citation(source=source, kind="links_to", evidence=link.span,
                            to_work=anchor_name(post.text, link.span), url=link.url))
    by_name = {w.name.casefold(): k for k, w in enumerate(works)}
    works = list(works)
    for c in new:
        if c.to_work is None:
            continue
        k = by_name.get(c.to_work.casefold())
        if k is None:
            by_name[c.to_work.casefold()] = len(works)
            works.append(Entity(kind="work", name=c.to_work, mentions=(c.evidence,), url=c.url))
        elif c.evidence not in works[k].mentions:
            works[k] = replace(works[k], mentions=tuple(sorted((*works[k].mentions, c.evidence))))
    merged = sorted([*citations, *new], key=lambda c: (c.evidence.start, c.evidence.end, c.kind, c.source))
    return merged, works


def anchor_name(text: str, span: Span) -> str | None:
    """The anchor text when it names the linked work, else ``None``.

    >>> t = "I liked the Taulbee Survey. I can only agree. See here. Read “Why PhDs?” now."
    >>> [anchor_name(t, Span(*s)) for s in [(12, 26), (28, 44), (50, 54), (61, 72)]]
    ['Taulbee Survey', None, None, '“Why PhDs?”']
    >>> anchor_name("Read https://example.org/a now", Span(5, 26)) is None
    True
    """
    anchor = " ".join(span.of(text).split())
    words = anchor.split()
    if not words or len(words) > _MAX_WORDS or _URL_LIKE.match(anchor):
        return None
    if _QUOTED.match(anchor):
        return anchor
    bare = anchor.casefold()
    while bare.startswith(_DETERMINERS):
        bare = bare.split(" ", 1)[1]
    if bare.rstrip(".:!") in _LINK_WORDS or not words[0][:1].isupper() or words[0] in _NOT_NAMES:
        return None
    before = text[:span.start].rstrip(" \t“\"‘'(")
    sentence_start = not before or before[-1] in ".!?:\n"
    capitalised = sum(1 for w in words if w[:1].isupper())
    if sentence_start and capitalised < 2:
        return None
    return anchor


def add_pingback_sites(
    post: Post, citations: list[Citation], persons: tuple[Entity, ...], organisations: tuple[Entity, ...],
) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    """The persons and organisations with the sites that pingbacks name added.

    A pingback's site is the author of its thread entry and the maker of the linking
    page (:func:`~kg.extract.citations.find_citations` decides whether it is a person or
    an organisation); it must be an entity of the document even where the prose never
    names it, so that the graph can describe it.
    """
    known = {normalise(e.name) for e in (*persons, *organisations)}
    added: dict[str, list[Entity]] = {"person": [], "organisation": []}
    for c in citations:
        site, kind = (c.to_person, "person") if c.to_person else (c.to_org, "organisation")
        if c.kind != "pingback" or not site or normalise(site) in known:
            continue
        known.add(normalise(site))
        at = post.text.find(site, c.evidence.start, c.evidence.end)
        mentions = (Span(at, at + len(site)),) if at >= 0 else ()
        roles = ("commenter",) if kind == "person" else ()
        added[kind].append(Entity(kind=kind, name=site, roles=roles, mentions=mentions))
    return (*persons, *added["person"]), (*organisations, *added["organisation"])
