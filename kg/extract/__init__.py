"""Extraction: a :class:`~kg.model.Post` becomes an :class:`~kg.model.Extraction`.

Input: a post (from :mod:`kg.structure`) and the pipeline of :func:`kg.nlp.make_nlp`.
Output: persons with roles, organisations, concepts, works, citations, affiliations and
the comment thread with authors, every item carrying the spans that support it.

The steps run in a fixed order, each in its own module: the thread (authors and
addressees), persons, organisations, in-document resolution, citations, affiliations,
concepts. The result depends only on the text and the options, so it can be cached by the
document's digest.

An entity keeps at most :data:`MAX_MENTIONS` mentions per document (the first ones): each
becomes seven triples, and a name repeated all through a huge document would otherwise
swell the graph a thousandfold (a 1 MB line of one word: a million triples, 1.7 GB).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import replace

from spacy.language import Language

from kg.nlp import found, run

from kg.extract.affiliations import find_affiliations
from kg.extract.citations import Ref, find_citations
from kg.extract.concepts import find_concepts
from kg.extract.context import Context, mask
from kg.extract.links import add_link_citations, add_pingback_sites
from kg.extract.organisations import OrgMention, find_org_mentions
from kg.extract.persons import Mention, author_from_email, find_person_mentions
from kg.extract.thread import Thread, read_thread
from kg.lexicon import cues
from kg.model import Affiliation, Citation, CommentRecord, Entity, Extraction, Post, Span
from kg.resolve import Cluster, cluster_orgs, cluster_people, normalise

__all__ = ["MAX_MENTIONS", "extract"]

#: Mentions kept per entity and document.
MAX_MENTIONS = 1000

_START_END = operator.attrgetter("start", "end")


def extract(post: Post, nlp: Language, *, document: str, source: str, max_concepts: int = 15) -> Extraction:
    """Extract everything from one post.

    Args:
        post: the parsed post.
        nlp: the pipeline from :func:`kg.nlp.make_nlp`.
        document: the document's file name (the gold schema's ``document``).
        source: the document's path relative to its corpus.
        max_concepts: how many concepts to keep.
    """
    doc = run(nlp, mask(post.text, post.boilerplate))
    ctx = Context(post, doc)

    author, author_span = post.author, post.author_span
    canonical: dict[str, str] = {}
    email = author_from_email(ctx) if author is None else None
    if email is not None:
        author, local, author_span = email
        canonical[local] = author
    thread = read_thread(post, author, author_span)

    lexicon_spans = [Span(start_char, end_char) for _, _, start_char, end_char, _, _ in found(doc, "lexicon")]
    person_mentions = find_person_mentions(ctx, thread, lexicon_spans)
    if email is not None:
        person_mentions.append(Mention(email[1], email[2], "email", True))
    if thread.post_author and thread.post_author_span and post.author is None and email is None:
        person_mentions.append(Mention(thread.post_author, thread.post_author_span, "addressed-author", True))
    org_mentions = find_org_mentions(ctx, person_mentions)
    orgs = cluster_orgs((m.name, m.text, m.span, m.rule, m.structural, m.lexicon) for m in org_mentions)
    org_keys = {normalise(s) for c in orgs for s in (c.name, *c.surfaces)}
    person_mentions = [m for m in person_mentions if normalise(m.text) not in org_keys]
    people = cluster_people(((m.text, m.span, m.rule, m.structural) for m in person_mentions), canonical)

    person_name = _name_table(people)
    org_name = _name_table(orgs)
    refs = _refs(person_mentions, org_mentions, person_name, org_name)

    records = _comment_records(post, thread, person_name)
    citations, works = find_citations(ctx, refs, records)
    if _attribute_own_work(ctx, thread, citations):
        records = _comment_records(post, thread, person_name)
        citations, works = find_citations(ctx, refs, records)
    citations, works = add_link_citations(ctx, citations, works)
    post_author = person_name.get(thread.post_author) if thread.post_author else None
    affiliations = find_affiliations(ctx, refs, post_author)

    # Names, job titles and pingback lines are not where ideas are named.
    taken = [m.span for m in person_mentions] + [m.span for m in org_mentions]
    taken += [c.span for c in post.comments if c.kind != "comment"]
    taken += [_role_span(post.text, a) for a in affiliations if a.role]
    concepts = find_concepts(ctx, [t for t in taken if t is not None], max_concepts)

    persons = _person_entities(people, thread, records, citations, person_name, post_author)
    organisations = tuple(
        Entity(kind="organisation", name=c.name, aliases=c.aliases, mentions=_in_order(c.spans), lexicon=c.lexicon)
        for c in orgs
    )
    persons, organisations = add_pingback_sites(post, citations, persons, organisations)
    return Extraction(
        document=document,
        doc_id=post.doc_id,
        source=source,
        title=post.title,
        post_author=post_author,
        post_date=post.date,
        url=post.url,
        title_span=post.title_span,
        author_evidence=thread.post_author_span,
        persons=_capped(persons),
        organisations=_capped(organisations),
        concepts=_capped(concepts),
        works=_capped(works),
        citations=tuple(citations),
        comments=tuple(records),
        affiliations=tuple(affiliations),
        links=post.links,
        sentences=tuple(ctx.sentences),
    )


def _capped(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """The entities with their first :data:`MAX_MENTIONS` mentions."""
    return tuple(e if len(e.mentions) <= MAX_MENTIONS else replace(e, mentions=e.mentions[:MAX_MENTIONS])
                 for e in entities)


def _in_order(spans: Iterable[Span]) -> tuple[Span, ...]:
    """The spans in their order, sorted by (start, end) without a Python call per comparison."""
    return tuple(sorted(spans, key=_START_END))


def _role_span(text: str, affiliation: Affiliation) -> Span | None:
    start = text.find(affiliation.role or "", affiliation.evidence.start, affiliation.evidence.end)
    return Span(start, start + len(affiliation.role)) if start >= 0 and affiliation.role else None


def _name_table(clusters: list[Cluster]) -> dict[str, str]:
    """Every surface form (and its normalised form) → the cluster's canonical name."""
    table: dict[str, str] = {}
    for c in clusters:
        for s in (c.name, *c.surfaces):
            table.setdefault(s, c.name)
            table.setdefault(normalise(s), c.name)
    return table


