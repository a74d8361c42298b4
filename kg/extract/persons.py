"""Persons: name mentions from the text, the thread and the page's structure.

Input: a :class:`~kg.extract.context.Context` and the :class:`~kg.extract.thread.Thread`.
Output: :class:`Mention` values (surface, span, rule); :mod:`kg.resolve` clusters them.

A capitalised run is a person when it starts with a known given name and has a surname
(``Martin Schneider``, ``Ali G``), or follows an honorific (``Mr. Wladawsky-Berger``). A lone
given name needs context: a reporting verb after it (``Rob has summed up``), a cue before
it (``thanks to``, ``a post by``), or a full name in the document it abbreviates. Names
also come from structure: bylines, signatures, comment authors, addressees, and an e-mail
address that the author offers (``send me a note (mitch.lieberman at gmail)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.context import Context, Intervals
from kg.extract.thread import Thread
from kg.lexicon import cues, is_first_name
from kg.model import Span
from kg.nlp import found

_EMAIL = re.compile(
    r"\b(?P<local>[A-Za-z]+[._][A-Za-z]+)\s*(?:@|\s(?:at|\[at\]|\(at\))\s)\s*[A-Za-z0-9-]+(?:\s*(?:\.|\s(?:dot|\[dot\])\s)\s*[a-z]{2,})*",
)
_SELF_CONTACT = re.compile(
    r"\b(?:send|e-?mail|write|drop|ping|contact|reach|mail)\s+(?:me|us)\b|\bmy\s+(?:e-?mail|address)\b", re.I
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in the text: its surface form, where it stands, and which rule found it.

    ``structural`` mentions come from the page's structure (a byline, a signature, an
    addressee); the others are people named in the prose.
    """

    text: str
    span: Span
    rule: str
    structural: bool = False


def author_from_email(ctx: Context) -> tuple[str, str, Span] | None:
    """The post author's name from an e-mail address they offer as their own.

    Returns ``(full name, local part, span of the local part)``.
    """
    text = ctx.text
    body = ctx.post.body
    for m in _EMAIL.finditer(text, body.start, body.end):
        local = m.group("local")
        first, last = re.split(r"[._]", local, maxsplit=1)
        if not is_first_name(first.capitalize()):
            continue
        sentence = ctx.sentence_of(m.start()).of(text)
        if not _SELF_CONTACT.search(sentence):
            continue
        name = f"{first.capitalize()} {last.capitalize()}"
        return name, local, Span(m.start("local"), m.end("local"))
    return None


