"""The spaCy pipeline: ``make_nlp()`` and every component it registers.

Input: plain text. Output: a spaCy ``Doc`` with sentence boundaries and, read with
:func:`found`, these groups of candidates (each one's label says what kind it is):

``lexicon``  ORG / PRODUCT / CONCEPT matches of the lexicons in ``ontology/`` (``kb_id``
             holds the lexicon entry's IRI);
``names``    capitalised token runs: PERSON, ORG, FIRST (a lone given name), BRAND
             (CamelCase), ACRONYM, HASHTAG or NAME (a proper noun of unknown kind);
``quotes``   the inside of quotation marks;
``phrases``  candidate key phrases (runs of content words);
``model``    PERSON / ORG entities of a trained pipeline, when one is named.

A candidate is a plain tuple (:data:`Found`) rather than a spaCy ``Span`` in a span group:
a ``Span`` costs a few Python objects each time it is made and each time it is read back,
and a long page has tens of thousands of candidates.

The default pipeline is ``spacy.blank("en")`` plus these components; nothing is
downloaded. Components are registered when this module is imported, and read their
lexicons when :func:`make_nlp` builds them, never at import.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH, LOWER, SENT_START, SPACY
from spacy.language import Language
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokenizer import Tokenizer

from kg.errors import ModelError
from kg.lexicon import cues, entries, first_names, verb_forms, word_frequencies, word_frequency
from kg.memo import memo_map, memoised

#: Components of the default pipeline, in order.
PIPELINE = ("kg_sentences", "kg_lexicon", "kg_names", "kg_quotes", "kg_phrases")

_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "du", "le", "la", "del", "bin", "ibn", "al", "el", "st", "mc"}
_QUOTE_PAIRS = {"“": "”", "‘": "’", '"': '"', "«": "»", "'": "'"}


def run(nlp: Language, text: str) -> Doc:
    """``nlp(text)``, with the text kept on the doc for the components (no re-joining)."""
    doc = nlp.make_doc(text)
    doc.user_data["kg_text"] = text
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def make_nlp(model: str | None = None) -> Language:
    """The extraction pipeline: blank English, sentence rules and the project's components.

    Args:
        model: name of an installed trained spaCy pipeline; its NER adds PERSON and ORG
            candidates to the ``model`` group. ``None`` for the default pipeline.

    Raises:
        ModelError: ``model`` is not an installed pipeline.
    """
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg_tokenizer"}}})
    nlp.max_length = 20_000_000
    _lighten_vocab(nlp)
    for name in PIPELINE:
        nlp.add_pipe(name)
    if model:
        nlp.add_pipe("kg_model_ner", config={"model": model})
    return nlp


class _Tokenizer(Tokenizer):
    """spaCy's tokenizer with its prefix, suffix and infix look-ups memoised by string.

    The affix rules are regular expressions that spaCy searches again for every piece of
    text its own cache misses, and it stops caching a document's pieces after the
    document's first special case (a line break, ``don't``, ``e.g.``). The same string
    always gets the same answer, so remembering it changes no token.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        # Set before spaCy's constructor, which already looks affixes up for its special
        # cases; as attributes of the instance, which spaCy reads as it would the methods.
        self.find_prefix = memoised(functools.partial(Tokenizer.find_prefix, self))
        self.find_suffix = memoised(functools.partial(Tokenizer.find_suffix, self))
        # spaCy only tests and iterates the infixes: a tuple does, and most are the empty one.
        self.find_infix = memoised(lambda string: tuple(Tokenizer.find_infix(self, string)), size=1 << 15)
        super().__init__(*args, **kwargs)


