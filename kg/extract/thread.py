"""Comment threads: who wrote each comment and whom it answers.

Input: a :class:`~kg.model.Post` (its comments as the structure stage found them).
Output: a :class:`Thread` with, per comment, the author (given or inferred), the person it
addresses, and the post author where the thread reveals it.

Inference, in this order, each step only filling what is still unknown:

1. the structure's byline, signature or markup, and a pingback's source;
2. the person a reply addresses is the author of the comment it answers (its parent in a
   nested thread, the previous comment in a flat one);
3. the commenter who is addressed by the post author's reply answered that reply
   (reciprocity: ``Munish → Mitch → Munish``);
4. the person the first top-level comments address, when no commenter has that name, is
   the post author; and a reply to a named commenter by an unknown author is the post
   author's, once the post author is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.lexicon import cues, is_first_name, word_frequency
from kg.model import Comment, Post, Span

_ADDRESS = re.compile(
    r"^(?:(?:hi|hello|hey|dear|thanks|thank you|cheers|congrats|congratulations|good point|great post)\s*,?\s+)?@?"
    r"(?P<name>[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+)?)[ \t]*(?P<punct>,|\.|:|!|\s[–—-]\s|\n)",
)


@dataclass(frozen=True, slots=True)
class Address:
    """A name a comment opens by addressing, and where it stands."""

    name: str
    span: Span


@dataclass
class Thread:
    """Authors and addressees of a post's comments (lists indexed like ``post.comments``)."""

    authors: list[str | None] = field(default_factory=list)
    author_spans: list[Span | None] = field(default_factory=list)
    #: how each author was found: structure, addressed, reciprocity, post-author, own-work
    how: list[str | None] = field(default_factory=list)
    addresses: list[Address | None] = field(default_factory=list)
    post_author: str | None = None
    post_author_span: Span | None = None

    def reply_to(self, post: Post, k: int) -> str | None:
        """Whom comment ``k`` answers: the person addressed, its parent's author, or ``post``."""
        c = post.comments[k]
        if c.kind != "comment":
            return "post"
        if self.addresses[k] is not None:
            return self.addresses[k].name
        if c.parent is not None:
            return self.authors[c.parent]
        return "post"


def addressee(text: str, body: Span) -> Address | None:
    """The person a comment body opens by addressing (``Mitch,``, ``Stephen.``, ``Hi Matt,``).

    >>> t = "Mitch,\\n\\nGood point."
    >>> addressee(t, Span(0, len(t)))
    Address(name='Mitch', span=Span(start=0, end=5))
    >>> t = "Interesting post. There is a shift."
    >>> addressee(t, Span(0, len(t))) is None
    True
    """
    head = text[body.start:min(body.end, body.start + 80)]
    m = _ADDRESS.match(head)
    if not m:
        return None
    name = m.group("name")
    words = name.split()
    refuse = cues().get("not_addressees", frozenset())
    if words[0].lower() in refuse or words[0].isupper():
        return None  # "Yup,", "IMHO,"
    if len(words) == 2 and (not is_first_name(words[0]) or word_frequency(words[1]) >= 4.0):
        words = words[:1]  # "Geoff Absolutely," is Geoff
        name = words[0]
        if not is_first_name(name):
            return None
    if m.group("punct") == "\n" and len(words) > 1:
        return None
    if not is_first_name(words[0]):
        # An unknown word is a name only as a salutation on its own line ("Munish,\n"),
        # and not when it is a common word.
        line_end = head[m.end("name"):].lstrip(" \t,.:!–—-")[:1] in ("\n", "")
        if word_frequency(words[0]) >= 3.0 or not line_end:
            return None
    start = body.start + m.start("name")
    return Address(name, Span(start, start + len(name)))


def read_thread(post: Post, post_author: str | None = None, post_author_span: Span | None = None) -> Thread:
    """Authors, addressees and the post author as far as the thread shows them."""
    text = post.text
    comments = post.comments
    n = len(comments)
    thread = Thread(
        authors=[c.author for c in comments],
        author_spans=[c.author_span for c in comments],
        how=["structure" if c.author else None for c in comments],
        addresses=[addressee(text, c.body) if c.kind == "comment" else None for c in comments],
        post_author=post_author,
        post_author_span=post_author_span,
    )
    nested = any(c.parent is not None for c in comments)

    def answered(k: int) -> int | None:
        """The comment that comment ``k`` answers, if any."""
        if comments[k].kind != "comment":
            return None
        if nested:
            return comments[k].parent
        return k - 1 if k > 0 and comments[k - 1].kind == "comment" else None

    _infer_from_addressing(thread, comments, answered)
    # 4. the post author: addressed by the thread's first comment, and not someone the
    # page itself names as a commenter (bylines, signatures, markup)
    if thread.post_author is None:
        first = next((k for k in range(n) if comments[k].kind == "comment"), None)
        signed = {a.split()[0] for a, how in zip(thread.authors, thread.how) if a and how == "structure"}
        addr = thread.addresses[first] if first is not None else None
        if addr is not None and comments[first].parent is None and addr.name.split()[0] not in signed:
            thread.post_author = addr.name
            thread.post_author_span = addr.span
    if thread.post_author is not None:
        commenters = {a for a, c in zip(thread.authors, comments) if a and c.kind == "comment"}
        for k in range(n):
            addr = thread.addresses[k]
            if thread.authors[k] is None and addr is not None and addr.name in commenters and addr.name != thread.post_author:
                thread.authors[k] = thread.post_author
                thread.author_spans[k] = addr.span
                thread.how[k] = "post-author"
        _infer_from_addressing(thread, comments, answered)
    return thread


def _infer_from_addressing(
    thread: Thread, comments: tuple[Comment, ...], answered: Callable[[int], int | None]
) -> None:
    """Steps 2 and 3, repeated until nothing more is learned."""
    n = len(comments)
    changed = True
    while changed:
        changed = False
        for k in range(n):
            if comments[k].kind != "comment":
                continue
            addr = thread.addresses[k]
            prev = answered(k)
            # 2. the addressed person wrote the answered comment
            if addr is not None and prev is not None and thread.authors[prev] is None and addr.name != thread.authors[k]:
                thread.authors[prev] = addr.name
                thread.author_spans[prev] = addr.span
                thread.how[prev] = "addressed"
                changed = True
            # 3. reciprocity
            if thread.authors[k] is None and addr is not None and prev is not None:
                prev_addr = thread.addresses[prev]
                if thread.authors[prev] == addr.name and prev_addr is not None and prev_addr.name != addr.name:
                    thread.authors[k] = prev_addr.name
                    thread.author_spans[k] = prev_addr.span
                    thread.how[k] = "reciprocity"
                    changed = True
