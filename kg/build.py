"""Extractions become RDF: one named graph per document and one for the corpus.

Input: :class:`~kg.model.Extraction` values, their texts, and the corpus
:class:`~kg.resolve.Resolution`. Output: N-Triples lines (``str``, without the final
dot) per named graph: the bulk form that :mod:`kg.store` loads and :mod:`kg.export`
serialises, written without creating a Python object per RDF term.

Model (vocabularies of DESIGN.md §5; our own terms in ``ontology/kg.ttl``):

- a post is ``sioc:Post``/``sioct:BlogPost`` with ``dcterms:title``, ``dcterms:date``,
  ``dcterms:creator``; a comment is ``sioct:Comment`` with ``sioc:reply_of``;
- the text is a ``nif:Context``; the evidence of a fact is a ``nif:Phrase`` with
  ``nif:beginIndex``/``nif:endIndex``/``nif:anchorOf``, linked to its ``nif:Sentence``;
  an entity named in the text is linked from the sentence that names it
  (``<sentence> itsrdf:taIdentRef <entity>``); a post names its concepts with
  ``dcterms:subject`` and its other entities with ``kg:mentions``;
- a citation is a ``cito:Citation`` (citing entity, cited entity, CiTO characterisation,
  ``kg:evidence`` span) and is also asserted directly (``<post> cito:cites <work>``);
  a link or pingback whose address is the canonical URL of another post of the corpus
  cites that post (:func:`post_urls` gives the :class:`Minter` every post by its URL);
- an affiliation is an ``org:Membership`` with evidence, plus ``org:memberOf``;
- authorship is ``dcterms:creator`` with a ``prov:Attribution`` that carries the evidence;
- entity descriptions (types, names, aliases) are corpus-wide, in the corpus graph.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping

from kg.model import Citation, Extraction, Span
from kg.namespaces import (
    CITO, DCTERMS, FOAF, ITSRDF, KG, NIF, ORG, PROV, RDF, RDFS, SDO, SIOC, SIOCT, SKOS, XSD, doc_slug, mint_iri,
)
from kg.resolve import Resolution, normalise
from kg.urls import url_key

#: CiTO characterisation of each citation kind.
CITO_PROPERTY = {
    "cites": CITO.cites,
    "quotes": CITO.includesQuotationFrom,
    "credits": CITO.credits,
    "pingback": CITO.linksTo,
    "replies_to": CITO.repliesTo,
    "links_to": CITO.linksTo,
    "agrees": CITO.agreesWith,
    "disagrees": CITO.disagreesWith,
    "critiques": CITO.critiques,
}

_TYPE = f"<{RDF.type}>"
_ECHARS = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_SURROGATE = re.compile("[\ud800-\udfff]")
# What may follow a node's IRI to name another under it with nothing to percent-encode.
_PLAIN_SUFFIX = re.compile(r"[/#][-A-Za-z0-9/#=,_.]*")
# What no IRI may hold, and a % that starts no escape: in ASCII (the usual case, tested
# fast), then anything RFC 3987 does not allow (ucschar; private use is encoded everywhere).
_IRI_BAD_ASCII = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_IRI_BAD = re.compile(
    "[^A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"\\U{p:04x}0000-\\U{p:04x}fffd" for p in range(1, 14)) + "\\U000e1000-\\U000efffd]"
    "|%(?![0-9A-Fa-f]{2})"
)


def iri(value: str) -> str:
    r"""An N-Triples IRI term; characters IRIs forbid are percent-encoded (a lone surrogate,
    which only a hostile JSON cache holds, as the bytes it would have).

    >>> iri("https://example.org/a b")
    '<https://example.org/a%20b>'
    >>> iri("https://example.org/100%\ufffe\ud800")
    '<https://example.org/100%25%EF%BF%BE%ED%A0%80>'
    """
    if not value.isascii() or "%" in value or _IRI_BAD_ASCII.search(value):
        value = _IRI_BAD.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8", "surrogatepass")), value)
    return f"<{value}>"


def literal(value: str, datatype: str | None = None) -> str:
    r"""An N-Triples literal term, escaped.

    >>> literal('say "hi"\n')
    '"say \\"hi\\"\\n"'
    >>> literal("3", str(XSD.integer))
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(lambda m: _ECHARS.get(m.group(0)) or f"\\u{ord(m.group(0)):04X}", value)
    # Lone surrogates cannot be encoded; they never come from strict decoding, but a
    # hostile JSON cache could carry them.
    if not value.isascii() and _SURROGATE.search(value):
        value = value.encode("utf-8", "replace").decode("utf-8")
    return f'"{value}"' if datatype is None else f'"{value}"^^<{datatype}>'


