"""Entity resolution: mentions become entities, in one document and across the corpus.

Input: person and organisation mentions of one document (:func:`cluster_people`,
:func:`cluster_orgs`), or the extractions of a whole corpus (:func:`resolve_corpus`).
Output: clusters with a canonical name, the other surface forms as aliases, and their
mention spans; for the corpus, a map from each document's names to corpus-wide names.

In a document, a lone given name or surname joins the one full name it abbreviates
(``Martin`` → ``Martin Schneider``, ``Mr. Wladawsky-Berger`` → ``Irving Wladawsky-Berger``,
``Art`` → ``Art King``); case variants and possessives fold together (``john sweitzer``,
``Buffer’s``). Across documents the same normalised name, accents aside, is one entity,
and a lone given name joins the corpus's only full name with that given name when the two
are both post authors or share a document. One IRI is always one entity: names that would
mint the same IRI (``A_b`` and ``A b``) get distinct ones.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.chars import strip_accents
from kg.lexicon import cues
from kg.memo import memoised
from kg.model import Entity, Extraction, Span

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_PUNCTUATION = re.compile(r"[^\w\s]")


@functools.cache
def _honorifics() -> frozenset[str]:
    return frozenset(h.rstrip(".").lower() for h in cues()["honorifics"])


@memoised
def normalise(name: str) -> str:
    """The matching form of a name: NFKC, casefolded, possessive, honorific and a leading
    "the" dropped, punctuation folded to spaces.

    >>> normalise("Mr. Wladawsky-Berger’s")
    'wladawsky berger'
    >>> normalise("The Corporate Executive Board")
    'corporate executive board'
    """
    if name.isascii() and name.replace(" ", "").isalnum():
        text = name.lower()  # ASCII words and spaces: nothing to fold but case
    else:
        text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'").strip()
        if text.endswith(("'s", "'")):  # the only endings _POSSESSIVE matches, quotes folded
            text = _POSSESSIVE.sub("", text)
        text = text.casefold()
        if not text.replace(" ", "").isalnum():  # else no punctuation to fold
            text = _PUNCTUATION.sub(" ", text)
    words = text.split()
    honorifics = _honorifics()
    while words and (words[0] in honorifics or words[0] == "the"):
        words = words[1:]
    return " ".join(words)


def strip_possessive(surface: str) -> str:
    """``Buffer’s`` → ``Buffer``.

    >>> strip_possessive("InsideView’s")
    'InsideView'
    """
    return _POSSESSIVE.sub("", surface.strip()) if len(surface) > 3 else surface


def display_name(surface: str) -> str:
    """A name as the graph shows it: a full name written all in lower case is title-cased;
    a one-word handle is kept as written.

    >>> display_name("john sweitzer"), display_name("Irving Wladawsky-Berger"), display_name("jdoe")
    ('John Sweitzer', 'Irving Wladawsky-Berger', 'jdoe')
    """
    surface = " ".join(strip_possessive(surface).split())
    if surface.islower() and " " in surface and "." not in surface and "@" not in surface:
        return " ".join(w[:1].upper() + w[1:] for w in surface.split())
    return surface


@dataclass
class Cluster:
    """One entity of a document: canonical name, surface forms and mention spans."""

    name: str
    surfaces: list[str] = field(default_factory=list)
    spans: dict[Span, None] = field(default_factory=dict)  # an ordered set
    rules: set[str] = field(default_factory=set)
    structural_only: bool = True
    lexicon: str | None = None

    @property
    def aliases(self) -> tuple[str, ...]:
        seen = {self.name}
        out = []
        for s in self.surfaces:
            if s not in seen:
                seen.add(s)
                out.append(s)
        return tuple(out)

    @property
    def first(self) -> int:
        return min(s.start for s in self.spans) if self.spans else 0  # spans: ordered set

    def add(self, surface: str, span: Span, rule: str, structural: bool) -> None:
        self.surfaces.append(surface)
        self.spans[span] = None
        self.rules.add(rule)
        self.structural_only &= structural


def name_tokens(name: str) -> list[str]:
    """The words of a person's name, hyphenated surnames kept whole.

    >>> name_tokens("Mr. Wladawsky-Berger’s")
    ['wladawsky-berger']
    """
    text = unicodedata.normalize("NFKC", name).replace("’", "'")
    text = _POSSESSIVE.sub("", text.strip()).casefold()
    words = [w.strip(".,;:!?()[]\"'") for w in text.split()]
    honorifics = _honorifics()
    while words and words[0] in honorifics:
        words = words[1:]
    return [w for w in words if w]


_words = name_tokens


def cluster_people(mentions: Iterable[tuple[str, Span, str, bool]], canonical: dict[str, str] | None = None) -> list[Cluster]:
    """Cluster person mentions ``(surface, span, rule, structural)`` of one document.

    Args:
        canonical: surfaces whose full name is known otherwise (an e-mail local part).
    """
    canonical = canonical or {}
    mentions = list(mentions)
    full: dict[str, Cluster] = {}
    singles: list[tuple[str, Span, str, bool]] = []
    for surface, span, rule, structural in mentions:
        name = canonical.get(surface, display_name(surface))
        words = _words(name)
        if not words:
            continue
        if len(words) >= 2:
            key = " ".join(words)
            cluster = full.setdefault(key, Cluster(name=name))
            cluster.add(surface, span, rule, structural)
        else:
            singles.append((surface, span, rule, structural))
    by_first: dict[str, list[Cluster]] = {}
    by_last: dict[str, list[Cluster]] = {}
    for key, cluster in full.items():
        words = key.split()
        by_first.setdefault(words[0], []).append(cluster)
        by_last.setdefault(words[-1], []).append(cluster)
        by_last.setdefault(" ".join(words[1:]), []).append(cluster)
    lone: dict[str, Cluster] = {}
    for surface, span, rule, structural in singles:
        word = " ".join(_words(surface))
        target = None
        for table in (by_first, by_last):
            candidates = table.get(word, [])
            if len({id(c) for c in candidates}) == 1:
                target = candidates[0]
                break
        if target is None:
            target = lone.setdefault(word, Cluster(name=display_name(re.sub(r"^(?:mr|mrs|ms|dr|prof)\.?\s+", "", surface, flags=re.I))))
        target.add(surface, span, rule, structural)
    clusters = list(full.values()) + list(lone.values())
    for cluster in clusters:
        cluster.name = _best_name(cluster)
    return sorted(clusters, key=lambda c: (c.first, c.name))


def _best_name(cluster: Cluster) -> str:
    """The fullest, properly capitalised form among a cluster's surfaces."""
    forms = [display_name(s) for s in cluster.surfaces] + [cluster.name]
    forms = [re.sub(r"^(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+", "", f) for f in forms]
    forms = [f for f in forms if f and "." not in f.replace(". ", " ").split()[0][:-1]] or forms
    return max(forms, key=lambda f: (len(f.split()), not f.islower(), sum(c.isupper() for c in f[:1]), -forms.index(f)))