@spacy.registry.tokenizers("kg_tokenizer")
def make_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's default tokenizer (``spacy.Tokenizer.v1``: the language's special cases and
    affix rules), as a :class:`_Tokenizer`.

    Named in the blank pipeline's config, so that the tokenizer is built once: building
    spaCy's and then replacing it added every special case twice, a sixth of make_nlp.
    """

    def tokenizer(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return _Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=spacy.util.compile_prefix_regex(defaults.prefixes).search,
            suffix_search=spacy.util.compile_suffix_regex(defaults.suffixes).search,
            infix_finditer=spacy.util.compile_infix_regex(defaults.infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return tokenizer


def _lighten_vocab(nlp: Language) -> None:
    """Compute only the lexical attribute the components read.

    Every new word computes spaCy's lexical attributes (shape, stop word, like_num, ...)
    in Python. The components read only a word's text and its lower case (``ORTH`` and
    ``LOWER``), so the vocabulary computes only ``LOWER`` for the words it meets; their
    other attributes are left unset. No token changes.
    """
    nlp.vocab.lex_attr_getters = {LOWER: nlp.vocab.lex_attr_getters[LOWER]}


# --- token table and candidates --------------------------------------------------------


#: A candidate found by a component, ``(start, end, start_char, end_char, label, kb_id)``:
#: tokens ``[start, end)`` of the doc, characters ``[start_char, end_char)`` (from the
#: first token's start to the last token's end, as a spaCy ``Span``), its label and, for a
#: lexicon match, the entry's IRI (else ""). A plain tuple, not a named one: the garbage
#: collector stops tracking a tuple of numbers and strings, so a page's candidates do not
#: make it scan the whole heap more often.
Found = tuple[int, int, int, int, str, str]


def found(doc: Doc, group: str) -> list[Found]:
    """The candidates a component found in ``group``, in text order (none when no
    component of the pipeline fills that group)."""
    return doc.user_data.get("kg_found", {}).get(group, [])


def _keep(doc: Doc, group: str, candidates: list[Found]) -> None:
    doc.user_data.setdefault("kg_found", {})[group] = candidates


@dataclass(frozen=True, slots=True)
class Tokens:
    """The doc's tokens as plain lists, read once: iterating spaCy ``Token`` objects costs
    a Python object per token per pass, the bulk of a rule pipeline's time."""

    text: str
    words: list[str]
    starts: list[int]
    space_after: list[bool]

    def found(self, start: int, end: int, label: str, kb_id: str = "") -> Found:
        """A candidate over tokens ``[start, end)``."""
        start_char = self.starts[start] if start < len(self.starts) else len(self.text)
        end_char = self.starts[end - 1] + len(self.words[end - 1]) if end > start else start_char
        return start, end, start_char, end_char, label, kb_id


def tokens(doc: Doc) -> Tokens:
    """The token table of a doc, computed on first use and kept in ``doc.user_data``."""
    table = doc.user_data.get("kg_tokens")
    if table is None:
        arr = doc.to_array([IDX, LENGTH, SPACY])
        idx, lengths = arr[:, 0].tolist(), arr[:, 1].tolist()
        # Doc.text joins every token's text; the caller may hand over the text it tokenised.
        text = doc.user_data.get("kg_text") or doc.text
        table = Tokens(text, [text[i:i + n] for i, n in zip(idx, lengths)], idx, arr[:, 2].astype(bool).tolist())
        doc.user_data["kg_tokens"] = table
    return table


def sentence_starts(doc: Doc) -> list[bool]:
    """Whether each token starts a sentence (after the sentence components ran)."""
    return (doc.to_array(SENT_START) == 1).tolist()


# --- sentence boundaries ----------------------------------------------------------------

_NOT_START = np.uint64(2**64 - 1)  # SENT_START's -1 in spaCy's unsigned array
_PUNCT = frozenset({"!", ".", "?", "...", "…", "‼", "⁇", "⁈", "⁉", "。", "？", "！"})
_CLOSERS = frozenset({'"', "”", "’", "'", ")", "]", "}", "»"})


@Language.component("kg_sentences")
def sentences(doc: Doc) -> Doc:
    """A sentencizer: a sentence ends after ``.``, ``!``, ``?`` (and closing quotes or
    brackets after them) and at every line break, since headings, list items and the
    lines of a comment thread end without punctuation. Whitespace never starts one.

    spaCy's own ``sentencizer`` follows the same punctuation rule, reading each token as a
    Python object; this one reads the token table once, several times faster."""
    words = tokens(doc).words
    n = len(words)
    starts = np.full(n, _NOT_START, dtype="uint64")
    ended = newline = False
    for i, word in enumerate(words):
        if word.isspace():
            newline = newline or "\n" in word
            continue
        if i == 0 or newline or "\n" in words[i - 1]:
            starts[i] = 1
            ended = newline = False
        elif ended and word not in _CLOSERS and word not in _PUNCT:
            starts[i] = 1
            ended = False
        if word in _PUNCT:
            ended = True
    if n:
        doc.from_array([SENT_START], starts)
    return doc


# --- lexicon ------------------------------------------------------------------------------


@Language.factory("kg_lexicon")
def make_lexicon_matcher(nlp: Language, name: str) -> LexiconMatcher:
    return LexiconMatcher(nlp)