_NON_NEGATIVE = f"<{XSD.nonNegativeInteger}>"
_DATE = str(XSD.date)


def integer(value: int) -> str:
    return f'"{value}"^^{_NON_NEGATIVE}'



class T:
    """The N-Triples form of every vocabulary term the writer uses, computed once (an
    rdflib namespace look-up per triple was a fifth of the time spent making triples)."""

    CITO_Citation = iri(CITO.Citation)
    CITO_hasCitationCharacterization = iri(CITO.hasCitationCharacterization)
    CITO_hasCitedEntity = iri(CITO.hasCitedEntity)
    CITO_hasCitingEntity = iri(CITO.hasCitingEntity)
    DCTERMS_creator = iri(DCTERMS.creator)
    DCTERMS_date = iri(DCTERMS.date)
    DCTERMS_publisher = iri(DCTERMS.publisher)
    DCTERMS_source = iri(DCTERMS.source)
    DCTERMS_subject = iri(DCTERMS.subject)
    DCTERMS_title = iri(DCTERMS.title)
    FOAF_Organization = iri(FOAF.Organization)
    FOAF_Person = iri(FOAF.Person)
    FOAF_name = iri(FOAF.name)
    FOAF_page = iri(FOAF.page)
    ITSRDF_taIdentRef = iri(ITSRDF.taIdentRef)
    KG_alsoCites = iri(KG.alsoCites)
    KG_citationKind = iri(KG.citationKind)
    KG_commentKind = iri(KG.commentKind)
    KG_documentName = iri(KG.documentName)
    KG_evidence = iri(KG.evidence)
    KG_firstWords = iri(KG.firstWords)
    KG_mentions = iri(KG.mentions)
    KG_position = iri(KG.position)
    KG_roleLabel = iri(KG.roleLabel)
    KG_text = iri(KG.text)
    KG_textSpan = iri(KG.textSpan)
    NIF_Context = iri(NIF.Context)
    NIF_Phrase = iri(NIF.Phrase)
    NIF_Sentence = iri(NIF.Sentence)
    NIF_anchorOf = iri(NIF.anchorOf)
    NIF_beginIndex = iri(NIF.beginIndex)
    NIF_endIndex = iri(NIF.endIndex)
    NIF_isString = iri(NIF.isString)
    NIF_referenceContext = iri(NIF.referenceContext)
    NIF_sentence = iri(NIF.sentence)
    NIF_sourceUrl = iri(NIF.sourceUrl)
    ORG_Membership = iri(ORG.Membership)
    ORG_Organization = iri(ORG.Organization)
    ORG_member = iri(ORG.member)
    ORG_memberOf = iri(ORG.memberOf)
    ORG_organization = iri(ORG.organization)
    PROV_Attribution = iri(PROV.Attribution)
    PROV_agent = iri(PROV.agent)
    PROV_qualifiedAttribution = iri(PROV.qualifiedAttribution)
    RDFS_label = iri(RDFS.label)
    SDO_CreativeWork = iri(SDO.CreativeWork)
    SDO_url = iri(SDO.url)
    SIOC_Post = iri(SIOC.Post)
    SIOC_has_container = iri(SIOC.has_container)
    SIOC_links_to = iri(SIOC.links_to)
    SIOC_reply_of = iri(SIOC.reply_of)
    SIOCT_BlogPost = iri(SIOCT.BlogPost)
    SIOCT_Comment = iri(SIOCT.Comment)
    SKOS_Concept = iri(SKOS.Concept)
    SKOS_ConceptScheme = iri(SKOS.ConceptScheme)
    SKOS_altLabel = iri(SKOS.altLabel)
    SKOS_exactMatch = iri(SKOS.exactMatch)
    SKOS_inScheme = iri(SKOS.inScheme)
    SKOS_prefLabel = iri(SKOS.prefLabel)