def cluster_orgs(mentions: Iterable[tuple[str, str, Span, str, bool, str | None]]) -> list[Cluster]:
    """Cluster organisation mentions ``(name, surface, span, rule, structural, lexicon IRI)``:
    by lexicon entry where one matched, else by normalised name.

    A lexicon entry's name as the text writes it wins; otherwise the most frequent surface.
    """
    clusters: dict[str, Cluster] = {}
    lexicon_names: dict[str, list[str]] = {}
    entry_key: dict[str, str] = {}
    for name, surface, span, rule, structural, lexicon in mentions:
        key = normalise(name)
        if not key:
            continue
        if lexicon:
            key = entry_key.setdefault(lexicon, key)
        cluster = clusters.setdefault(key, Cluster(name=strip_possessive(name)))
        cluster.add(strip_possessive(surface), span, rule, structural)
        if lexicon:
            cluster.lexicon = lexicon
            lexicon_names.setdefault(key, []).append(name)
    for key, cluster in clusters.items():
        if key in lexicon_names:
            names = lexicon_names[key]
            cluster.name = max(sorted(set(names)), key=lambda n: (names.count(n), len(n)))
        else:
            counts: dict[str, int] = {}
            for s in cluster.surfaces:
                counts[s] = counts.get(s, 0) + 1
            cluster.name = max(counts, key=lambda s: (counts[s], not s.islower(), len(s), s))
    return sorted(clusters.values(), key=lambda c: (c.first, c.name))


# --- across the corpus --------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusEntity:
    """An entity of the whole corpus: one IRI, its canonical name and every alias."""

    kind: str
    name: str
    aliases: tuple[str, ...]
    documents: tuple[str, ...]
    lexicon: str | None = None


