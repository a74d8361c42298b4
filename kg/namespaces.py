"""Vocabularies, prefixes and IRI minting.

Input: names and a base IRI. Output: IRIs as strings (rdflib ``URIRef`` for vocabulary
terms, so that typos in a term name fail at import instead of writing a wrong IRI).

Instance IRIs are ``<base><type>/<slug>``: the slug is the name folded to lower-case
ASCII; a name that loses letters in the folding (another script) or is very long gets a
short hash of its normalised form appended, so that two different names never share an
IRI while case and accent variants of one name do.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, XSD

from kg.chars import strip_accents
from kg.prefixes import PREFIXES

SIOC = Namespace(PREFIXES["sioc"])
SIOCT = Namespace(PREFIXES["sioct"])
CITO = Namespace(PREFIXES["cito"])
NIF = Namespace(PREFIXES["nif"])
ITSRDF = Namespace(PREFIXES["itsrdf"])
KG = Namespace(PREFIXES["kg"])

__all__ = [
    "CITO", "DCTERMS", "FOAF", "ITSRDF", "KG", "NIF", "ORG", "OWL", "PREFIXES", "PROV", "RDF",
    "RDFS", "SDO", "SH", "SIOC", "SIOCT", "SKOS", "XSD", "doc_slug", "mint_iri", "slugify",
]

#: The path segment of each kind of instance.
KINDS = ("person", "organisation", "concept", "work", "post", "graph", "site")

_MAX_SLUG = 80


@functools.lru_cache(maxsize=1 << 16)
def slugify(name: str) -> str:
    """Fold a name to an IRI path segment (cached: a name is minted again in every
    document that mentions it).

    >>> slugify("Irving Wladawsky-Berger")
    'irving-wladawsky-berger'
    >>> slugify("Ståle  Müller") == slugify("stale muller")
    True
    >>> slugify("東京") != slugify("大阪")
    True
    """
    nfkc = unicodedata.normalize("NFKC", name).casefold().strip()
    ascii_only = strip_accents(nfkc)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.encode("ascii", "ignore").decode()).strip("-")
    # (an ASCII name keeps every letter and digit: only other scripts can lose some)
    lossy = not ascii_only.isascii() and sum(c.isalnum() for c in slug) < sum(c.isalnum() for c in ascii_only)
    if not slug or lossy or len(slug) > _MAX_SLUG:
        digest = hashlib.sha256(" ".join(nfkc.split()).encode()).hexdigest()[:10]
        slug = f"{slug[:_MAX_SLUG]}-{digest}".strip("-")
    return slug


def mint_iri(base: str, kind: str, name: str) -> str:
    """The IRI of an instance of ``kind`` named ``name`` under ``base``.

    >>> mint_iri("https://kg.example/", "person", "Irving Wladawsky-Berger")
    'https://kg.example/person/irving-wladawsky-berger'
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return f"{base}{kind}/{slugify(name)}"


#: Document paths that name something else: ``graph/corpus`` is the corpus graph.
RESERVED_DOC_SLUGS = frozenset(("corpus",))


def doc_slug(doc_id: str) -> str:
    """The IRI path of a document (its post and its named graph) from its id.

    Distinct ids can fold to one path (``Café`` and ``cafe``, ``a b`` and ``a-b``):
    :func:`kg.corpus.load_corpus` gives such documents distinct ids.

    >>> doc_slug("2012/Café au lait#entry-3")
    '2012/cafe-au-lait/entry-3'
    """
    return "/".join(slugify(part) for part in re.split(r"[/#]", doc_id) if part)