#: The N-Triples form of each citation kind's CiTO characterisation.
CITO_TERMS = {kind: iri(prop) for kind, prop in CITO_PROPERTY.items()}


class Minter:
    """IRIs of one corpus under a base IRI.

    Args:
        base: the base IRI.
        resolution: the corpus-wide names of entities.
        posts: the document id of each post of the corpus by the key of its canonical
            URL (:func:`post_urls`), so that a link to a post cites that post.
    """

    def __init__(self, base: str, resolution: Resolution, posts: Mapping[str, str] | None = None):
        self.base = base
        self.resolution = resolution
        self.posts = dict(posts or {})

    def doc_path(self, doc_id: str) -> str:
        return doc_slug(doc_id)

    def graph(self, doc_id: str) -> str:
        return f"{self.base}graph/{self.doc_path(doc_id)}"

    def corpus_graph(self) -> str:
        return f"{self.base}graph/corpus"

    def post(self, doc_id: str) -> str:
        return f"{self.base}post/{self.doc_path(doc_id)}"

    def post_at(self, url: str | None) -> str | None:
        """The IRI of the corpus post whose canonical URL ``url`` names, if any."""
        doc_id = self.posts.get(url_key(url) or "")
        return None if doc_id is None else self.post(doc_id)

    def entity(self, kind: str, doc_id: str, name: str) -> str:
        return mint_iri(self.base, kind, self.resolution.slug_source(kind, doc_id, name))

    def concept_scheme(self) -> str:
        return f"{self.base}concepts"


def post_urls(extractions: Iterable[Extraction]) -> dict[str, str]:
    """The document id of each post by the key of its canonical URL (the first document
    wins when two claim one URL).

    >>> ex = Extraction(document="a.html", doc_id="a", source="a.html", title=None, post_author=None,
    ...                 post_date=None, url="https://www.example.org/a/")
    >>> post_urls([ex])
    {'example.org/a': 'a'}
    """
    out: dict[str, str] = {}
    for ex in extractions:
        key = url_key(ex.url)
        if key is not None:
            out.setdefault(key, ex.doc_id)
    return out


def chunk_key(extraction_digest: str, ex: Extraction, minter: Minter) -> str:
    """What one document's named graph depends on: its extraction and text (the digest
    of their cache entry, so that a page whose bytes changed but not what was extracted
    keeps its graph), the base IRI, the corpus-wide names of its entities, and which
    corpus posts its links point to; and the code that writes it."""
    links = sorted(f"{u}\x01{minter.post_at(u)}" for u in _urls(ex) if minter.post_at(u))
    parts = [code_digest(), extraction_digest, minter.base, minter.resolution.signature(ex.doc_id), *links]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@functools.cache
def code_digest() -> str:
    """A digest of this package's code and the RDF libraries' versions."""
    from kg.kept import RDF_LIBRARIES, package_digest

    return package_digest(RDF_LIBRARIES)


def _urls(ex: Extraction) -> set[str]:
    urls = {c.url for c in ex.citations if c.url} | {c.url for c in ex.comments if c.url}
    return urls | {w.url for w in ex.works if w.url}


def document_triples(ex: Extraction, text: str, minter: Minter) -> list[str]:
    """The triples of one document's named graph, as N-Triples lines without the final dot."""
    return _DocumentWriter(ex, text, minter).triples()