@dataclass
class Resolution:
    """Corpus-wide names: ``name_of[(kind, doc_id, local name)]`` and the entities."""

    name_of: dict[tuple[str, str, str], str] = field(default_factory=dict)
    key_of: dict[tuple[str, str, str], str] = field(default_factory=dict)
    entities: dict[tuple[str, str], CorpusEntity] = field(default_factory=dict)
    #: what the IRI of an entity ``(kind, key)`` is minted from when it is not its name:
    #: every concept (variants share one IRI), and any entity whose name would give the
    #: IRI of another (``A_b`` and ``A b``): one IRI is always one entity, with one name
    slug_sources: dict[tuple[str, str], str] = field(default_factory=dict)
    #: per document, its names and what they resolve to (for :meth:`signature`)
    by_document: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def canonical(self, kind: str, doc_id: str, name: str) -> str:
        return self.name_of.get((kind, doc_id, name), name)

    def signature(self, doc_id: str) -> str:
        """A digest of every corpus-wide name a document's entities get: it changes when,
        and only when, another document changes what this one's triples say."""
        names = self.by_document.get(doc_id, [])
        return hashlib.sha256("\x00".join(names).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def slug_source(self, kind: str, doc_id: str, name: str) -> str:
        """What the IRI of a document's entity is minted from: the corpus name, or for a
        concept its matching key (so that variants share one IRI)."""
        key = self.key_of.get((kind, doc_id, name))
        if kind == "concept":
            return self.slug_sources.get((kind, key or concept_key(name) or name), name)
        canonical = self.canonical(kind, doc_id, name)
        return self.slug_sources.get((kind, key), canonical) if key is not None else canonical

    def entity_slug_source(self, kind: str, key: str, entity: CorpusEntity) -> str:
        return self.slug_sources.get((kind, key), entity.name)


def resolve_corpus(extractions: Iterable[Extraction]) -> Resolution:
    """Merge the entities of all documents into corpus entities (deterministic)."""
    extractions = sorted(extractions, key=lambda e: e.doc_id)
    groups: dict[tuple[str, str], list[tuple[str, Entity]]] = {}
    # One key per lexicon entry, whatever label each document wrote: the first seen
    # (documents are in a fixed order, so the key is deterministic).
    lexicon_keys: dict[str, str] = {}
    for ex in extractions:
        for kind, items in (("person", ex.persons), ("organisation", ex.organisations),
                            ("concept", ex.concepts), ("work", ex.works)):
            for entity in items:
                # accents aside, as the IRIs fold them (two entities on one IRI would give it two names)
                key = concept_key(entity.name) if kind == "concept" else strip_accents(normalise(entity.name))
                if entity.lexicon:
                    key = lexicon_keys.setdefault(entity.lexicon, key)
                if key:
                    groups.setdefault((kind, key), []).append((ex.doc_id, entity))
    # A lone given name joins the only full name that starts with it, when they are both
    # post authors or meet in a document.
    full_by_first: dict[str, list[str]] = {}
    for kind, key in groups:
        if kind == "person" and len(key.split()) >= 2:
            full_by_first.setdefault(key.split()[0], []).append(key)
    merged: dict[tuple[str, str], tuple[str, str]] = {}
    for (kind, key), members in groups.items():
        if kind != "person" or len(key.split()) != 1:
            continue
        fulls = full_by_first.get(key, [])
        if len(fulls) != 1:
            continue
        target = ("person", fulls[0])
        lone_docs = {d for d, _ in members}
        full_docs = {d for d, _ in groups[target]}
        lone_author = any("post_author" in e.roles for _, e in members)
        full_author = any("post_author" in e.roles for _, e in groups[target])
        if lone_docs & full_docs or (lone_author and full_author):
            merged[(kind, key)] = target
    resolution = Resolution()
    final: dict[tuple[str, str], list[tuple[str, Entity]]] = {}
    for group_key, members in groups.items():
        final.setdefault(merged.get(group_key, group_key), []).extend(members)
    for (kind, key), members in sorted(final.items()):
        names = [e.name for _, e in members]
        # ties: a name in capitals and lower case over one in capitals, accents kept over dropped
        name = max(sorted(set(names)), key=lambda n: (len(n.split()), names.count(n), not n.islower(), not n.isupper(),
                                                      not n.isascii()))
        aliases = sorted({a for _, e in members for a in (e.name, *e.aliases)} - {name})
        docs = tuple(sorted({d for d, _ in members}))
        lexicon = next((e.lexicon for _, e in members if e.lexicon), None)
        resolution.entities[(kind, key)] = CorpusEntity(kind, name, tuple(aliases), docs, lexicon)
        for doc_id, entity in members:
            resolution.name_of[(kind, doc_id, entity.name)] = name
            resolution.key_of[(kind, doc_id, entity.name)] = key
    from kg.namespaces import slugify

    taken: set[tuple[str, str]] = set()
    for (kind, key), entity in sorted(resolution.entities.items()):
        source, k = entity.name, 1
        while (kind, slugify(source)) in taken:
            k += 1
            source = f"{entity.name} {key}" if k == 2 else f"{entity.name} {key} {k}"
        taken.add((kind, slugify(source)))
        if kind == "concept" or source != entity.name:
            resolution.slug_sources[(kind, key)] = source
    for (kind, doc, name), canonical in resolution.name_of.items():
        resolution.by_document.setdefault(doc, []).append(
            f"{kind}\x01{name}\x01{canonical}\x01{resolution.slug_source(kind, doc, name)}")
    for names in resolution.by_document.values():
        names.sort()
    return resolution


@memoised
def concept_key(name: str) -> str:
    """The matching form of a concept: normalised, plural ``s`` and spelling variants folded.

    >>> concept_key("Guerrilla Collaboration") == concept_key("guerilla collaboration")
    True
    >>> concept_key("digital tribes") == concept_key("Digital Tribe")
    True
    """
    return " ".join(map(_fold_word, normalise(name).split()))


_DOUBLED = re.compile(r"(.)\1")


@memoised
def _fold_word(w: str) -> str:
    """One word of :func:`concept_key` (memoised apart: phrases differ, their words recur)."""
    if len(w) > 3 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    w = _DOUBLED.sub(r"\1", w)  # guerrilla / guerilla, modelling / modeling
    return w.replace("isation", "ization").replace("ise", "ize") if len(w) > 6 else w
