"""Concepts: the ideas a post discusses, from the lexicon and from its own key phrases.

Input: the :class:`~kg.extract.context.Context` and the spans of persons and organisations
(never concepts). Output: at most ``limit`` concept :class:`~kg.model.Entity` values,
best first, each with its surface variants as aliases and its mention spans.

Candidates are lexicon concepts, key phrases (runs of content words), short headings,
hashtags and scare-quoted phrases. Variants are folded into one concept by
:func:`kg.resolve.concept_key` (case, plural, ``guerilla``/``guerrilla``). A candidate's
score adds its frequency, a bonus for the title, headings, scare quotes and the lexicon,
and the rarity of its words in general English, so that ``digital tribes`` ranks above
``good point``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from kg.extract.context import Context
from kg.lexicon import cues, entry_by_iri, word_frequency
from kg.model import Entity, Span
from kg.resolve import concept_key

_LEADING = re.compile(r"^(?:(?:a|an|the|our|my|your|their|its|this|that|these|those|some|new|little)\s+)+", re.I)


@dataclass
class _Candidate:
    key: str
    forms: dict[str, int] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    lexicon_label: str | None = None
    lexicon_iri: str | None = None
    in_title: bool = False
    in_heading: bool = False
    quoted: bool = False
    hashtag: bool = False

    def add(self, form: str, span: Span) -> None:
        self.forms[form] = self.forms.get(form, 0) + 1
        if span not in self.spans:
            self.spans.append(span)


def find_concepts(ctx: Context, taken: list[Span], limit: int) -> list[Entity]:
    """The ``limit`` best concepts of a post."""
    text = ctx.text
    lexicon = entry_by_iri()
    candidates: dict[str, _Candidate] = {}
    taken = sorted(taken)

    def blocked(span: Span) -> bool:
        return any(t.start < span.end and span.start < t.end for t in taken)

    def add(form: str, span: Span, *, label: str | None = None, iri: str | None = None, quoted: bool = False,
            hashtag: bool = False) -> None:
        form = " ".join(form.split())
        key = concept_key(label or form)
        if not key or len(key) < 2 or ctx.part_of(span.start)[0] == "other":
            return
        cand = candidates.setdefault(key, _Candidate(key))
        cand.add(form, span)
        if label:
            cand.lexicon_label = label
        if iri:
            cand.lexicon_iri = iri
        part = ctx.part_of(span.start)[0]
        cand.in_title |= part == "title"
        cand.in_heading |= ctx.block_kind(span.start) == "heading"
        cand.quoted |= quoted
        cand.hashtag |= hashtag

    for span in ctx.doc.spans["lexicon"]:
        if span.label_ != "CONCEPT":
            continue
        entry = lexicon.get(span.kb_id_)
        s = Span(span.start_char, span.end_char)
        if entry is not None and not blocked(s):
            add(span.text, s, label=entry.label, iri=entry.iri)
    lexicon_keys = {concept_key(lexicon[s.kb_id_].label) for s in ctx.doc.spans["lexicon"] if s.label_ == "CONCEPT" and s.kb_id_ in lexicon}

    for span in ctx.doc.spans["phrases"]:
        s = Span(span.start_char, span.end_char)
        if blocked(s):
            continue
        form = _LEADING.sub("", span.text)
        if form != span.text:
            s = Span(s.end - len(form), s.end)
        if form and not form.isdigit():
            add(form, s)
            words = form.split()
            # Sub-phrases of long runs compete too: "digital tribes form" holds "digital tribes".
            if len(words) >= 3:
                for n in (2, len(words) - 1):
                    for i in range(len(words) - n + 1):
                        sub = " ".join(words[i:i + n])
                        offset = form.find(sub)
                        if offset >= 0 and not _weak_edge(sub):
                            add(sub, Span(s.start + offset, s.start + offset + len(sub)))

    for span in ctx.doc.spans["names"]:
        if span.label_ == "HASHTAG":
            s = Span(span.start_char, span.end_char)
            tag = span.text
            split = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", tag.lstrip("#"))
            add(tag, s, label=split if split != tag.lstrip("#") else None, hashtag=True)

    for block in ctx.post.blocks:
        if block.kind == "heading":
            heading = block.span.of(text).rstrip(":").strip()
            form = _LEADING.sub("", heading)
            if 2 <= len(form.split()) <= 4 and not blocked(block.span):
                start = block.span.start + heading.find(form)
                add(form, Span(start, start + len(form)))

    for qspan in ctx.doc.spans["quotes"]:
        inner = qspan.text.strip()
        if 1 <= len(inner.split()) <= 5 and not re.search(r"[.!?]$", inner) and not blocked(Span(qspan.start_char, qspan.end_char)):
            add(inner, Span(qspan.start_char, qspan.start_char + len(inner)), quoted=True)

    # Variant forms of the same concept elsewhere in the text count as its mentions.
    scored = []
    for cand in candidates.values():
        score = _score(cand, cand.key in lexicon_keys)
        if score > 0:
            scored.append((score, cand))
    scored.sort(key=lambda x: (-x[0], x[1].key))
    chosen: list[_Candidate] = []
    for score, cand in scored:
        if len(chosen) >= limit:
            break
        if any(_subsumed(cand, other) for other in chosen):
            continue
        chosen.append(cand)
    return [_entity(c) for c in chosen]


def _weak_edge(phrase: str) -> bool:
    words = phrase.lower().split()
    stop = cues()["phrase_stop_words"]
    return words[0] in stop or words[-1] in stop


def _score(cand: _Candidate, in_lexicon: bool) -> float:
    count = sum(cand.forms.values())
    words = cand.key.split()
    rarity = sum(max(0.0, 6.0 - word_frequency(w)) for w in words) / len(words)
    score = math.log2(1 + count) * (1 + rarity / 3)
    if cand.lexicon_label or in_lexicon:
        score += 2.0
    if cand.in_title:
        score += 3.0
    if cand.in_heading:
        score += 2.0
    if cand.quoted:
        score += 1.0
    if cand.hashtag:
        score += 2.0
    if len(words) > 1:
        score += min(len(words) - 1, 2) * 0.75
    # A lone common word says little unless the lexicon or the structure vouches for it.
    if len(words) == 1 and not (cand.lexicon_label or in_lexicon or cand.in_title or cand.hashtag) and (count < 3 or rarity < 2.0):
        return 0.0
    if len(words) > 1 and count < 2 and not (cand.lexicon_label or cand.in_title or cand.in_heading or cand.quoted or in_lexicon):
        return 0.0
    return score


def _subsumed(cand: _Candidate, other: _Candidate) -> bool:
    """A candidate whose every mention lies inside a chosen one adds nothing."""
    return all(any(o.start <= s.start and s.end <= o.end for o in other.spans) for s in cand.spans)


def _entity(cand: _Candidate) -> Entity:
    forms = sorted(cand.forms, key=lambda f: (-cand.forms[f], f))
    if cand.lexicon_label:
        name = cand.lexicon_label
    else:
        best = forms[0]
        name = best if _keeps_case(best) else best.lower()
    aliases = tuple(f for f in forms if f != name)
    return Entity(kind="concept", name=name, aliases=aliases, mentions=tuple(sorted(cand.spans)), lexicon=cand.lexicon_iri)


def _keeps_case(form: str) -> bool:
    """Acronyms, hashtags and CamelCase keep their case; ordinary phrases are lower-cased."""
    return any(w.isupper() and len(w) > 1 or re.search(r"[a-z][A-Z]", w) or w.startswith("#") for w in form.split())