class LexiconMatcher:
    """Phrase matching of the ``ontology/lexicon`` entries: case-sensitive labels on the
    exact text, the others on lower case. Longest match wins within each label."""

    _LABELS = {"organisation": "ORG", "product": "PRODUCT", "concept": "CONCEPT"}

    def __init__(self, nlp: Language):
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        tokenizer = nlp.tokenizer
        for entry in entries():
            label = f"{self._LABELS[entry.kind]}|{entry.iri}"
            labels = sorted(set(entry.labels))
            if entry.case_sensitive:
                self.exact.add(label, [tokenizer(x) for x in labels])
            else:
                self.lower.add(label, [tokenizer(x.lower()) for x in labels])

    def __call__(self, doc: Doc) -> Doc:
        table = tokens(doc)
        by_label: dict[str, list[Found]] = {}
        for matcher in (self.exact, self.lower):
            for key, start, end in matcher(doc):
                label, iri = doc.vocab.strings[key].split("|", 1)
                by_label.setdefault(label, []).append(table.found(start, end, label, iri))
        kept = [s for group in by_label.values() for s in _filter_spans(group)]
        _keep(doc, "lexicon", sorted(kept, key=lambda s: (s[0], s[1], s[4])))
        return doc


def _filter_spans(spans: list[Found]) -> list[Found]:
    """``spacy.util.filter_spans`` for candidates: the longest first (the first of equals),
    none sharing a token with one kept before; in text order."""
    kept = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s[1] - s[0], -s[0]), reverse=True):
        start, end = span[0], span[1]
        if start not in taken and end - 1 not in taken:
            kept.append(span)
            taken.update(range(start, end))
    return sorted(kept, key=lambda s: s[0])


# --- proper names -----------------------------------------------------------------------


@Language.factory("kg_names")
def make_name_finder(nlp: Language, name: str) -> NameFinder:
    return NameFinder()


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper() and any(c.isalpha() for c in word)


@memoised
def is_camel_case(word: str) -> bool:
    """``InsideView``, ``YouTube``, ``SugarCRM``, ``Back2ITSM``; not ``IBM`` or ``Mitch``.

    >>> [is_camel_case(w) for w in ("InsideView", "Back2ITSM", "IBM", "Mitch", "McDonald")]
    [True, True, False, False, False]
    """
    if len(word) < 4 or not word[0].isalpha():
        return False
    if re.fullmatch(r"(?:Mc|Mac|O')[A-Z][a-z]+", word):
        return False
    inner = word[1:]
    return bool(re.search(r"[a-z][A-Z]", word) or (re.search(r"\d", inner) and re.search(r"[A-Za-z]{2}", word)))


@memoised
def is_acronym(word: str) -> bool:
    """``TCS``, ``AXELOS``, ``itSMF``-like all-caps words of 2 to 7 letters.

    >>> [is_acronym(w) for w in ("TCS", "AXELOS", "I", "Buffer")]
    [True, True, False, False]
    """
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= 7 and all(c.isupper() for c in letters) and word[0].isalpha()


_CAPITALISED, _STARTS, _HASH = 1, 2, 4


@memoised
def _name_kind(word: str) -> int:
    """What a word is to :class:`NameFinder`, as bits: capitalised, can start a name
    (capitalised, not "I" or its contractions), "#" (can start a hashtag)."""
    if word == "#":
        return _HASH
    if not is_capitalised(word):
        return 0
    return _CAPITALISED | (0 if word in {"I", "I'm", "I’m", "I'll", "I’ll", "I've", "I’ve", "I'd", "I’d"} else _STARTS)


