"""Frozen dataclasses that cross stage boundaries.

Input: nothing; every stage imports these. Output: the types themselves.

Stages exchange these values and never spaCy objects. Every position is a character
offset into one string: :attr:`Document.content` for the loader, :attr:`Post.text` for
everything after the structure stage. An :class:`Extraction` is the per-document result;
it round-trips through JSON (:meth:`Extraction.to_json` / :meth:`Extraction.from_json`),
which is both the gold schema of ``../shared/gold/README.md`` and the build cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Roles a person can have in one document (gold schema).
ROLES = ("post_author", "commenter", "mentioned", "quoted")

#: Citation kinds of the gold schema, mapped to CiTO properties by :mod:`kg.build`.
CITATION_KINDS = ("cites", "quotes", "credits", "pingback", "replies_to", "links_to")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open character range ``[start, end)``.

    >>> Span(4, 9).of("The cloud offers")
    'cloud'
    """

    start: int
    end: int

    def of(self, text: str) -> str:
        """The text this span covers in ``text``."""
        return text[self.start:self.end]

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Document:
    """One post-sized unit read from disk, before any parsing.

    Attributes:
        id: stable identifier: the path relative to the corpus root without its suffix,
            plus ``#<entry>`` for one entry of a feed or export file.
        source: that relative path, POSIX style, as it names the file to the user.
        format: ``text``, ``html``, ``markdown``, ``rss``, ``atom`` or ``wxr``.
        content: the decoded content (for an entry of a multi-entry file, that entry);
            ``None`` when a build knew the file unchanged and did not read it
            (:class:`kg.corpus.KnownFiles`).
        digest: SHA-256 of the raw bytes and the entry key; the cache key of extraction.
        name: the file name (``feed.xml#<entry>`` for an entry); names the per-document JSON.
        path: the file as the user named it (the corpus path joined with ``source``), for
            messages only: it is not part of the document's identity.
    """

    id: str
    source: str
    format: str
    content: str | None
    digest: str
    name: str
    path: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink in the post or a comment: its anchor text and target."""

    span: Span
    url: str


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the post body: ``paragraph``, ``heading``, ``quote``, ``list`` or ``signature``."""

    span: Span
    kind: str


