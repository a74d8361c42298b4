"""Lexicons of general knowledge, loaded once on first use.

Input: the SKOS files in ``ontology/lexicon/`` (organisations, products, concepts), the
cue words in ``ontology/lexicon/cues.toml``, the first-name list of the ``gender-guesser``
package (names only; its gender data is not used) and word frequencies from ``wordfreq``.
Output: plain Python values (:class:`Entry`, frozensets) for the spaCy components.

Nothing is read at import time; each loader is cached after its first call.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ConfigError
from kg.files import bundled_path
from kg.memo import memoised

_KG = "https://kg.example/ontology#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_ORG = "http://www.w3.org/ns/org#Organization"
_CONCEPT = _SKOS + "Concept"
_PRODUCT = _KG + "Product"


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry: an organisation, product or concept with its labels."""

    iri: str
    kind: str  # organisation | product | concept
    label: str
    aliases: tuple[str, ...]
    category: str | None = None
    case_sensitive: bool = True
    maker: str | None = None
    names_maker: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


def ontology_path(*parts: str) -> Path:
    """A file of ``ontology/``: the installed copy, or the source tree's."""
    return bundled_path("ontology", *parts)


#: The libraries whose data extraction reads: spaCy's tokenizer rules and stop words,
#: gender-guesser's given names, wordfreq's word frequencies.
DATA_LIBRARIES = ("spacy", "gender-guesser", "wordfreq")


@functools.cache
def data_digest() -> str:
    """A digest of the data extraction reads: every file of ``ontology/lexicon/`` (which a
    user may edit: the extractions cached before are then made again) and the versions of
    :data:`DATA_LIBRARIES`."""
    from importlib.metadata import version

    h = hashlib.sha256()
    folder = ontology_path("lexicon")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f"{path.relative_to(folder).as_posix()}\x00".encode())
        h.update(path.read_bytes())
        h.update(b"\x00")
    h.update("|".join(f"{name}={version(name)}" for name in DATA_LIBRARIES).encode())
    return h.hexdigest()


@functools.cache
def entries() -> tuple[Entry, ...]:
    """Every organisation, product and concept of the lexicon files, sorted by IRI."""
    import pyoxigraph as ox

    by_subject: dict[str, dict[str, list[str]]] = {}
    folder = ontology_path("lexicon", "organisations.ttl").parent
    for path in sorted(folder.glob("*.ttl")):
        try:
            with path.open("rb") as fh:
                for triple in ox.parse(fh, format=ox.RdfFormat.TURTLE):
                    values = by_subject.setdefault(triple.subject.value, {})
                    values.setdefault(triple.predicate.value, []).append(triple.object.value)
        except (OSError, SyntaxError) as err:
            raise ConfigError(f"cannot read lexicon: {err}", path=path) from err
    out = []
    for iri, props in sorted(by_subject.items()):
        types = props.get(_RDF_TYPE, [])
        kind = "organisation" if _ORG in types else "product" if _PRODUCT in types else "concept" if _CONCEPT in types else None
        labels = props.get(_SKOS + "prefLabel")
        if kind is None or not labels:
            continue
        flag = _KG + ("caseInsensitive" if kind != "concept" else "caseSensitive")
        flagged = props.get(flag, ["false"])[0] == "true"
        out.append(
            Entry(
                iri=iri,
                kind=kind,
                label=labels[0],
                aliases=tuple(sorted(set(props.get(_SKOS + "altLabel", [])) - {labels[0]})),
                category=(props.get(_KG + "category") or [None])[0],
                case_sensitive=flagged if kind == "concept" else not flagged,
                maker=(props.get(_KG + "maker") or [None])[0],
                names_maker=props.get(_KG + "namesMaker", ["false"])[0] == "true",
            )
        )
    return tuple(out)


@functools.cache
def entry_by_iri() -> dict[str, Entry]:
    return {e.iri: e for e in entries()}


def _load_toml(name: str) -> dict[str, list[str]]:
    path = ontology_path("lexicon", name)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"cannot read the word lists: {err}", path=path) from err