class NameFinder:
    """Finds runs of capitalised words and labels each with the kind of name it is."""

    def __init__(self) -> None:
        c = cues()
        self.honorifics = c["honorifics"]
        self.suffixes = c["org_suffixes"]
        self.roles = c["role_words"]
        self.not_first = c["not_first_names"]
        self.first = first_names()
        self._titles = {h.rstrip(".") for h in self.honorifics}
        word_frequencies()  # read with the other lexicons, not in the middle of the first document

    def is_first_name(self, word: str) -> bool:
        return word[:1].isupper() and word.lower() in self.first and word.lower() not in self.not_first

    def __call__(self, doc: Doc) -> Doc:
        table = tokens(doc)
        words, spaces = table.words, table.space_after
        starts = sentence_starts(doc)
        kinds = memo_map(_name_kind, words)
        n = len(words)
        spans: list[Found] = []
        i = 0
        # Only a "#" or a word that can start a name starts anything: go from one to the next.
        for k in itertools.compress(range(n), [kind & (_STARTS | _HASH) for kind in kinds]):
            if k < i:
                continue
            i = k
            if kinds[i] & _HASH:
                if i + 1 < n and not spaces[i] and words[i + 1][:1].isalnum():
                    spans.append(table.found(i, i + 2, "HASHTAG"))
                    i += 2
                continue
            j = i + 1
            while j < n and j - i < 6:
                if not spaces[j - 1] and words[j] in {"-", "–"} and j + 1 < n and not spaces[j] and kinds[j + 1] & _CAPITALISED:
                    j += 2  # Wladawsky-Berger
                    continue
                if not spaces[j - 1]:
                    break
                nxt = words[j]
                if kinds[j] & _CAPITALISED and nxt not in {"I", "I'm", "I’m"} and nxt.lower() not in self.honorifics:
                    j += 1
                elif nxt.lower() in _PARTICLES and j + 1 < n and kinds[j + 1] & _CAPITALISED and j > i:
                    j += 1
                else:
                    break
            for start, end, label in self._classify(words, starts, i, j):
                spans.append(table.found(start, end, label))
            i = j
        _keep(doc, "names", spans)
        return doc

    def _classify(self, words: list[str], starts: list[bool], i: int, j: int) -> Iterable[tuple[int, int, str]]:
        """Label the run ``words[i:j]``; may trim it or split off a leading word."""
        first = words[i]
        if first.lower().rstrip(".") in self._titles:
            if j > i + 1:
                yield i, j, "PERSON"
            return
        sentence_initial = starts[i] or (i > 0 and words[i - 1] in {"“", '"', "‘", "(", "'", ":", "—", "–", "-"})
        if sentence_initial and j - i > 1 and not self.is_first_name(first) and word_frequency(first) >= 3.5 \
                and not is_acronym(first) and not is_camel_case(first) and first.lower() != "the":
            i += 1  # "Then Martin Schneider", "Co-conspirator Martin Schneider"
            first = words[i]
            sentence_initial = False
        tokens = [w for w in words[i:j] if w not in {"-", "–"}]
        last = tokens[-1]
        if len(tokens) >= 2 and last.lower() in self.suffixes:
            yield i, j, "ORG"
            return
        if len(tokens) >= 2 and self.is_first_name(first):
            # Cut at a role word or an acronym after the name: "Chad Dyer VP".
            end = j
            for k in range(i + 2, j):
                if words[k].lower() in self.roles or is_acronym(words[k]):
                    end = k
                    break
            yield i, end, "PERSON"
            return
        if len(tokens) == 1:
            if self.is_first_name(first):
                yield i, j, "FIRST"
            elif is_camel_case(first):
                yield i, j, "BRAND"
            elif is_acronym(first):
                yield i, j, "ACRONYM"
            elif not sentence_initial or word_frequency(first) < 3.0:
                yield i, j, "NAME"
            return
        if first.lower() == "the" and j - i > 1:
            yield i + 1, j, "NAME"
            return
        if is_acronym(first) and j - i > 1:
            yield i, i + 1, "ACRONYM"  # "ISRS Digital Resilience": the acronym may be a body's name
        yield i, j, "NAME"


# --- quotations ---------------------------------------------------------------------------


@Language.component("kg_quotes")
def find_quotes(doc: Doc) -> Doc:
    """The insides of quotation marks within one paragraph (curly, straight, guillemets).

    A closing single quote must not be an apostrophe (``IT’s``): it is followed by a space,
    punctuation or the end of the text.
    """
    table = tokens(doc)
    spans: list[Found] = []
    for open_pos, close_pos in _quote_pairs(table.text):
        span = doc.char_span(open_pos + 1, close_pos, alignment_mode="expand")
        if span is not None and len(span) > 0:
            spans.append(table.found(span.start, span.end, "QUOTE"))
    _keep(doc, "quotes", spans)
    return doc


_OPENERS = re.compile(r"[“‘\"«']")