@dataclass(frozen=True, slots=True)
class Comment:
    """One entry of the comment thread, as the page's structure gives it.

    Attributes:
        span: the whole entry, byline and signature included.
        body: the comment's own words (salutation included, byline and number excluded).
        author: the author where the structure names one (byline, signature, markup).
        author_span: where that name stands in the text.
        date: ISO date ``YYYY-MM-DD`` where given.
        parent: 0-based index of the comment this one nests under; ``None`` for the post.
        kind: ``comment``, ``pingback`` or ``trackback``.
        url: for pingbacks and trackbacks, the linking page; else the author's site.
        source_title: for pingbacks, the title of the linking page.
        source_site: for pingbacks, the site or person that links.
    """

    span: Span
    body: Span
    author: str | None = None
    author_span: Span | None = None
    date: str | None = None
    parent: int | None = None
    kind: str = "comment"
    url: str | None = None
    source_title: str | None = None
    source_site: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """A document after the structure stage: plain text and where each part of it is.

    Attributes:
        doc_id: the :attr:`Document.id` it came from.
        text: the plain text every span indexes (title, body and comments).
        title: the post title.
        title_span: where the title stands in ``text``.
        date: ISO date of the post.
        author: the post author where the structure names one (markup, byline).
        author_span: where that name stands.
        url: the canonical URL, where known.
        body: the post body.
        blocks: the body's blocks in order.
        comments: the thread in document order (nested replies flattened).
        links: hyperlinks with their anchor spans.
        boilerplate: spans left out of extraction (comment forms, feeds, counters).
    """

    doc_id: str
    text: str
    title: str | None = None
    title_span: Span | None = None
    date: str | None = None
    author: str | None = None
    author_span: Span | None = None
    url: str | None = None
    body: Span = Span(0, 0)
    blocks: tuple[Block, ...] = ()
    comments: tuple[Comment, ...] = ()
    links: tuple[Link, ...] = ()
    boilerplate: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, concept or work found in one document.

    ``mentions`` are the spans that support it; ``aliases`` the other surface forms;
    ``lexicon`` the IRI of the lexicon entry it matched (its identity across documents);
    ``url`` the address of a work known by its link.
    """

    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()
    creator: str | None = None
    publisher: str | None = None
    lexicon: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """One reference from the post or a comment to a person, organisation or work.

    ``source`` is ``"post"`` or ``"comment:<n>"`` with ``n`` the 1-based comment position;
    ``url`` is the link target where the citation is a hyperlink (or a pingback's page).
    """

    source: str
    kind: str
    evidence: Span
    to_person: str | None = None
    to_work: str | None = None
    to_org: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A person stated to belong to an organisation, with the role where given."""

    person: str
    org: str
    evidence: Span
    role: str | None = None


@dataclass(frozen=True, slots=True)
class CommentRecord:
    """A comment as extraction understands it: author and addressee resolved."""

    n: int
    span: Span
    body: Span
    author: str | None = None
    date: str | None = None
    reply_to: str | None = None
    parent: int | None = None
    kind: str = "comment"
    first_words: str = ""
    author_evidence: Span | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document; a pure function of its text and config."""

    document: str
    doc_id: str
    source: str
    title: str | None
    post_author: str | None
    post_date: str | None
    url: str | None = None
    title_span: Span | None = None
    author_evidence: Span | None = None
    persons: tuple[Entity, ...] = ()
    organisations: tuple[Entity, ...] = ()
    concepts: tuple[Entity, ...] = ()
    works: tuple[Entity, ...] = ()
    citations: tuple[Citation, ...] = ()
    comments: tuple[CommentRecord, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()
    links: tuple[Link, ...] = ()
    sentences: tuple[Span, ...] = field(default=(), repr=False)

    def comment_author(self, source: str) -> str | None:
        """The author of the citing comment named by a ``comment:<n>`` source."""
        if not source.startswith("comment:"):
            return None
        n = int(source.split(":", 1)[1])
        return self.comments[n - 1].author if 0 < n <= len(self.comments) else None

    def to_json(self) -> dict[str, Any]:
        """The gold-schema object, with offsets added for evidence (the scorer ignores them)."""
        return {
            "document": self.document,
            "id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "post_author": self.post_author,
            "post_date": self.post_date,
            "url": self.url,
            "title_span": _span_json(self.title_span),
            "author_evidence": _span_json(self.author_evidence),
            "persons": [_entity_json(e) for e in self.persons],
            "organisations": [_entity_json(e) for e in self.organisations],
            "concepts": [_entity_json(e) for e in self.concepts],
            "works": [_entity_json(e) for e in self.works],
            "citations": [_citation_json(c, self) for c in self.citations if _citation_listed(c, self)],
            "comments": [_comment_json(c) for c in self.comments],
            "affiliations": [
                {"person": a.person, "org": a.org, "role": a.role, "evidence": _span_json(a.evidence)}
                for a in self.affiliations
            ],
            "links": [{"url": link.url, "span": _span_json(link.span)} for link in self.links],
            "sentences": [[s.start, s.end] for s in self.sentences],
            # Citations from comments whose author is unknown are kept for the graph,
            # under their comment number; the gold schema cannot name their source.
            "citations_by_comment": [
                _citation_json(c, self)
                for c in self.citations
                if not _citation_listed(c, self)
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Extraction:
        """Inverse of :meth:`to_json` (raises ``KeyError``/``TypeError`` on malformed data)."""
        comments = tuple(
            CommentRecord(
                n=c["n"], span=_span(c["span"]), body=_span(c["body"]), author=c["author"],
                date=c["date"], reply_to=c["reply_to"], parent=c["parent"], kind=c["kind"],
                first_words=c["first_words"], author_evidence=_span(c["author_evidence"]),
                url=c.get("url"),
            )
            for c in data["comments"]
        )
        citations = tuple(
            Citation(
                source=c["source"], kind=c["kind"], evidence=_span(c["evidence"]),
                to_person=c["to_person"], to_work=c["to_work"], to_org=c["to_org"], url=c.get("url"),
            )
            for c in data["citations"] + data["citations_by_comment"]
        )
        return cls(
            document=data["document"], doc_id=data["id"], source=data["source"],
            title=data["title"], post_author=data["post_author"], post_date=data["post_date"],
            url=data["url"], title_span=_span(data["title_span"]),
            author_evidence=_span(data["author_evidence"]),
            persons=tuple(_entity(e, "person") for e in data["persons"]),
            organisations=tuple(_entity(e, "organisation") for e in data["organisations"]),
            concepts=tuple(_entity(e, "concept") for e in data["concepts"]),
            works=tuple(_entity(e, "work") for e in data["works"]),
            citations=tuple(sorted(citations, key=_citation_order)),
            comments=comments,
            affiliations=tuple(
                Affiliation(person=a["person"], org=a["org"], role=a["role"], evidence=_span(a["evidence"]))
                for a in data["affiliations"]
            ),
            links=tuple(Link(span=_span(x["span"]), url=x["url"]) for x in data["links"]),
            sentences=tuple(Span(s, e) for s, e in data["sentences"]),
        )


def _citation_order(c: Citation) -> tuple:
    return (c.evidence.start, c.evidence.end, c.source, c.kind, c.to_person or "", c.to_work or "", c.to_org or "")


def _span_json(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def _span(value: list[int] | None) -> Span | None:
    return None if value is None else Span(value[0], value[1])


def _entity_json(e: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {"name": e.name, "aliases": list(e.aliases)}
    if e.kind == "person":
        out["roles"] = list(e.roles)
    if e.kind == "work":
        out["creator"] = e.creator
        out["publisher"] = e.publisher
        out["url"] = e.url
    if e.lexicon:
        out["lexicon"] = e.lexicon
    out["mentions"] = [[m.start, m.end] for m in e.mentions]
    return out


def _entity(data: dict[str, Any], kind: str) -> Entity:
    return Entity(
        kind=kind, name=data["name"], aliases=tuple(data["aliases"]), roles=tuple(data.get("roles", ())),
        mentions=tuple(Span(s, e) for s, e in data["mentions"]),
        creator=data.get("creator"), publisher=data.get("publisher"),
        lexicon=data.get("lexicon"), url=data.get("url"),
    )


def _citation_listed(c: Citation, ex: Extraction) -> bool:
    return c.source == "post" or ex.comment_author(c.source) is not None


def _citation_json(c: Citation, ex: Extraction) -> dict[str, Any]:
    author = ex.comment_author(c.source)
    return {
        "from": "post" if c.source == "post" else f"comment:{author}",
        "to_person": c.to_person,
        "to_work": c.to_work,
        "to_org": c.to_org,
        "kind": c.kind,
        "source": c.source,
        "url": c.url,
        "evidence": _span_json(c.evidence),
    }


def _comment_json(c: CommentRecord) -> dict[str, Any]:
    return {
        "n": c.n, "author": c.author, "date": c.date, "reply_to": c.reply_to,
        "first_words": c.first_words, "kind": c.kind, "parent": c.parent, "url": c.url,
        "span": _span_json(c.span), "body": _span_json(c.body),
        "author_evidence": _span_json(c.author_evidence),
    }