@functools.cache
def cues() -> dict[str, frozenset[str]]:
    """Cue-word lists (honorifics, role words, organisation suffixes, ...), lower-cased."""
    return {key: frozenset(w.lower() for w in words) for key, words in _load_toml("cues.toml").items()}


@functools.cache
def verb_forms() -> frozenset[str]:
    """Every form of the common verbs of ``ontology/lexicon/english.toml`` (lower case).

    >>> {"suggests", "suggested", "suggesting", "seemed", "thought"} <= verb_forms()
    True
    """
    data = _load_toml("english.toml")
    forms: set[str] = {w.lower() for w in data.get("irregular", [])}
    for verb in (w.lower() for w in data.get("verbs", [])):
        forms.add(verb)
        stem = verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb
        if verb.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(verb + "es")
        elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
            forms.update({verb[:-1] + "ies", verb[:-1] + "ied"})
        else:
            forms.add(verb + "s")
        forms.update({stem + "ed", stem + "ing", verb + "d" if verb.endswith("e") else verb + "ed"})
        if len(verb) >= 3 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
            forms.update({verb + verb[-1] + "ed", verb + verb[-1] + "ing"})  # commit -> committed
    return frozenset(forms)


@functools.cache
def first_names() -> frozenset[str]:
    """Given names (lower-case) from the ``gender-guesser`` name dictionary."""
    import gender_guesser

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("#") or len(line) < 30:
                continue
            field = line[3:29].strip()
            if not field or " " in field and line[0] == "=":
                continue
            for name in field.replace("+", " ").replace("-", " ").split():
                if len(name) > 1:
                    names.add(name.casefold())
    from spacy.lang.en.stop_words import STOP_WORDS

    # Given names that are also English function words ("So", "In", "My") never count.
    return frozenset(names - cues().get("not_first_names", frozenset()) - {w.lower() for w in STOP_WORDS})


def is_first_name(word: str) -> bool:
    """Whether a capitalised word is a known given name.

    >>> is_first_name("Irving"), is_first_name("Social")
    (True, False)
    """
    return len(word) > 1 and word[0].isupper() and word.casefold() in first_names()


@functools.cache
def word_frequencies() -> dict[str, float]:
    """The Zipf frequency of every word of wordfreq's English list, as :func:`word_frequency`
    answers it.

    Read from the list's data file rather than through ``wordfreq.get_frequency_dict``:
    importing wordfreq (language codes, tokenisers, a stack inspection to find its data)
    and building its dict of probabilities cost a build a quarter of a second per process.
    The file is in wordfreq's documented "cBpack" format (see ``wordfreq.read_cBpack``):
    a header, then one list of words per centibel of frequency, the i-th list at
    ``-i`` cB; a word in several lists takes the last, as in wordfreq's dict. English
    "best" is the "large" list.
    """
    import gzip
    import importlib.util

    import msgpack

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the wordfreq package is not installed")
    path = Path(spec.submodule_search_locations[0], "data", "large_en.msgpack.gz")
    try:
        with gzip.open(path, "rb") as fh:
            header, *buckets = msgpack.load(fh, raw=False)
    except (OSError, ValueError) as err:
        raise ConfigError(f"cannot read wordfreq's English word list: {err}", path=path) from err
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ConfigError(f"unexpected wordfreq word list header {header!r}", path=path)
    table: dict[str, float] = {}
    for index, words in enumerate(buckets):
        # wordfreq's probability is 10 ** (cB / 100), so its Zipf value log10(p) + 9 is this
        table.update(dict.fromkeys(words, round(9 - index / 100, 2)))
    return table


@memoised
def word_frequency(word: str) -> float:
    """Zipf frequency of a word in general English (0 = unseen, 7 = 'the'); memoised, as
    the rules ask it of the same words over and over.

    >>> word_frequency("the"), word_frequency("Xobni")
    (7.73, 0.0)
    """
    return word_frequencies().get(word.lower(), 0.0)


def is_common_word(word: str, threshold: float = 4.0) -> bool:
    """Whether a word is common in general English (about 1 in 100,000 words or more).

    >>> is_common_word("the"), is_common_word("Xobni")
    (True, False)
    """
    return word_frequency(word) >= threshold
