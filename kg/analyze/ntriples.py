"""The analysis queries answered from one named graph's N-Triples lines, without a store.

Input: the triples of one named graph as N-Triples lines without the final dot (the form
:mod:`kg.build` writes). Output: for each query of :mod:`kg.analyze.sparql`, its
variables and rows, the values as :func:`kg.store.plain` gives them: the rows the query
gives on a store holding the graph, in an order of their own (the reader depends on none).

A build computes the rows of every document it writes, and a store per document, loaded
and queried seven times, cost more than making the triples. The queries are simple
patterns around one subject, so each is written here as loops over an index of the
graph; ``tests/test_analyze.py`` checks that both ways give the same rows.

Blank nodes keep their labels here, where a store would rename them; the graphs
:mod:`kg.build` writes have none.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from kg.prefixes import PREFIXES
from kg.store import plain

Row = tuple[Any, ...]
Term = str  # an RDF term in N-Triples form


def _iri(prefix: str, name: str) -> Term:
    return f"<{PREFIXES[prefix]}{name}>"


TYPE = _iri("rdf", "type")
LABEL, ALT_LABEL = _iri("rdfs", "label"), _iri("skos", "altLabel")
TITLE, DATE = _iri("dcterms", "title"), _iri("dcterms", "date")
CREATOR, PUBLISHER = _iri("dcterms", "creator"), _iri("dcterms", "publisher")
CONTAINER, REPLY_OF = _iri("sioc", "has_container"), _iri("sioc", "reply_of")
TEXT, DOCUMENT_NAME = _iri("kg", "text"), _iri("kg", "documentName")
COMMENT_KIND, POSITION = _iri("kg", "commentKind"), _iri("kg", "position")
FIRST_WORDS, TEXT_SPAN = _iri("kg", "firstWords"), _iri("kg", "textSpan")
CITATION_KIND, ALSO_CITES, EVIDENCE = _iri("kg", "citationKind"), _iri("kg", "alsoCites"), _iri("kg", "evidence")
CITING, CITED = _iri("cito", "hasCitingEntity"), _iri("cito", "hasCitedEntity")
BEGIN, END = _iri("nif", "beginIndex"), _iri("nif", "endIndex")
REFERENCE_CONTEXT, ANCHOR, SENTENCE_OF = _iri("nif", "referenceContext"), _iri("nif", "anchorOf"), _iri("nif", "sentence")
IDENT_REF = _iri("itsrdf", "taIdentRef")

BLOG_POST, COMMENT = _iri("sioct", "BlogPost"), _iri("sioct", "Comment")
SENTENCE, CITATION, MEMBERSHIP = _iri("nif", "Sentence"), _iri("cito", "Citation"), _iri("org", "Membership")
#: The classes of :data:`kg.analyze.sparql.ENTITIES` and the type each stands for.
ENTITY_CLASSES = ((_iri("foaf", "Person"), "person"), (_iri("foaf", "Organization"), "organisation"),
                  (_iri("skos", "Concept"), "concept"), (_iri("schema", "CreativeWork"), "work"))

#: The only predicates the queries read: the index keeps no other triple.
READ = frozenset({
    TYPE, LABEL, ALT_LABEL, TITLE, DATE, CREATOR, PUBLISHER, CONTAINER, REPLY_OF, TEXT, DOCUMENT_NAME, COMMENT_KIND,
    POSITION, FIRST_WORDS, TEXT_SPAN, CITATION_KIND, ALSO_CITES, EVIDENCE, CITING, CITED, BEGIN, END,
    REFERENCE_CONTEXT, ANCHOR, SENTENCE_OF, IDENT_REF,
})

_NONE: tuple[None] = (None,)  # an OPTIONAL that matched nothing: one row, unbound


class Graph:
    """The triples of one graph by subject and predicate, in the order of the lines."""

    def __init__(self, lines: Iterable[str]):
        self.props: dict[Term, dict[Term, list[Term]]] = {}
        self.typed: dict[Term, list[Term]] = {}
        last, current = None, {}
        for line in lines:
            s, p, o = line.split(" ", 2)
            if p not in READ:
                continue
            if s != last:
                last, current = s, self.props.setdefault(s, {})
            current.setdefault(p, []).append(o)
            if p == TYPE:
                self.typed.setdefault(o, []).append(s)

    def of(self, node: Term) -> dict[Term, list[Term]]:
        """The objects of ``node`` by predicate (empty for a literal or an unknown node)."""
        return self.props.get(node, {})

    def instances(self, cls: Term) -> Iterator[tuple[Term, dict[Term, list[Term]]]]:
        """Each subject typed ``cls``, with its objects by predicate."""
        for node in self.typed.get(cls, ()):
            yield node, self.props[node]


def _posts(g: Graph) -> Iterator[Row]:
    for post, d in g.instances(BLOG_POST):
        for context in d.get(TEXT, ()):
            for document in d.get(DOCUMENT_NAME, ()):
                for title in d.get(TITLE) or _NONE:
                    for date in d.get(DATE) or _NONE:
                        for creator in d.get(CREATOR) or _NONE:
                            yield post, context, document, title, date, creator


def _comments(g: Graph) -> Iterator[Row]:
    for comment, d in g.instances(COMMENT):
        spans = [(begin, end) for span in d.get(TEXT_SPAN, ()) for s in (g.of(span),)
                 for begin in s.get(BEGIN, ()) for end in s.get(END, ())] or [(None, None)]
        for post in d.get(CONTAINER, ()):
            for parent in d.get(REPLY_OF) or _NONE:
                for kind in d.get(COMMENT_KIND) or _NONE:
                    for position in d.get(POSITION) or _NONE:
                        for creator in d.get(CREATOR) or _NONE:
                            for date in d.get(DATE) or _NONE:
                                for words in d.get(FIRST_WORDS) or _NONE:
                                    for begin, end in spans:
                                        yield comment, post, parent, kind, position, creator, date, words, begin, end


def _sentences(g: Graph) -> Iterator[Row]:
    for s, d in g.instances(SENTENCE):
        for context in d.get(REFERENCE_CONTEXT, ()):
            for begin in d.get(BEGIN, ()):
                for text in d.get(ANCHOR, ()):
                    yield s, context, begin, text


def _mentions(g: Graph) -> Iterator[Row]:
    for s, d in g.instances(SENTENCE):
        for e in d.get(IDENT_REF, ()):
            yield e, s
    for d in g.props.values():
        for e in d.get(IDENT_REF, ()):
            for s in d.get(SENTENCE_OF, ()):
                yield e, s


def _citations(g: Graph) -> Iterator[Row]:
    for citation, d in g.instances(CITATION):
        evidence = [(context, sentence, anchor) for span in d.get(EVIDENCE, ()) for s in (g.of(span),)
                    for context in s.get(REFERENCE_CONTEXT, ()) for sentence in s.get(SENTENCE_OF) or _NONE
                    for anchor in s.get(ANCHOR) or _NONE] or [(None, None, None)]
        for kind in d.get(CITATION_KIND, ()):
            for citing in d.get(CITING, ()):
                for cited in d.get(CITED, ()):
                    c = g.of(citing)
                    for also in d.get(ALSO_CITES) or _NONE:
                        for holder in c.get(CONTAINER) or _NONE:
                            container = citing if holder is None else holder  # COALESCE(?holder, ?citing)
                            for creator in c.get(CREATOR) or _NONE:
                                for publisher in c.get(PUBLISHER) or _NONE:
                                    for own in c.get(DATE) or _NONE:
                                        for post_date in g.of(container).get(DATE) or _NONE:
                                            date = post_date if own is None else own  # COALESCE(?ownDate, ?postDate)
                                            for context, sentence, anchor in evidence:
                                                yield (citation, kind, citing, container, creator, publisher, cited,
                                                       also, date, context, sentence, anchor)


def _makers(g: Graph) -> Iterator[Row]:
    for predicate, role in ((CREATOR, '"creator"'), (PUBLISHER, '"publisher"')):
        for thing, d in g.props.items():
            for maker in d.get(predicate, ()):
                yield thing, role, maker


def _memberships(g: Graph) -> Iterator[Row]:
    for membership, _ in g.instances(MEMBERSHIP):
        yield (membership,)


def _entities(g: Graph) -> Iterator[Row]:
    for cls, kind in ENTITY_CLASSES:
        for e, d in g.instances(cls):
            for label in d.get(LABEL, ()):
                yield e, f'"{kind}"', label


def _aliases(g: Graph) -> Iterator[Row]:
    for e, d in g.props.items():
        for alias in d.get(ALT_LABEL, ()):
            yield e, alias


#: Each query: its variables, its rows as terms, and whether it is SELECT DISTINCT.
QUERIES: dict[str, tuple[list[str], Callable[[Graph], Iterator[Row]], bool]] = {
    "POSTS": (["post", "context", "document", "title", "date", "creator"], _posts, True),
    "COMMENTS": (["comment", "post", "parent", "kind", "position", "creator", "date", "words", "begin", "end"],
                 _comments, True),
    "SENTENCES": (["s", "context", "begin", "text"], _sentences, False),
    "MENTIONS": (["e", "s"], _mentions, True),
    "CITATIONS": (["citation", "kind", "citing", "container", "creator", "publisher", "cited", "also", "date",
                   "context", "sentence", "anchor"], _citations, True),
    "MAKERS": (["thing", "role", "maker"], _makers, True),
    "MEMBERSHIPS": (["membership"], _memberships, True),
    "ENTITIES": (["e", "type", "label"], _entities, True),
    "ALIASES": (["e", "alias"], _aliases, True),
}


def graph_rows(lines: Iterable[str], names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows one named graph gives for each query of ``names`` (keys of
    :data:`QUERIES`), JSON-ready: ``{name: {"vars": [...], "rows": [[...], ...]}}``.

    >>> post = "<https://kg.example/post/a>"
    >>> lines = [f"{post} <{PREFIXES['rdf']}type> {BLOG_POST}", f"{post} {TEXT} <https://kg.example/post/a/text>",
    ...          f'{post} {DOCUMENT_NAME} "a.html"']
    >>> graph_rows(lines, ["POSTS"])["POSTS"]["rows"]
    [['https://kg.example/post/a', 'https://kg.example/post/a/text', 'a.html', None, None, None]]
    """
    graph = Graph(lines)
    out = {}
    for name in names:
        variables, rows, distinct = QUERIES[name]
        found = rows(graph)
        if distinct:
            found = iter(dict.fromkeys(found))
        out[name] = {"vars": list(variables), "rows": [[None if t is None else value(t) for t in row] for row in found]}
    return out


