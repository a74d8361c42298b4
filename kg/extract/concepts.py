"""Concepts: the ideas a post discusses, from the lexicon and from its own key phrases.

Input: the :class:`~kg.extract.context.Context` and the spans of persons and organisations
(never concepts). Output: at most ``limit`` concept :class:`~kg.model.Entity` values,
best first, each with its surface variants as aliases and its mention spans.

Candidates come from lexicon matches, key phrases (runs of content words and their
sub-phrases), short headings, hashtags, scare-quoted phrases and the items of an
enumeration introduced as concepts (``concepts like co-creation, value creation, ...``).
Variants fold into one concept by :func:`kg.resolve.concept_key` (case, plural,
``guerilla``/``guerrilla``). Phrases are ranked C-value style (frequency, discounted where a
phrase mostly occurs inside a longer one, favouring longer terms), weighted by how rare
their words are in general English, plus bonuses for the lexicon, the title, headings,
quotation marks and enumerations.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from kg.extract.context import Context, Intervals
from kg.lexicon import cues, entry_by_iri, word_frequency
from kg.memo import memoised
from kg.model import Entity, Span
from kg.nlp import found
from kg.resolve import concept_key

_LEADING = re.compile(
    r"^(?:(?:a|an|the|our|my|your|their|its|his|her|this|that|these|those|some|any|every|each|new|little|"
    r"more|less|most|many|much|such|other|own|very|really|just|also|all)\s+)+",
    re.I,
)
_ENUMERATION_NOUNS = ("concept", "idea", "notion", "topic", "theme", "principle", "value", "buzzword", "trend")
_ENUMERATION_CUES = ("like", "such as", "including")
_ENUMERATION = re.compile(
    rf"\b(?:{'|'.join(n + 's?' for n in _ENUMERATION_NOUNS)})\s+"
    rf"(?:{'|'.join(_ENUMERATION_CUES)})\s+(?P<items>[^.;:!?()\n]{{3,300}})",
    re.I,
)
#: Words too general to stand alone as a concept of a post.
_TOO_GENERAL = {"it", "thing", "things", "stuff", "way", "people", "time", "lot", "today", "work"}


@dataclass(slots=True)
class _Candidate:
    key: str
    forms: dict[str, int] = field(default_factory=dict)
    spans: dict[tuple[int, int], None] = field(default_factory=dict)  # (start, end) of each mention, an ordered set
    lexicon_label: str | None = None
    lexicon_iri: str | None = None
    in_title: bool = False
    in_heading: bool = False
    quoted: bool = False
    hashtag: bool = False
    listed: bool = False
    capitalised: bool = False
    role: bool = False
    words: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.words = self.key.split()

    def add(self, form: str, start: int, end: int) -> None:
        span = (start, end)
        if span in self.spans:
            return
        self.forms[form] = self.forms.get(form, 0) + 1
        self.spans[span] = None

    @property
    def count(self) -> int:
        return len(self.spans)

    def surface_words(self) -> list[str]:
        """The words of the most frequent surface form (the key folds spelling)."""
        if len(self.forms) == 1:
            return next(iter(self.forms)).lower().split()
        best = max(sorted(self.forms), key=lambda f: self.forms[f])
        return best.lower().split()


def find_concepts(ctx: Context, taken: list[Span], limit: int) -> list[Entity]:
    """The ``limit`` best concepts of a post."""
    text = ctx.text
    lexicon = entry_by_iri()
    candidates: dict[str, _Candidate] = {}
    taken_set = Intervals(taken)
    stop = _stop_words()

    def blocked(span: Span) -> bool:
        return taken_set.overlaps(span)

    redirect: dict[str, str] = {}  # surface key of a lexicon match -> that entry's key

    def add(form: str, span: Span, *, label: str | None = None, iri: str | None = None, **flags: bool) -> None:
        if "  " in form or "\n" in form or "\u00a0" in form:
            form = " ".join(form.split())
        key = concept_key(label or form)
        if label is None:
            key = redirect.get(key, key)
        if not key or len(key) < 2 or key in _TOO_GENERAL or key.isdigit():
            return
        part, heading = ctx.part_of(span.start)[0], ctx.block_kind(span.start) == "heading"
        if part == "other":
            return
        cand = candidates.get(key)
        if cand is None:
            cand = candidates[key] = _Candidate(key)
        cand.add(form, span.start, span.end)
        if label:
            cand.lexicon_label = label
            cand.lexicon_iri = iri
            entry = lexicon.get(iri or "")
            cand.role = entry is not None and entry.category == "role"
        cand.in_title |= part == "title"
        cand.in_heading |= heading
        for flag, value in flags.items():
            if value:
                setattr(cand, flag, True)

    for _, _, start_char, end_char, label, kb_id in found(ctx.doc, "lexicon"):
        if label != "CONCEPT":
            continue
        entry = lexicon.get(kb_id)
        s = Span(start_char, end_char)
        if entry is not None and not blocked(s):
            surface = text[s.start:s.end]
            add(surface, s, label=entry.label, iri=entry.iri)
            redirect[concept_key(surface)] = concept_key(entry.label)

    # The key phrases are most of the candidates: add() inlined, sub-phrases memoised, the
    # part and block looked up again only where the phrases (in text order) leave a region.
    until = -1
    for _, _, phrase_start, phrase_end, _, _ in found(ctx.doc, "phrases"):
        if taken_set.overlaps_range(phrase_start, phrase_end):
            continue
        if phrase_start >= until:
            part, heading, until = ctx.region_of(phrase_start)
            in_title = part == "title"
        if part == "other":
            continue
        for start, end, form, title_case, title_only in _sub_phrases(text[phrase_start:phrase_end]):
            if title_only and not in_title:
                continue
            key = concept_key(form)
            key = redirect.get(key, key)
            if len(key) < 2 or key in _TOO_GENERAL or key.isdigit():
                continue
            cand = candidates.get(key)
            if cand is None:
                cand = candidates[key] = _Candidate(key)
            start += phrase_start
            cand.add(form, start, phrase_start + end)
            cand.in_title |= in_title
            cand.in_heading |= heading
            if title_case and ctx.sentence_of(start).start != start:
                cand.capitalised = True

    for _, _, start_char, end_char, label, _ in found(ctx.doc, "names"):
        if label == "HASHTAG":
            s = Span(start_char, end_char)
            tag = text[s.start:s.end]
            split = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", tag.lstrip("#"))
            add(tag, s, label=split if split != tag.lstrip("#") else None, hashtag=True)
            if split != tag.lstrip("#"):
                for m in re.finditer(re.escape(split), text):
                    add(m.group(0), Span(m.start(), m.end()), label=split, hashtag=True)

    for block in ctx.post.blocks:
        if block.kind == "heading":
            heading = block.span.of(text).rstrip(":").strip()
            form = _LEADING.sub("", heading)
            if 2 <= len(form.split()) <= 5 and not blocked(block.span):
                start = block.span.start + heading.find(form)
                add(form, Span(start, start + len(form)))

    for _, _, quote_start, quote_end, _, _ in found(ctx.doc, "quotes"):
        inner = text[quote_start:quote_end].strip()
        s = Span(quote_start, quote_start + len(inner))
        content = [w for w in re.findall(r"[\w'-]+", inner) if not _stop(w, stop) and len(w) > 2]
        # A re-quote of words the text already said is not a term being introduced.
        requote = text.find(_LEADING.sub("", inner), 0, max(quote_start - 1, 0)) >= 0
        if len(content) < max(1, min(2, len(inner.split()) - 1)) or requote:
            continue
        if 1 <= len(inner.split()) <= 5 and not re.search(r"[.!?,;]$", inner) and not blocked(s):
            form = _LEADING.sub("", inner) if len(inner.split()) > 1 and not inner.lower().startswith("the ") else inner
            offset = inner.find(form)
            add(form, Span(s.start + offset, s.start + offset + len(form)), quoted=True)

    for m in _enumerations(ctx):
        items = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+", m.group("items"))
        pos = m.start("items")
        for item in items:
            item_text = item.strip()
            start = text.find(item_text, pos) if item_text else -1
            if start < 0:
                continue
            pos = start + len(item_text)
            form = _LEADING.sub("", item_text)
            if 1 <= len(form.split()) <= 4 and not re.search(r"\b(?:just|etc|name|few)\b", form, re.I):
                offset = item_text.find(form)
                add(form, Span(start + offset, start + offset + len(form)), listed=True)

    longer = _longer_counts(candidates)
    scored = sorted(((s, c) for c in candidates.values() if (s := _score(c, longer.get(c.key, []))) > 0),
                    key=lambda x: (-x[0], x[1].key))
    chosen: list[_Candidate] = []
    covered: list[Intervals] = []
    chosen_spans: list[tuple[int, int]] = []
    anywhere = Intervals()  # every chosen mention: a span outside it lies inside no chosen one
    for _, cand in scored:
        # A candidate whose every mention lies inside a chosen one adds nothing.
        if anywhere.contains_range(*next(iter(cand.spans))) \
                and any(all(c.contains_range(*sp) for sp in cand.spans) for c in covered):
            continue
        # A phrase inside a chosen longer one ("resilience" in "digital resilience") is a
        # variant of it, not another concept.
        host = next((c for c in chosen if _variant_of(cand, c)), None)
        if host is not None:
            for form, k in cand.forms.items():
                host.forms[form] = host.forms.get(form, 0) + k
            host.spans.update(dict.fromkeys(cand.spans))
            continue
        if len(chosen) < limit:
            chosen.append(cand)
            covered.append(Intervals.of_ranges(cand.spans))
            chosen_spans += cand.spans
            anywhere = Intervals.of_ranges(chosen_spans)
    return [_entity(c) for c in chosen]


def _enumerations(ctx: Context) -> Iterator[re.Match[str]]:
    """``_ENUMERATION.finditer(ctx.text)``, trying the pattern only where a noun and
    whitespace come before a cue word (found with ``str.find``), not at every position."""
    text, lowered = ctx.text, ctx.lowered
    if lowered is None:
        yield from _ENUMERATION.finditer(text)
        return
    starts = set()
    for cue in _ENUMERATION_CUES:
        at = lowered.find(cue)
        while at >= 0:
            end = at
            while end > 0 and text[end - 1].isspace():  # str.isspace is the pattern's \s
                end -= 1
            if end < at:
                starts.update(end - len(w) for n in _ENUMERATION_NOUNS for w in (n, n + "s") if lowered.endswith(w, 0, end))
            at = lowered.find(cue, at + 1)
    pos = 0
    for start in sorted(starts):
        if start >= pos and (m := _ENUMERATION.match(text, start)):
            yield m
            pos = m.end()


def _sub_phrases(phrase: str) -> tuple[tuple[int, int, str, bool, bool], ...]:
    """A run of content words and its sub-phrases of two or more words, edges trimmed of
    words that cannot end a term. A lone word counts only when it could be a term on its
    own: rare in general English, hyphenated, or in the title (common words alone never
    score, so they are not counted).

    Each sub-phrase is ``(start, end, form, title_case, title_only)``: its offsets in
    ``phrase``, its text with whitespace folded, whether it has several words, all
    capitalised, and whether it is a lone word that counts only in the title. A pure
    function of the phrase, memoised (below): the same phrases recur across a corpus.

    >>> _sub_phrases("the Digital Tribe")
    ((4, 11, 'Digital', False, True), (4, 17, 'Digital Tribe', True, False), (12, 17, 'Tribe', False, True))
    """
    stop = _stop_words()
    if phrase.split() == [phrase]:  # one word, no whitespace: most phrases
        if _stop(phrase, stop) or phrase.endswith("ly") or len(phrase) < 3:
            return ()
        return ((0, len(phrase), phrase, False, not ("-" in phrase or word_frequency(phrase) < 4.0)),)
    words = phrase.split(" ")
    n = len(words)
    offsets = []
    pos = 0
    for w in words:
        offsets.append(pos)
        pos += len(w) + 1
    # What each word allows, decided once per word rather than once per sub-phrase.
    opens = [bool(w) and not _stop(w, stop) and not w.endswith("ly") for w in words]
    closes = [bool(w) and not _stop(w, stop) and not w.endswith(("ed", "ly")) for w in words]
    capital = [w[:1].isupper() for w in words]
    plain = words == phrase.split()  # single spaces only: a form is its words, unchanged
    out = []
    for i in range(n):
        if not opens[i]:
            continue
        first = words[i]
        for j in range(i + 1, n + 1):
            title_only = False
            if j - i == 1:
                if len(first) < 3:
                    continue
                title_only = not ("-" in first or word_frequency(first) < 4.0)
            elif not closes[j - 1]:
                continue
            start, end = offsets[i], offsets[j - 1] + len(words[j - 1])
            form = phrase[start:end]
            if plain:
                out.append((start, end, form, j - i > 1 and all(capital[i:j]), title_only))
                continue
            if "  " in form or "\n" in form or "\u00a0" in form:
                form = " ".join(form.split())
            parts = form.split()
            out.append((start, end, form, len(parts) > 1 and all(w[:1].isupper() for w in parts), title_only))
    return tuple(out)


# Its answers are tuples, which make the table one the garbage collector scans: a smaller one.
_sub_phrases = memoised(_sub_phrases, size=1 << 15)


@functools.cache
def _stop_words() -> frozenset[str]:
    return frozenset({w.lower() for w in STOP_WORDS} | cues()["phrase_stop_words"])


def _stop(word: str, stop: frozenset[str]) -> bool:
    """A stop word, unless written as an acronym ("IT" is not "it")."""
    return word.lower() in stop and not (len(word) > 1 and word.isupper())


def _rarity(words: list[str]) -> float:
    return sum(max(0.0, 6.0 - word_frequency(w)) for w in words) / len(words)


def _longer_counts(candidates: dict[str, _Candidate]) -> dict[str, list[int]]:
    """For each candidate, the counts of the longer candidates that contain it."""
    index: dict[str, list[int]] = {}
    for c in candidates.values():
        if len(c.words) > 1:
            count = c.count
            for sub in _shorter_phrases(c.key):
                if sub in candidates:
                    index.setdefault(sub, []).append(count)
    return index


def _shorter_phrases(key: str) -> tuple[str, ...]:
    """The distinct phrases of consecutive words inside ``key``, shorter than it.

    >>> _shorter_phrases("a b a")
    ('a', 'a b', 'b', 'b a')
    """
    words = key.split()
    if len(words) == 2:
        return tuple(dict.fromkeys(words))
    joined = " ".join(words)
    starts, ends, pos = [], [], 0
    for w in words:
        starts.append(pos)
        ends.append(pos + len(w))
        pos += len(w) + 1
    n = len(words)
    return tuple(dict.fromkeys(joined[starts[i]:ends[j - 1]] for i in range(n) for j in range(i + 1, n + 1) if j - i < n))


# A pure function of a candidate's key, and keys recur across a corpus; tuples: a small table.
_shorter_phrases = memoised(_shorter_phrases, size=1 << 15)


def _score(cand: _Candidate, longer: list[int]) -> float:
    if cand.key in _document_types() or cand.role:
        return 0.0  # document types and roles (CIO, end users) are not ideas
    count = cand.count
    # C-value: discount the occurrences that are only parts of longer candidates.
    independent = count - (sum(longer) / len(longer) if longer else 0.0)
    # Roles and units (CIO, end users, IT department) are actors, not ideas: no lexicon bonus.
    lexicon = cand.lexicon_label is not None and not cand.role
    structural = cand.in_title or cand.in_heading or cand.quoted or cand.hashtag or cand.listed
    if independent <= 0 and not (lexicon or structural):
        return 0.0
    surface_words = cand.surface_words()
    # An acronym matched for a longer label ("PC" for "personal computer") is one word.
    n = min(len(cand.words), len(surface_words))
    rarity = _rarity(surface_words)
    if n > 1 and count < 2 and not (lexicon or structural or cand.capitalised or rarity >= 2.2 or "-" in cand.key):
        return 0.0  # most candidates: common words, once (checked first, as the cheapest)
    score = math.log2(1 + n) * max(independent, 0.5) * (1 + rarity / 3)
    if lexicon:
        score += (2.5 if n > 1 or rarity >= 2.0 else 1.0) * (1.0 if count >= 2 else 0.5)
    if cand.in_title:
        score += 3.0
    if cand.in_heading:
        score += 2.0
    if cand.quoted:
        score += 1.5
    if cand.hashtag:
        score += 2.0
    if cand.listed:
        score += 2.0
    if cand.capitalised:
        score += 1.0
    if n == 1:
        # A lone word is a concept when it is specific (rare in general English), a
        # hyphenated compound, a hashtag or a quoted/listed term; a common word needs the
        # lexicon and repetition.
        special = cand.hashtag or cand.quoted or cand.listed or cand.in_title and rarity >= 2.0
        compound = "-" in cand.key and count >= 2
        if cand.key.endswith("ed") and not lexicon:
            return 0.0
        if not (special or compound or lexicon and (count >= 2 or rarity >= 2.0)
                or rarity >= 2.0 and count >= 3 or rarity >= 2.5 and count >= 2):
            return 0.0
    if n > 1 and count < 2 and _mixed_case(cand) and not (lexicon or structural):
        return 0.0  # "RevNet workshop", "ITSM banner": a name and a common noun
    return score


def _mixed_case(cand: _Candidate) -> bool:
    """A name modifying a common noun ("RevNet workshop", "ITSM banner", "Estonia
    conferences"), as opposed to a term in lower case or in Title Case.

    >>> _mixed_case(_Candidate("x", forms={"RevNet workshop": 1})), _mixed_case(_Candidate("x", forms={"risk model": 1}))
    (True, False)
    """
    words = max(sorted(cand.forms), key=lambda f: cand.forms[f]).split()
    upper = [w[:1].isupper() for w in words]
    if all(upper) or not any(upper):
        return False
    if upper[0] and not any(upper[1:]):
        # Only the first word is capitalised: a sentence start, unless the word is a name.
        return word_frequency(words[0]) < 4.0 or sum(c.isupper() for c in words[0]) >= 2
    return True


@functools.cache
def _document_types() -> frozenset[str]:
    """Generic names of documents ("white paper", "post") are not ideas."""
    return frozenset(concept_key(w) for w in cues()["work_nouns"])


def _variant_of(cand: _Candidate, chosen: _Candidate) -> bool:
    """Whether ``cand`` is a variant of an already chosen concept: a phrase inside it
    ("resilience" in "digital resilience"), or a longer phrase around it that is not a
    heading of its own ("Social CRM Revolution" around "Social CRM")."""
    if cand.key not in chosen.key and chosen.key not in cand.key:
        return False  # neither key inside the other: neither word list is
    if cand.lexicon_iri and cand.lexicon_iri != chosen.lexicon_iri:
        return False
    if _contains(chosen.words, cand.words):
        return True
    return _contains(cand.words, chosen.words) and not (cand.in_heading or cand.in_title or cand.lexicon_iri)


def _contains(longer: list[str], shorter: list[str]) -> bool:
    k = len(shorter)
    return any(longer[i:i + k] == shorter for i in range(len(longer) - k + 1))


def _entity(cand: _Candidate) -> Entity:
    forms = sorted(cand.forms, key=lambda f: (-cand.forms[f], f))
    if cand.lexicon_label:
        name = cand.lexicon_label
    else:
        best = forms[0]
        name = best if _keeps_case(best) else best.lower()
    aliases = tuple(f for f in forms if f != name)
    return Entity(kind="concept", name=name, aliases=aliases, mentions=tuple(Span(*sp) for sp in sorted(cand.spans)),
                  lexicon=cand.lexicon_iri)


def _keeps_case(form: str) -> bool:
    """Acronyms (``SMEs``), hashtags and CamelCase keep their case; ordinary phrases are
    lower-cased.

    >>> _keeps_case("SMEs"), _keeps_case("Digital Tribes"), _keeps_case("#SMCongress")
    (True, False, True)
    """
    return any(sum(c.isupper() for c in w) >= 2 or re.search(r"[a-z][A-Z]", w) or w.startswith("#") for w in form.split())