def _quote_pairs(text: str, max_len: int = 1500) -> list[tuple[int, int]]:
    """Positions of matching quotation marks, within one paragraph and ``max_len``
    characters. Closers are found by bisection, so a hostile file full of quotation
    marks costs n log n, not n times the window."""
    closers: dict[str, list[int]] = {}
    for close in set(_QUOTE_PAIRS.values()):
        closers[close] = [m.start() for m in re.finditer(re.escape(close), text)]
    breaks = [m.start() for m in re.finditer(r"\n\s*\n", text)]
    pairs: list[tuple[int, int]] = []
    n = len(text)
    pos = 0
    for m in _OPENERS.finditer(text):
        i = m.start()
        if i < pos:
            continue
        c = text[i]
        if c in "'‘" and i > 0 and text[i - 1].isalnum():
            continue  # an apostrophe inside a word
        if c in "\"'" and (i + 1 >= n or text[i + 1].isspace()):
            continue  # a closing mark or a stray one
        close = _QUOTE_PAIRS[c]
        positions = closers[close]
        limit = min(n, i + max_len)
        k = bisect.bisect_left(breaks, i)
        if k < len(breaks):
            limit = min(limit, breaks[k])
        j = bisect.bisect_left(positions, i + 2)
        found = -1
        while j < len(positions) and positions[j] < limit:
            p = positions[j]
            after = text[p + 1] if p + 1 < n else " "
            if close in "’'" and after.isalnum():
                j += 1
                continue
            found = p
            break
        if found > 0:
            pairs.append((i, found))
            pos = found + 1
    return pairs


# --- key phrases ----------------------------------------------------------------------------


@Language.factory("kg_phrases", default_config={"max_words": 4})
def make_phrase_finder(nlp: Language, name: str, max_words: int) -> PhraseFinder:
    return PhraseFinder(max_words)


class PhraseFinder:
    """Candidate key phrases: runs of content words between stop words and punctuation,
    joined across ``of`` after a noun (``socialization of IT``), at most ``max_words``."""

    _NOMINAL = re.compile(r"(?:tion|sion|ment|ity|ness|ance|ence|ism|ship|ure|age|ogy|role|use|value|lack|rise|age)$")

    def __init__(self, max_words: int):
        self.max_words = max_words
        self.stop = {w.lower() for w in STOP_WORDS} | set(cues().get("phrase_stop_words", ())) | verb_forms()
        self._content = memoised(self._is_content)

    def _is_content(self, word: str) -> bool:
        if len(word) >= 2 and word.isupper() and word.isalpha():
            return True  # "IT" is an acronym, not the pronoun
        if len(word) < 2 or word.lower() in self.stop:
            return False
        if not any(c.isalpha() for c in word) or word.endswith("ly") and word.islower():
            return False
        return bool(re.fullmatch(r"[\w][\w'’/&+.-]*", word)) and not word.endswith(".")

    def __call__(self, doc: Doc) -> Doc:
        table = tokens(doc)
        words, spaces = table.words, table.space_after
        content = memo_map(self._content, words)
        n = len(words)
        spans: list[Found] = []
        i = 0
        for k in itertools.compress(range(n), content):
            if k < i or words[k][0] == "#":
                continue
            i = k
            j, count = i, 0
            while j < n and count < self.max_words:
                if content[j] and (j == i or spaces[j - 1]):
                    j += 1
                    count += 1
                elif (
                    words[j] == "-" and j > i and not spaces[j - 1] and not spaces[j]
                    and j + 1 < n and words[j + 1].isalpha()
                ):
                    j += 2  # plug-and-play, split by the tokenizer: one word
                elif (
                    words[j].lower() == "of" and j > i and self._NOMINAL.search(words[j - 1].lower())
                    and j + 1 < n and content[j + 1] and count + 1 < self.max_words
                ):
                    j += 2
                    count += 2
                else:
                    break
            spans.append(table.found(i, j, "PHRASE"))  # j > i: words[i] is a content word
            i = j
        _keep(doc, "phrases", spans)
        return doc


# --- a trained pipeline's NER, when the user names one -------------------------------------


@Language.factory("kg_model_ner", default_config={"model": ""})
def make_model_ner(nlp: Language, name: str, model: str) -> ModelNer:
    return ModelNer(model)


class ModelNer:
    """Runs an installed trained pipeline and keeps its PERSON and ORG entities."""

    def __init__(self, model: str):
        try:
            self.nlp = spacy.load(model, exclude=["lemmatizer"])
        except (OSError, ImportError) as err:
            raise ModelError(f"spaCy pipeline {model!r} is not installed ({err}); the default pipeline needs none") from err
        if "ner" not in self.nlp.pipe_names:
            raise ModelError(f"spaCy pipeline {model!r} has no 'ner' component")
        self.nlp.max_length = 20_000_000

    def __call__(self, doc: Doc) -> Doc:
        other = self.nlp(doc.text)
        table = tokens(doc)
        spans = []
        for ent in other.ents:
            if ent.label_ not in ("PERSON", "ORG"):
                continue
            span = doc.char_span(ent.start_char, ent.end_char, alignment_mode="contract")
            if span is not None:
                spans.append(table.found(span.start, span.end, ent.label_))
        _keep(doc, "model", spans)
        return doc