class _DocumentWriter:
    def __init__(self, ex: Extraction, text: str, minter: Minter):
        self.ex = ex
        self.text = text
        self.m = minter
        self.post = minter.post(ex.doc_id)
        self.P = iri(self.post)
        self.plain_post = self.P == f"<{self.post}>"
        self.C = self.at("/text")
        self.starts = [s.start for s in ex.sentences]
        self.spans_written: set[tuple[int, int]] = set()
        self.sentences_written: set[tuple[int, int]] = set()
        self.sentence_nodes: dict[int, str] = {}  # index in ex.sentences -> its IRI
        self.entities: dict[tuple[str, str], str] = {}
        self.out: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.out.append(f"{s} {p} {o}")

    def at(self, suffix: str) -> str:
        """The IRI (N-Triples) of a node under the post: ``post`` + ``suffix``."""
        if self.plain_post and _PLAIN_SUFFIX.fullmatch(suffix):
            return f"<{self.post}{suffix}>"  # nothing to encode: what iri() gives
        return iri(self.post + suffix)

    def entity(self, kind: str, name: str) -> str:
        """The IRI (N-Triples) of an entity this document names."""
        found = self.entities.get((kind, name))
        if found is None:
            found = self.entities[(kind, name)] = iri(self.m.entity(kind, self.ex.doc_id, name))
        return found

    def triples(self) -> list[str]:
        ex, P = self.ex, self.P
        add = self.add
        add(P, _TYPE, T.SIOC_Post)
        add(P, _TYPE, T.SIOCT_BlogPost)
        add(P, T.DCTERMS_source, literal(ex.source))
        add(P, T.KG_documentName, literal(ex.document))
        add(P, T.KG_text, self.C)
        if ex.title:
            add(P, T.DCTERMS_title, literal(ex.title))
        if ex.post_date:
            add(P, T.DCTERMS_date, literal(ex.post_date, _DATE))
        if ex.url:
            add(P, T.FOAF_page, iri(ex.url))
        C = self.C
        add(C, _TYPE, T.NIF_Context)
        add(C, T.NIF_isString, literal(self.text))
        add(C, T.NIF_beginIndex, integer(0))
        add(C, T.NIF_endIndex, integer(len(self.text)))
        add(C, T.NIF_sourceUrl, P)
        if ex.post_author:
            person = self.entity("person", ex.post_author)
            add(P, T.DCTERMS_creator, person)
            self._attribution(P, self.at("/attribution"), person, ex.author_evidence)
        self._comments()
        self._entities()
        self._citations()
        self._affiliations()
        return sorted(set(self.out))

    # -- spans -----------------------------------------------------------------------

    def span(self, span: Span, entity: str | None = None) -> str:
        """The IRI of a text span (written once), optionally linked to an entity."""
        N = self.at(f"/text#char={span.start},{span.end}")
        if (span.start, span.end) not in self.spans_written:
            self.spans_written.add((span.start, span.end))
            self.add(N, _TYPE, T.NIF_Phrase)
            self.add(N, T.NIF_referenceContext, self.C)
            self.add(N, T.NIF_beginIndex, integer(span.start))
            self.add(N, T.NIF_endIndex, integer(span.end))
            self.add(N, T.NIF_anchorOf, literal(span.of(self.text)))
            sentence = self.sentence(span)
            if sentence is not None:
                self.add(N, T.NIF_sentence, sentence)
        if entity is not None:
            self.add(N, T.ITSRDF_taIdentRef, entity)
        return N

    def mention(self, span: Span, entity: str) -> None:
        """An entity named in the text: its sentence refers to it. (Phrase-level spans are
        kept for the evidence of facts; at the scale of a blog, a node per mention would
        be most of the graph, and the sentence is what a reader checks.)"""
        sentence = self.sentence(span)
        self.add(sentence if sentence is not None else self.span(span), T.ITSRDF_taIdentRef, entity)

    def sentence(self, span: Span) -> str | None:
        """The IRI (N-Triples) of the sentence holding ``span`` (written once)."""
        k = bisect.bisect_right(self.starts, span.start) - 1
        if k < 0:
            return None
        found = self.sentence_nodes.get(k)
        if found is not None:
            return found
        sent = self.ex.sentences[k]
        N = self.sentence_nodes[k] = self.at(f"/text#char={sent.start},{sent.end}")
        if (sent.start, sent.end) not in self.sentences_written:
            self.sentences_written.add((sent.start, sent.end))
            self.add(N, _TYPE, T.NIF_Sentence)
            self.add(N, T.NIF_referenceContext, self.C)
            self.add(N, T.NIF_beginIndex, integer(sent.start))
            self.add(N, T.NIF_endIndex, integer(sent.end))
            self.add(N, T.NIF_anchorOf, literal(sent.of(self.text)))
        return N

    def _attribution(self, subject: str, A: str, agent: str, evidence: Span | None) -> None:
        self.add(subject, T.PROV_qualifiedAttribution, A)
        self.add(A, _TYPE, T.PROV_Attribution)
        self.add(A, T.PROV_agent, agent)
        if evidence is not None:
            self.add(A, T.KG_evidence, self.span(evidence))

    # -- parts -----------------------------------------------------------------------

    def _comments(self) -> None:
        for c in self.ex.comments:
            N = self.at(f"/comment/{c.n}")
            self.add(N, _TYPE, T.SIOC_Post)
            self.add(N, _TYPE, T.SIOCT_Comment)
            self.add(N, T.KG_position, integer(c.n))
            self.add(N, T.KG_commentKind, literal(c.kind))
            self.add(N, T.SIOC_has_container, self.P)
            parent = self.at(f"/comment/{c.parent + 1}") if c.parent is not None else self.P
            self.add(N, T.SIOC_reply_of, parent)
            self.add(N, T.KG_textSpan, self.span(c.body))
            if c.first_words:
                self.add(N, T.KG_firstWords, literal(c.first_words))
            if c.date:
                self.add(N, T.DCTERMS_date, literal(c.date, _DATE))
            if c.url:
                self.add(N, T.SIOC_links_to, iri(c.url))
            if c.author:
                agent = self.entity(self._kind_of(c.author), c.author)
                self.add(N, T.DCTERMS_creator, agent)
                self._attribution(N, self.at(f"/comment/{c.n}/attribution"), agent, c.author_evidence)

    def _kind_of(self, name: str) -> str:
        key = normalise(name)
        if any(normalise(o.name) == key for o in self.ex.organisations) and not any(
            normalise(p.name) == key for p in self.ex.persons
        ):
            return "organisation"
        return "person"

    def _entities(self) -> None:
        ex, P = self.ex, self.P
        for kind, items in (("person", ex.persons), ("organisation", ex.organisations),
                            ("concept", ex.concepts), ("work", ex.works)):
            for e in items:
                E = self.entity(kind, e.name)
                self.add(P, T.DCTERMS_subject if kind == "concept" else T.KG_mentions, E)
                for span in e.mentions:
                    self.mention(span, E)
                if kind == "work":
                    if e.url:
                        self.add(E, T.SDO_url, iri(e.url))
                    if e.creator:
                        self.add(E, T.DCTERMS_creator, self.entity("person", e.creator))
                    if e.publisher:
                        self.add(E, T.DCTERMS_publisher, self.entity("organisation", e.publisher))

    def _source(self, source: str) -> str:
        return self.P if source == "post" else self.at(f"/comment/{source.split(':', 1)[1]}")

    def _citations(self) -> None:
        ex = self.ex
        for i, c in enumerate(_sorted_citations(ex.citations), 1):
            node = self.at(f"/citation/{i}")
            prop = CITO_TERMS[c.kind]
            citing = self._source(c.source)
            targets = self._targets(c)
            # A link or pingback to (from) another post of the corpus cites that post.
            linked = self.m.post_at(c.url)
            linked = iri(linked) if linked is not None and linked != self.post else None
            if not targets and linked is None and not c.url:
                continue
            if c.kind == "pingback":
                # The linking page cites this post: the corpus post at its address, else the
                # work it names (made by the site or person the pingback names), else the
                # page at its address.
                citing = linked or (targets[0] if targets else iri(c.url))
                cited, extra = self.P, []
                maker = targets[1] if len(targets) > 1 else None
                if maker is not None and c.to_work and linked is None:
                    self.add(citing, T.DCTERMS_creator if c.to_person else T.DCTERMS_publisher, maker)
            else:
                if c.url:
                    self.add(citing, T.SIOC_links_to, iri(c.url))
                if linked:
                    cited, extra = linked, []
                elif targets:
                    cited, extra = targets[0], targets[1:]
                else:  # a link whose anchor names nothing cites the page at its address
                    cited, extra = iri(c.url), []
            self.add(node, _TYPE, T.CITO_Citation)
            self.add(node, T.CITO_hasCitingEntity, citing)
            self.add(node, T.CITO_hasCitedEntity, cited)
            self.add(node, T.CITO_hasCitationCharacterization, prop)
            self.add(node, T.KG_citationKind, literal(c.kind))
            self.add(node, T.KG_evidence, self.span(c.evidence))
            for other in extra:
                self.add(node, T.KG_alsoCites, other)
            self.add(citing, prop, cited)

    def _targets(self, c: Citation) -> list[str]:
        out = []
        if c.to_work:
            out.append(self.entity("work", c.to_work))
        if c.to_person:
            out.append(self.entity("person", c.to_person))
        if c.to_org:
            out.append(self.entity("organisation", c.to_org))
        return out

    def _affiliations(self) -> None:
        for i, a in enumerate(self.ex.affiliations, 1):
            node = self.at(f"/membership/{i}")
            person = self.entity("person", a.person)
            org = self.entity("organisation", a.org)
            self.add(node, _TYPE, T.ORG_Membership)
            self.add(node, T.ORG_member, person)
            self.add(node, T.ORG_organization, org)
            if a.role:
                self.add(node, T.KG_roleLabel, literal(a.role))
            self.add(node, T.KG_evidence, self.span(a.evidence))
            self.add(person, T.ORG_memberOf, org)