def find_person_mentions(ctx: Context, thread: Thread, blocked: list[Span]) -> list[Mention]:
    """Every person mention of the post, in text order.

    Args:
        blocked: spans already known to be organisations, products or concepts.
    """
    c = cues()
    reporting = c["reporting_verbs"]
    fillers = c["verb_fillers"]
    before_cues = sorted(c["person_before"], key=len, reverse=True)
    words = ctx.words
    doc = ctx.doc
    mentions: list[Mention] = []

    # Names in bylines, signatures and pingback lines are structure, not mentions.
    structural = [c.span for c in ctx.post.comments if c.kind != "comment"]
    structural += [s for s in thread.author_spans if s is not None]
    if ctx.post.author_span is not None:
        structural.append(ctx.post.author_span)
    taken = Intervals(list(blocked) + structural)

    def free(span: Span) -> bool:
        return not taken.overlaps(span)

    full_first_names: set[str] = set()
    lone: list[tuple[int, int]] = []
    weak: list[tuple[int, int, Span]] = []
    for start, end, start_char, end_char, label, _ in found(doc, "names"):
        s = Span(start_char, end_char)
        if not free(s):
            continue
        if label == "PERSON":
            if ctx.in_title_or_heading(s.start) or _in_title_case(words, start, end):
                weak.append((start, end, s))  # Title Case capitalises everything: needs a cue
                continue
            mentions.append(Mention(ctx.text[s.start:s.end], s, "name"))
            full_first_names.add(words[start])
        elif label in ("FIRST", "NAME") and end - start == 1:
            lone.append((start, end))
    for _, _, start_char, end_char, label, _ in found(doc, "model"):
        s = Span(start_char, end_char)
        if label == "PERSON" and free(s) and not any(m.span == s for m in mentions):
            mentions.append(Mention(s.of(ctx.doc_text), s, "model"))

    for start, end, s in weak:
        if _has_person_cue(words, start, end, reporting, fillers, before_cues):
            mentions.append(Mention(ctx.text[s.start:s.end], s, "name-with-cue"))
            full_first_names.add(words[start])

    for start, end in lone:
        word = words[start]
        s = Span(ctx.token_starts[start], ctx.token_starts[start] + len(word))
        if word in full_first_names and is_first_name(word):
            mentions.append(Mention(word, s, "first-name"))
            continue
        if not is_first_name(word) and not (start > 0 and words[start - 1].lower() in {"mr.", "mr", "ms.", "dr."}):
            continue
        if _has_person_cue(words, start, end, reporting, fillers, before_cues):
            mentions.append(Mention(word, s, "cue"))

    for k, comment in enumerate(ctx.post.comments):
        author = thread.authors[k]
        if comment.kind == "comment" and author and thread.author_spans[k] is not None:
            mentions.append(Mention(thread.author_spans[k].of(ctx.text), thread.author_spans[k], "comment-author", True))
        elif comment.kind != "comment" and comment.source_site and _is_person_name(comment.source_site):
            span = comment.author_span or comment.span
            mentions.append(Mention(comment.source_site, span, "pingback", True))
        addr = thread.addresses[k]
        if addr is not None:
            mentions.append(Mention(addr.name, addr.span, "addressee", True))
    if ctx.post.author and ctx.post.author_span is not None:
        mentions.append(Mention(ctx.post.author, ctx.post.author_span, "signature", True))
    return sorted(set(mentions), key=lambda m: (m.span.start, m.span.end, m.text, m.rule))


def _has_person_cue(words: list[str], start: int, end: int, reporting: frozenset[str], fillers: frozenset[str],
                    before_cues: list[str]) -> bool:
    """A reporting verb after the name (``Rob has summed up``) or a cue before it
    (``thanks to``, ``a post by``)."""
    after = _words_after(words, end, 4)
    k = 0
    while k < len(after) and after[k] in fillers:
        k += 1
    if k < len(after) and after[k] in reporting:
        return True
    before = " ".join(_words_before(words, start, 4))
    return any(before.endswith(cue) for cue in before_cues)


_LINKS = {"of", "for", "and", "the", "in", "on", "to", "a", "an", "with", "&"}


def _in_title_case(words: list[str], start: int, end: int) -> bool:
    """Whether a run stands inside a longer Title Case stretch ("Seven Pieces of Free
    Advice for Computer Science"), where capitals say nothing about names."""
    def capital(k: int) -> bool:
        return 0 <= k < len(words) and words[k][:1].isupper()

    before = start - 2 if start >= 2 and words[start - 1] == " " else start - 1
    after = end + 1 if end < len(words) and words[end] == " " else end
    left = 0 <= before < len(words) and words[before].lower() in _LINKS and capital(before - 1)
    right = after < len(words) and words[after].lower() in _LINKS and capital(after + 1)
    return left or right


def _is_person_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 3 and is_first_name(words[0]) and all(w[:1].isupper() for w in words)


def _words_after(words: list[str], j: int, k: int) -> list[str]:
    out = []
    while j < len(words) and len(out) < k:
        if words[j].strip():
            out.append(words[j].lower())
        j += 1
    return out


def _words_before(words: list[str], i: int, k: int) -> list[str]:
    out = []
    j = i - 1
    while j >= 0 and len(out) < k:
        if words[j].strip():
            out.append(words[j].lower())
        j -= 1
    return list(reversed(out))
