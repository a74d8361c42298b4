"""What every extraction rule needs to know about one post, computed once.

Input: a :class:`~kg.model.Post` and the spaCy ``Doc`` of its masked text. Output: a
:class:`Context` that answers, for a character offset, which sentence, part (title, body,
comment) and block it belongs to, and gives the token table the rules scan.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property

from spacy.tokens import Doc

from kg.model import Post, Span


def mask(text: str, spans: tuple[Span, ...]) -> str:
    """Blank out spans (keeping their length and line breaks) so offsets stay valid.

    >>> mask("keep drop keep", (Span(5, 9),))
    'keep      keep'
    """
    if not spans:
        return text
    out, pos = [], 0
    for span in sorted(spans):
        if span.start < pos:
            continue
        out.append(text[pos:span.start])
        out.append("".join("\n" if c == "\n" else " " for c in text[span.start:span.end]))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


@dataclass
class Context:
    """One post and its parsed text, with offset look-ups."""

    post: Post
    doc: Doc
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = self.post.text

    @cached_property
    def sentences(self) -> list[Span]:
        out = []
        for sent in self.doc.sents:
            start, end = sent.start_char, sent.end_char
            chunk = self.text[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            lead = len(chunk) - len(chunk.lstrip())
            out.append(Span(start + lead, start + lead + len(stripped)))
        return out

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_of(self, pos: int) -> Span:
        """The sentence containing offset ``pos`` (the nearest one before it)."""
        k = bisect.bisect_right(self._sentence_starts, pos) - 1
        return self.sentences[max(k, 0)] if self.sentences else Span(pos, pos)

    @cached_property
    def _parts(self) -> list[tuple[int, int, str, int]]:
        parts = []
        post = self.post
        if post.title_span is not None:
            parts.append((post.title_span.start, post.title_span.end, "title", -1))
        parts.append((post.body.start, post.body.end, "body", -1))
        for k, c in enumerate(post.comments):
            parts.append((c.span.start, c.span.end, "comment", k))
        return sorted(parts)

    def part_of(self, pos: int) -> tuple[str, int]:
        """``("title"|"body"|"comment"|"other", comment index or -1)`` of an offset."""
        for start, end, kind, k in self._parts:
            if start <= pos < end:
                return kind, k
        return "other", -1

    def source_of(self, pos: int) -> str:
        """The citing side of an offset: ``post`` or ``comment:<n>`` (1-based)."""
        kind, k = self.part_of(pos)
        return f"comment:{k + 1}" if kind == "comment" else "post"

    def block_kind(self, pos: int) -> str | None:
        for block in self.post.blocks:
            if block.span.start <= pos < block.span.end:
                return block.kind
        return None

    def in_title_or_heading(self, pos: int) -> bool:
        return self.part_of(pos)[0] == "title" or self.block_kind(pos) == "heading"

    @cached_property
    def words(self) -> list[str]:
        return [t.text for t in self.doc]

    @cached_property
    def token_starts(self) -> list[int]:
        return [t.idx for t in self.doc]

    def token_at(self, pos: int) -> int:
        """Index of the token starting at or containing offset ``pos``."""
        return max(bisect.bisect_right(self.token_starts, pos) - 1, 0)