def _sorted_citations(citations: Iterable[Citation]) -> list[Citation]:
    return sorted(citations, key=lambda c: (c.evidence.start, c.evidence.end, c.source, c.kind,
                                            c.to_work or "", c.to_person or "", c.to_org or ""))


def corpus_triples(resolution: Resolution, minter: Minter) -> list[str]:
    """The corpus graph: one description per entity (types, names, aliases)."""
    out: list[str] = []

    def add(s: str, p: str, o: str) -> None:
        out.append(f"{s} {p} {o}")

    scheme = iri(minter.concept_scheme())
    add(scheme, _TYPE, T.SKOS_ConceptScheme)
    add(scheme, T.SKOS_prefLabel, literal("Concepts of the corpus"))
    for (kind, key), entity in sorted(resolution.entities.items()):
        name = entity.name
        node = iri(mint_iri(minter.base, kind, resolution.entity_slug_source(kind, key, entity)))
        add(node, T.RDFS_label, literal(name))
        if kind == "person":
            add(node, _TYPE, T.FOAF_Person)
            add(node, T.FOAF_name, literal(name))
        elif kind == "organisation":
            add(node, _TYPE, T.FOAF_Organization)
            add(node, _TYPE, T.ORG_Organization)
            add(node, T.FOAF_name, literal(name))
        elif kind == "concept":
            add(node, _TYPE, T.SKOS_Concept)
            add(node, T.SKOS_prefLabel, literal(name))
            add(node, T.SKOS_inScheme, scheme)
        elif kind == "work":
            add(node, _TYPE, T.SDO_CreativeWork)
            add(node, T.DCTERMS_title, literal(name))
        for alias in entity.aliases:
            if alias != name:
                add(node, T.SKOS_altLabel, literal(alias))
        if entity.lexicon:
            add(node, T.SKOS_exactMatch, iri(entity.lexicon))
    return sorted(set(out))


def entity_iri_kinds() -> dict[str, str]:
    """The class of each entity kind (for queries and analysis)."""
    return {"person": str(FOAF.Person), "organisation": str(FOAF.Organization),
            "concept": str(SKOS.Concept), "work": str(SDO.CreativeWork)}


__all__ = [
    "CITO_PROPERTY", "Minter", "corpus_triples", "document_triples", "entity_iri_kinds", "integer", "iri",
    "literal", "post_urls", "chunk_key", "code_digest",
]
