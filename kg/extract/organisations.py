"""Organisations: lexicon matches, corporate suffixes, brands and acronyms in context.

Input: a :class:`~kg.extract.context.Context`, the person mentions and the thread.
Output: :class:`OrgMention` values; :mod:`kg.resolve` clusters them by canonical name.

Rules, strongest first: a lexicon organisation; a product whose name names its maker
(``Yahoo IM`` is Yahoo's); a capitalised run ending in a corporate word (``Sequoia
Capital``, ``The Corporate Executive Board``); a CamelCase brand (``InsideView``); an
acronym in an organisation's position (``ISRS's``, ``at TCS``, ``in TCS``); an unknown
capitalised word named as a platform, group or maker of a product (``platform Buffer``,
``an Intermec rugged mobile PDA``) or listed with other organisations; the site of a
pingback that is not a person.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from kg.extract.context import Context, Intervals
from kg.extract.persons import Mention
from kg.lexicon import cues, entry_by_iri, is_first_name, word_frequency
from kg.model import Span
from kg.nlp import found

_POSSESSIVE = {"’s", "'s", "’", "'"}
_ORG_PREPOSITIONS = {"at", "in", "from", "with", "by", "joined", "join", "for", "of"}
# Words before a capitalised token that place it as an employer or author ("at TCS").
_EMPLOYER_PREPOSITIONS = {"at", "by", "from", "joined", "join", "joining", "left", "leaving"}
_BACKED = {"sponsored", "-sponsored", "backed", "funded", "owned", "hosted", "acquired", "employees", "staff",
           "team", "ceo", "cto", "cio", "founder", "spokesperson"}


@dataclass(frozen=True, slots=True)
class OrgMention:
    """An organisation named in the text; ``name`` is canonical where a lexicon knows it."""

    name: str
    text: str
    span: Span
    rule: str
    structural: bool = False
    lexicon: str | None = None


def find_org_mentions(ctx: Context, persons: list[Mention]) -> list[OrgMention]:
    """Every organisation mention of the post, in text order."""
    c = cues()
    suffix_heads = c["org_heads"]
    product_nouns, non_org = _product_nouns_and_non_orgs()
    events = c["event_nouns"]
    places = c["places"]
    lexicon = entry_by_iri()
    doc = ctx.doc
    words, starts = ctx.words, ctx.token_starts
    doc_text = ctx.doc_text
    sentence_start = ctx.token_starts_sentence
    out: list[OrgMention] = []
    taken: list[Span] = [m.span for m in persons if not m.structural]

    taken_set: Intervals | None = None

    def overlaps(span: Span) -> bool:
        return taken_set is not None and taken_set.overlaps(span)

    for _, _, start_char, end_char, label, kb_id in found(doc, "lexicon"):
        s = Span(start_char, end_char)
        entry = lexicon.get(kb_id)
        if entry is None:
            continue
        surface = doc_text[s.start:s.end]
        if label == "ORG":
            # The entry's own label as written here ("Corporate Executive Board" for CEB).
            name = surface if surface in entry.labels else entry.label
            out.append(OrgMention(name, surface, s, "lexicon", lexicon=entry.iri))
            taken.append(s)
        elif label == "PRODUCT":
            taken.append(s)
            maker = lexicon.get(entry.maker or "")
            if maker is not None and entry.names_maker:
                out.append(OrgMention(maker.label, surface, s, "product", lexicon=maker.iri))
    concept_spans = [Span(start_char, end_char) for _, _, start_char, end_char, label, _ in found(doc, "lexicon")
                     if label == "CONCEPT"]
    taken_set = Intervals(taken)
    concept_set = Intervals(concept_spans)

    pending: list[tuple[int, int, str]] = []
    for start, end, start_char, end_char, label, _ in found(doc, "names"):
        s = Span(start_char, end_char)
        if overlaps(s) or ctx.in_title_or_heading(s.start) and label not in ("ORG", "BRAND", "ACRONYM"):
            continue
        text = doc_text[s.start:s.end]
        size = end - start
        after = _next_word(words, end)
        if after in events or text.lower() in places:
            continue  # "the RevNet sessions", "Estonia"
        before = _prev_word(words, start)
        possessive = after in _POSSESSIVE
        if label == "ORG":
            if not ctx.in_title_or_heading(s.start):
                out.append(OrgMention(text, text, s, "suffix"))
        elif label in ("BRAND", "ACRONYM") and text.upper() not in non_org and not concept_set.contains(s):
            # CamelCase and capitals also name technologies and code ("MapReduce",
            # "XPathFactory"): an organisation needs an organisation's position.
            if "." in text or "(" in text:
                continue
            if possessive or before in _EMPLOYER_PREPOSITIONS or after in suffix_heads or after in _BACKED \
                    or _next_word(words, end, 1) in suffix_heads:
                out.append(OrgMention(text, text, s, label.lower()))
            else:
                pending.append((start, end, "acronym"))
        elif label in ("NAME", "FIRST") and size <= 3 and not concept_set.contains(s):
            if label == "FIRST" and is_first_name(text):
                continue
            if before in suffix_heads and not sentence_start[start]:
                out.append(OrgMention(text, text, s, "named-as-org"))
            elif _next_word(words, end) in {"group", "team", "community"} or (
                size == 1 and word_frequency(text) < 2.5 and _product_follows(words, end, product_nouns)
            ):
                out.append(OrgMention(text, text, s, "maker"))
            else:
                pending.append((start, end, "name"))

    # Names listed with known organisations ("Apple, Plaxo, Xobni, or ..."), transitively.
    org_tokens = {t for m in out for t in range(ctx.token_at(m.span.start), ctx.token_at(m.span.end - 1) + 1)}
    listed = [(start, end) for start, end, kind in pending if kind == "name" and end - start == 1]
    changed, passes = True, 0
    while changed and passes < 4:  # a list propagates in a few passes; bounded for hostile input
        changed, passes = False, passes + 1
        found_now = set()
        for start, end in listed:
            if _coordinated_with(words, start, end, org_tokens):
                s = _token_span(starts, words, start, end)
                out.append(OrgMention(s.of(doc_text), s.of(doc_text), s, "list"))
                org_tokens.update(range(start, end))
                found_now.add((start, end))
        if found_now:
            listed = [x for x in listed if x not in found_now]
            changed = True

    # A name seen as an organisation once is one wherever it stands capitalised.
    seen = {m.text for m in out if m.rule != "lexicon"}
    for start, end, _kind in pending:
        s = _token_span(starts, words, start, end)
        text = s.of(doc_text)
        if text in seen and not (sentence_start[start] and end - start == 1 and word_frequency(text) >= 4):
            out.append(OrgMention(text, text, s, "repeat"))

    for comment in ctx.post.comments:
        site = comment.source_site
        if comment.kind != "comment" and site and not _looks_person(site):
            span = comment.author_span or comment.span
            out.append(OrgMention(site, site, span, "pingback", True))

    for _, _, start_char, end_char, label, _ in found(doc, "model"):
        s = Span(start_char, end_char)
        if label == "ORG" and not overlaps(s) and not any(m.span == s for m in out):
            out.append(OrgMention(s.of(doc_text), s.of(doc_text), s, "model"))
    return sorted(set(out), key=lambda m: (m.span.start, m.span.end, m.name))


@functools.cache
def _product_nouns_and_non_orgs() -> tuple[frozenset[str], frozenset[str]]:
    """The product nouns in lower case, the acronyms that name no organisation in capitals."""
    c = cues()
    return frozenset(w.lower() for w in c["product_nouns"]), frozenset(w.upper() for w in c["non_org_acronyms"])


def _token_span(starts: list[int], words: list[str], start: int, end: int) -> Span:
    """The characters of tokens ``[start, end)``."""
    return Span(starts[start], starts[end - 1] + len(words[end - 1]))


def _looks_person(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 3 and is_first_name(words[0])


def _next_word(words: list[str], j: int, skip: int = 0) -> str:
    seen = 0
    while j < len(words):
        w = words[j]
        if w.strip():
            if seen == skip:
                return w.lower()
            seen += 1
        j += 1
    return ""


def _prev_word(words: list[str], i: int) -> str:
    j = i - 1
    while j >= 0:
        if words[j].strip():
            return words[j].lower()
        j -= 1
    return ""


def _product_follows(words: list[str], j: int, nouns: frozenset[str], window: int = 3) -> bool:
    """A product noun within ``window`` lower-case words after ``j`` (``Intermec rugged mobile PDA``)."""
    seen = 0
    while j < len(words) and seen < window:
        w = words[j]
        if not w.strip():
            j += 1
            continue
        if w.lower() in nouns and (w.islower() or w.isupper()):
            return True
        if not w.islower():
            return False
        seen += 1
        j += 1
    return False


def _coordinated_with(words: list[str], start: int, end: int, org_tokens: set[int]) -> bool:
    """Whether ``words[start:end]`` stands in a comma list next to a known organisation."""
    for k, step in ((start - 1, -1), (end, 1)):
        separators = 0
        while 0 <= k < len(words) and (not words[k].strip() or words[k] in {",", "and", "or", "&"}):
            separators += words[k] in {",", "and", "or", "&"}
            k += step
        if separators and 0 <= k < len(words) and k in org_tokens:
            return True
    return False
