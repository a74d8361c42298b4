"""What every extraction rule needs to know about one post, computed once.

Input: a :class:`~kg.model.Post` and the spaCy ``Doc`` of its masked text. Output: a
:class:`Context` that answers, for a character offset, which sentence, part (title, body,
comment) and block it belongs to, and gives the token table the rules scan.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import sys
from collections.abc import Iterable
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


_START_END = operator.attrgetter("start", "end")
_ODD_CASES = re.compile("[\u0130\u0131\u017f\u212a]")


class Intervals:
    """A set of spans, merged, that answers "does this span overlap any?" by bisection.

    >>> Intervals([Span(0, 3), Span(2, 5), Span(10, 12)]).overlaps(Span(4, 6))
    True
    >>> Intervals([Span(0, 3), Span(10, 12)]).overlaps(Span(3, 10))
    False
    """

    def __init__(self, spans: Iterable[Span] = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._merge(sorted(map(_START_END, spans)))

    @classmethod
    def of_ranges(cls, ranges: Iterable[tuple[int, int]]) -> Intervals:
        """The set of spans ``Span(start, end)`` for these pairs, without making them.

        >>> Intervals.of_ranges([(10, 12), (0, 3), (2, 5)]).starts
        [0, 10]
        """
        intervals = cls()
        intervals._merge(sorted(ranges))
        return intervals

    def _merge(self, ranges: list[tuple[int, int]]) -> None:
        starts, ends = self.starts, self.ends
        for start, end in ranges:
            if starts and start < ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)

    def overlaps(self, span: Span) -> bool:
        return self.overlaps_range(span.start, span.end)

    def contains(self, span: Span) -> bool:
        return self.contains_range(span.start, span.end)

    def overlaps_range(self, start: int, end: int) -> bool:
        """:meth:`overlaps` for ``Span(start, end)``, without making one."""
        k = bisect.bisect_left(self.starts, end) - 1
        return k >= 0 and self.ends[k] > start

    def contains_range(self, start: int, end: int) -> bool:
        """:meth:`contains` for ``Span(start, end)``, without making one."""
        k = bisect.bisect_right(self.starts, start) - 1
        return k >= 0 and self.ends[k] >= end


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
        from kg.nlp import tokens

        starts = tokens(self.doc).starts
        flags = self.token_starts_sentence
        bounds = list(itertools.compress(starts, flags))
        if starts and not flags[0]:
            bounds.insert(0, starts[0])  # the text starts a sentence, marked or not
        bounds.append(len(self.text))
        out = []
        for start, end in zip(bounds, bounds[1:]):
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

    @cached_property
    def _part_starts(self) -> list[int]:
        return [p[0] for p in self._parts]

    def part_of(self, pos: int) -> tuple[str, int]:
        """``("title"|"body"|"comment"|"other", comment index or -1)`` of an offset."""
        k = bisect.bisect_right(self._part_starts, pos) - 1
        # Parts do not overlap; the nearest part starting before pos is the only candidate.
        while k >= 0:
            start, end, kind, index = self._parts[k]
            if start <= pos < end:
                return kind, index
            if end <= pos:
                break
            k -= 1
        return "other", -1

    def source_of(self, pos: int) -> str:
        """The citing side of an offset: ``post`` or ``comment:<n>`` (1-based)."""
        kind, k = self.part_of(pos)
        return f"comment:{k + 1}" if kind == "comment" else "post"

    @cached_property
    def _block_starts(self) -> list[int]:
        return [b.span.start for b in self.post.blocks]

    def block_kind(self, pos: int) -> str | None:
        k = bisect.bisect_right(self._block_starts, pos) - 1
        if k >= 0 and pos < self.post.blocks[k].span.end:
            return self.post.blocks[k].kind
        return None

    def region_of(self, pos: int) -> tuple[str, bool, int]:
        """``(part_of(pos)[0], block_kind(pos) == "heading", until)``, where ``until`` is the
        first offset after ``pos`` at which either answer may change: a caller walking the
        text forward asks again only from there.

        >>> from kg.model import Block, Post
        >>> post = Post(doc_id="x", text="Title  Head  Body", title_span=Span(0, 5), body=Span(7, 17),
        ...             blocks=(Block(Span(7, 11), "heading"), Block(Span(13, 17), "paragraph")))
        >>> ctx = Context(post, None)
        >>> ctx.region_of(0), ctx.region_of(5), ctx.region_of(8), ctx.region_of(12)
        (('title', False, 5), ('other', False, 7), ('body', True, 11), ('body', False, 13))
        """
        starts = self._part_starts
        k = bisect.bisect_right(starts, pos) - 1
        until = starts[k + 1] if k + 1 < len(starts) else sys.maxsize
        part = "other"
        if k >= 0 and pos < self._parts[k][1]:  # as part_of: only the last part starting by pos
            part, until = self._parts[k][2], min(until, self._parts[k][1])
        starts = self._block_starts
        k = bisect.bisect_right(starts, pos) - 1
        if k + 1 < len(starts):
            until = min(until, starts[k + 1])
        heading = False
        if k >= 0 and pos < self.post.blocks[k].span.end:
            heading = self.post.blocks[k].kind == "heading"
            until = min(until, self.post.blocks[k].span.end)
        return part, heading, until

    def in_title_or_heading(self, pos: int) -> bool:
        return self.part_of(pos)[0] == "title" or self.block_kind(pos) == "heading"

    @cached_property
    def words(self) -> list[str]:
        from kg.nlp import tokens

        return tokens(self.doc).words

    @cached_property
    def lowered(self) -> str | None:
        """The text lower-cased, where a lower-case ASCII word occurs exactly where a
        case-insensitive pattern of it matches, so that ``str.find`` can tell where such a
        pattern is worth trying; ``None`` when the text has one of the letters for which
        that is not so (İ, ı, ſ and the Kelvin sign match ASCII letters case-insensitively)."""
        return None if _ODD_CASES.search(self.text) else self.text.lower()

    @cached_property
    def doc_text(self) -> str:
        """The text the pipeline read: the post's, with its boilerplate blanked out."""
        from kg.nlp import tokens

        return tokens(self.doc).text

    @cached_property
    def token_starts_sentence(self) -> list[bool]:
        """Whether each token starts a sentence."""
        from kg.nlp import sentence_starts

        return sentence_starts(self.doc)

    @cached_property
    def token_starts(self) -> list[int]:
        from kg.nlp import tokens

        return tokens(self.doc).starts

    def token_at(self, pos: int) -> int:
        """Index of the token starting at or containing offset ``pos``."""
        return max(bisect.bisect_right(self.token_starts, pos) - 1, 0)
