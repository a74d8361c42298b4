"""Look-ups shared by the HTML readers: a one-pass index of a page, folded text, dates,
and the depth limit of the HTML parser.

Input: a parsed page (lxml) and strings. Output: the elements that carry a class or tag
of interest, in document order; an element's text with its whitespace folded; an ISO date;
HTML fragments parsed, or refused when they nest deeper than the parser reads.

Why an index: an XPath class test (``contains(concat(" ", @class, " "), " x ")``) walks
the whole page each time, and a page needs a dozen of them; one pass that files every
element under the classes the readers ask about costs about as much as one such walk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache

import lxml.html
from lxml import etree

from kg.errors import DocumentError
from kg.structure.dates import find_date, parse_date

#: libxml2 stops parsing (and drops the rest of the page) at this depth of elements.
MAX_DEPTH = 256


def refuse_deep(parser: etree._FeedParser, source: str | None, *, lines: bool = True) -> None:
    """Refuse what ``parser`` last parsed if it stopped at :data:`MAX_DEPTH`: the rest of the
    page would be silently lost.

    Args:
        lines: whether the parser's line numbers are the file's (not for a fragment).

    Raises:
        DocumentError: the markup nests deeper than the parser reads.
    """
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:
            raise DocumentError(
                f"HTML nested more than {MAX_DEPTH} elements deep, refused: the parser stops there "
                "and would drop the rest of the page", path=source, line=entry.line if lines else None)


@cache
def _fragment_parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser()


def to_fragment(html: str | None, *, source: str | None = None) -> etree._Element | None:
    """Parse an HTML fragment into a ``<div>`` holding it; ``None`` if it is empty or has
    nothing to parse.

    Raises:
        DocumentError: the fragment nests deeper than :data:`MAX_DEPTH` elements.

    >>> to_fragment("<p>Hi <b>there</b></p>").text_content()
    'Hi there'
    >>> to_fragment("<div>" * 300 + "deep" + "</div>" * 300, source="feed.xml")
    Traceback (most recent call last):
    ...
    kg.errors.DocumentError: feed.xml: HTML nested more than 256 elements deep, refused: the parser stops there and would drop the rest of the page
    """
    if not html or not html.strip():
        return None
    parser = _fragment_parser()
    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return None
    refuse_deep(parser, source, lines=False)
    return fragment


class PageIndex:
    """The elements of a page filed by class token and by tag, in document order.

    >>> root = etree.fromstring('<div><p class="a b">x</p><p class="b">y</p></div>')
    >>> index = PageIndex(root, classes={"b"}, tags={"p"})
    >>> [el.text for el in index.by_class("b")], len(index.by_tag("p"))
    (['x', 'y'], 2)
    """

    def __init__(self, root: etree._Element, *, classes: Iterable[str], tags: Iterable[str] = ()):
        wanted_classes, wanted_tags = frozenset(classes), frozenset(tags)
        self.root = root
        # (position in the document, element): the position orders merged look-ups
        self._classes: dict[str, list[tuple[int, etree._Element]]] = defaultdict(list)
        self._tags: dict[str, list[etree._Element]] = defaultdict(list)
        for k, el in enumerate(root.iter(etree.Element)):
            if el.tag in wanted_tags:
                self._tags[el.tag].append(el)
            value = el.get("class")
            if value:
                for token in value.split():
                    if token in wanted_classes:
                        self._classes[token].append((k, el))

    def by_class(self, *tokens: str, within: etree._Element | None = None) -> list[etree._Element]:
        """Elements with any of the class tokens (inside ``within`` if given), in document order."""
        if len(tokens) == 1:
            found = [el for _, el in self._classes.get(tokens[0], ())]
        else:
            found = [el for _, el in sorted({k: (k, el) for t in tokens for k, el in self._classes.get(t, ())}.values(),
                                            key=lambda pair: pair[0])]
        if within is not None and within is not self.root:
            found = [el for el in found if is_inside(el, within)]
        return found

    def first(self, *tokens: str, within: etree._Element | None = None) -> etree._Element | None:
        """The first element with any of the class tokens, or ``None``."""
        found = self.by_class(*tokens, within=within)
        return found[0] if found else None

    def by_tag(self, tag: str) -> list[etree._Element]:
        """Elements of a tag, in document order."""
        return self._tags.get(tag, [])


def is_inside(el: etree._Element, ancestor: etree._Element) -> bool:
    """Whether ``el`` is ``ancestor`` or inside it."""
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


def has_token(el: etree._Element, *tokens: str) -> bool:
    """Whether the element's class holds any of the tokens."""
    value = el.get("class")
    return bool(value) and not frozenset(tokens).isdisjoint(value.split())


def iter_own(item: etree._Element, nested: tuple[str, ...] = ("ol", "ul")) -> Iterator[etree._Element]:
    """The elements of a thread item without those of the replies nested in it."""
    for part in item.iterchildren(etree.Element):
        if part.tag not in nested:
            yield from part.iter(etree.Element)


def folded(value: etree._Element | str | None) -> str | None:
    """An element's (or a string's) text with runs of whitespace folded; ``None`` if empty.

    >>> folded("  Daniel\\n  Lemire ")
    'Daniel Lemire'
    """
    if value is None:
        return None
    text = value if isinstance(value, str) else "".join(value.itertext())
    text = " ".join(text.split())
    return text or None


def to_date(value: str | None) -> str | None:
    """The ISO date a ``datetime`` attribute or a date text states.

    >>> to_date("2014-01-07T14:19:09+00:00"), to_date("January 7, 2014 at 2:19 pm")
    ('2014-01-07', '2014-01-07')
    >>> to_date("Posted on Monday, 18 November 2013 by Art")
    '2013-11-18'
    """
    if not value:
        return None
    iso = parse_date(value)
    if iso:
        return iso
    found = find_date(value)
    return found[0] if found else None