def _lookup(table: dict[str, str], name: str | None) -> str | None:
    if not name:
        return None
    return table.get(name) or table.get(normalise(name)) or name


def _refs(persons: list[Mention], orgs: list[OrgMention], person_name: dict[str, str], org_name: dict[str, str]) -> list[Ref]:
    refs = [Ref(m.span, "person", _lookup(person_name, m.text)) for m in persons if not m.structural]
    refs += [Ref(m.span, "organisation", _lookup(org_name, m.name)) for m in orgs if not m.structural]
    return sorted(set(refs), key=lambda r: (r.span.start, r.span.end, r.kind))


def _comment_records(post: Post, thread: Thread, person_name: dict[str, str]) -> list[CommentRecord]:
    records = []
    text = post.text
    for k, c in enumerate(post.comments):
        author = _lookup(person_name, thread.authors[k])
        reply_to = thread.reply_to(post, k)
        records.append(
            CommentRecord(
                n=k + 1,
                span=c.span,
                body=c.body,
                author=author,
                date=c.date,
                reply_to=reply_to if reply_to == "post" else _lookup(person_name, reply_to),
                parent=c.parent,
                kind=c.kind,
                first_words=" ".join(c.body.of(text).split()[:8]),
                author_evidence=thread.author_spans[k],
                url=c.url,
            )
        )
    return records


def _attribute_own_work(ctx: Context, thread: Thread, citations: list[Citation]) -> bool:
    """An unsigned comment that speaks of "my points" / "my post" is by the author of the
    work the post cites first (the cited blogger answering in the thread)."""
    cited = [c.to_person for c in citations if c.source == "post" and c.kind == "cites" and c.to_person and c.to_work]
    if not cited:
        return False
    phrases = cues()["own_work_cues"]
    changed = False
    for k, comment in enumerate(ctx.post.comments):
        # Inference from the thread's shape is weaker than the comment's own words.
        if thread.how[k] not in (None, "reciprocity", "post-author") or comment.kind != "comment":
            continue
        body = comment.body.of(ctx.text).lower()
        if any(p in body for p in phrases) and thread.authors[k] != cited[0]:
            thread.authors[k] = cited[0]
            thread.author_spans[k] = None
            thread.how[k] = "own-work"
            changed = True
    return changed


def _person_entities(
    people: list[Cluster], thread: Thread, records: list[CommentRecord], citations: list[Citation],
    person_name: dict[str, str], post_author: str | None,
) -> tuple[Entity, ...]:
    commenters = {r.author for r in records if r.author}
    for r in records:
        if r.kind != "comment" and r.author:
            commenters.add(_lookup(person_name, r.author))
    quoted = {c.to_person for c in citations if c.kind == "quotes" and c.to_person}
    names = {c.name for c in people}
    out = []
    for c in people:
        roles = []
        if post_author and c.name == post_author:
            roles.append("post_author")
        if c.name in commenters:
            roles.append("commenter")
        if not c.structural_only:
            roles.append("mentioned")
        if c.name in quoted:
            roles.append("quoted")
        out.append(Entity(kind="person", name=c.name, aliases=c.aliases, roles=tuple(roles), mentions=_in_order(c.spans)))
    # A cited author inferred as a commenter may never be named in a span of their own.
    for name in sorted(commenters - names):
        if name and any(r.author == name and r.kind == "comment" for r in records):
            out.append(Entity(kind="person", name=name, roles=("commenter",)))
    return tuple(out)