_XSD = PREFIXES["xsd"]
_INTEGERS = frozenset(f"{_XSD}{t}" for t in ("integer", "nonNegativeInteger", "int", "long"))
_DATE = f"{_XSD}date"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None
                       else _ECHARS.get(m.group(3), m.group(0)), text)


def value(term: Term) -> Any:
    r"""A term as :func:`kg.store.plain` gives it once stored: an IRI or a string as its
    text, an integer as an ``int``; other typed literals, which a store keeps in
    canonical form, as the store gives them back.

    >>> value('<https://kg.example/a>'), value('"say \\"hi\\""'), value(f'"7"^^<{_XSD}nonNegativeInteger>')
    ('https://kg.example/a', 'say "hi"', 7)
    >>> value(f'"2012-08-24+00:00"^^<{_DATE}>')
    '2012-08-24Z'
    """
    if term[0] == "<":
        text = term[1:-1]
        return _unescape(text) if "\\" in text else text
    if term[0] != '"':
        return term[2:]  # a blank node's label
    end = term.rindex('"')
    text = term[1:end]
    if "\\" in text:
        text = _unescape(text)
    if end + 1 == len(term) or term[end + 1] == "@":
        return text
    datatype = term[end + 4:-1]
    if datatype in _INTEGERS and text.isascii() and text.isdigit():
        return int(text)
    if datatype == f"{_XSD}string" or (datatype == _DATE and _ISO_DATE.fullmatch(text)):
        return text
    return _stored(term)


@functools.lru_cache(maxsize=256)
def _stored(term: Term) -> Any:
    """What a store gives back for a literal (canonical form: ``+00:00`` becomes ``Z``)."""
    store = ox.Store()
    store.load(f"<urn:x:s> <urn:x:p> {term} .\n".encode(), format=ox.RdfFormat.N_TRIPLES)
    return plain(next(iter(store)).object)


__all__ = ["QUERIES", "graph_rows", "value"]
