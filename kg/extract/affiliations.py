"""Affiliations: a person stated to belong to an organisation, with the role where given.

Input: the :class:`~kg.extract.context.Context`, resolved references and the post author.
Output: :class:`~kg.model.Affiliation` values with the span that states them.

Only what the text states: ``X, VP Technology at Y``; ``Y’s X``; ``X of Y`` / ``X from Y``
/ ``X at Y`` right after a full name; ``X (Y)``; and, for the post author, ``I work for Y``
or ``a Y-sponsored blog``.
"""

from __future__ import annotations

import re

from kg.extract.citations import Ref
from kg.extract.context import Context
from kg.lexicon import cues
from kg.model import Affiliation, Span

_ROLE_GAP = re.compile(
    r"^\s*,\s*(?:the\s+|a\s+|an\s+)?(?P<role>[A-Za-z][\w&/.-]*(?:\s+(?:[A-Za-z][\w&/.-]*|of|and|&)){0,6}?)\s+(?:at|of|with|for|from)\s+(?:the\s+)?$"
)
_DIRECT_GAP = re.compile(r"^\s+(?:of|from|at)\s+(?:the\s+)?$|^\s*\(\s*$")
_POSSESSIVE_GAP = re.compile(r"^['’]s?\s+(?P<role>(?:[A-Z][\w&/-]*\s+){0,4})$")
_SELF = re.compile(
    r"\b(?:I|we)\s+(?:work|am working|have worked|worked)\s+(?:for|at|with)\s+$"
    r"|\b(?:my|our)\s+(?:employer|company|firm|team at)\s*,?\s+$"
    r"|\bI(?:'m|’m| am)\s+(?:at|with)\s+$",
    re.I,
)
_SPONSORED = re.compile(r"^[\s-]*(?:sponsored|hosted|owned)\b", re.I)


def find_affiliations(ctx: Context, refs: list[Ref], post_author: str | None) -> list[Affiliation]:
    """Stated person–organisation links, in text order, one per (person, organisation)."""
    text = ctx.text
    role_words = cues()["role_words"]
    refs = sorted(refs, key=lambda r: r.span.start)
    out: list[Affiliation] = []
    for i, ref in enumerate(refs):
        if ref.kind != "organisation":
            continue
        org = ref
        # The nearest person on each side (a few references away at most).
        earlier = [r for r in refs[max(0, i - 4):i] if r.kind == "person" and r.span.end <= org.span.start]
        later = [r for r in refs[i + 1:i + 5] if r.kind == "person" and r.span.start >= org.span.end]
        if earlier:
            person = earlier[-1]
            gap = text[person.span.end:org.span.start]
            m = _ROLE_GAP.match(gap)
            if m and any(w.lower() in role_words for w in m.group("role").split()):
                out.append(Affiliation(person.name, org.name, Span(person.span.start, org.span.end), m.group("role")))
                continue
            if _DIRECT_GAP.match(gap) and len(person.name.split()) >= 2:
                out.append(Affiliation(person.name, org.name, Span(person.span.start, org.span.end)))
                continue
        if later:
            person = later[0]
            m = _POSSESSIVE_GAP.match(text[org.span.end:person.span.start])
            if m:
                role = m.group("role").strip() or None
                out.append(Affiliation(person.name, org.name, Span(org.span.start, person.span.end), role))
                continue
        if post_author:
            sentence = ctx.sentence_of(org.span.start)
            lead = text[sentence.start:org.span.start]
            if _SELF.search(lead):
                out.append(Affiliation(post_author, org.name, Span(sentence.start, org.span.end)))
                continue
            tail = text[org.span.end:org.span.end + 30]
            if _SPONSORED.match(tail) and re.search(r"\b(?:I|my|I'm|I’m|we|our)\b", text[sentence.start:sentence.end]):
                m2 = re.match(r"^[\s-]*\w+(?:\s+blog)?", tail)
                end = org.span.end + (m2.end() if m2 else 0)
                role = f"writes on a {org.name}-sponsored blog" if "blog" in tail.lower() else None
                out.append(Affiliation(post_author, org.name, Span(sentence.start, end), role))
    seen: set[tuple[str, str]] = set()
    unique = []
    for a in out:
        if (a.person, a.org) not in seen and a.person != a.org:
            seen.add((a.person, a.org))
            unique.append(a)
    return unique
