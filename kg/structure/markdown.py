"""Markdown posts with YAML front matter, as static-site generators keep them.

Input: the decoded text of a Markdown file, optionally opening with front matter between
``---`` lines (``title``, ``date``, ``author``, and ``url``/``canonical``/``permalink``).
Output: a :class:`~kg.model.Post` rendered like an HTML page's (the Markdown is turned
into HTML by markdown-it-py, CommonMark with tables and inline HTML): headings,
paragraphs, quotes and list items are blocks, links keep their anchor spans.

Without a title in the front matter, a first-level heading that opens the text is the
title. The front matter is read with ``yaml.safe_load`` (no object construction).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from kg.errors import DocumentError
from kg.model import Post
from kg.structure.lookup import folded, to_date, to_fragment
from kg.structure.markup import PostMeta, to_post_from_parts

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<yaml>.*?)(?:\n)?^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)


#: Quotes and lists nested deeper than this are refused: markdown-it would drop them silently.
MAX_NESTING = 50


@cache
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING + 10}).enable("table")
    md.block.ruler.before("table", "kg_depth", _refuse_deep_nesting)
    return md


def _refuse_deep_nesting(state: Any, start: int, end: int, silent: bool) -> bool:
    """A block rule that only looks: markdown-it skips what nests past ``maxNesting``."""
    if state.level > MAX_NESTING:
        raise DocumentError(f"Markdown nested more than {MAX_NESTING} levels deep (quotes or lists inside each other), "
                            "refused", line=state.line + 1)
    return False


def split_front_matter(content: str) -> tuple[dict[str, Any], str, int]:
    """The front matter as a mapping, the Markdown after it, and the line it starts on.

    Raises:
        DocumentError: the front matter is not valid YAML or not a mapping (the error's
            line is relative to the file).

    >>> split_front_matter("---\\ntitle: A post\\ndate: 2020-01-02\\n---\\nBody")
    ({'title': 'A post', 'date': datetime.date(2020, 1, 2)}, 'Body', 5)
    >>> split_front_matter("# Just Markdown")
    ({}, '# Just Markdown', 1)
    """
    import yaml

    m = _FRONT_MATTER.match(content)
    if not m:
        return {}, content, 1
    try:
        data = yaml.safe_load(m.group("yaml"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        raise DocumentError(f"invalid YAML front matter: {getattr(err, 'problem', None) or err}", line=line) from err
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise DocumentError("the front matter is not a mapping of keys to values", line=2)
    return data, content[m.end():], content.count("\n", 0, m.end()) + 1


def parse_markdown(doc_id: str, content: str, *, source: str | None = None) -> Post:
    """Parse a Markdown file into a post.

    Raises:
        DocumentError: the front matter is invalid, or the Markdown or the HTML in it
            nests too deeply.
    """
    try:
        front, body_md, first_line = split_front_matter(content)
    except DocumentError as err:
        raise DocumentError(err.message, path=source, line=err.line) from err
    try:
        html = _markdown().render(body_md)
    except DocumentError as err:  # lines of the body are counted from the end of the front matter
        raise DocumentError(err.message, path=source, line=(err.line or 1) + first_line - 1) from err
    body = to_fragment(html, source=source)
    title = _scalar(front.get("title"))
    if title is None and body is not None and len(body) and body[0].tag == "h1" and not (body.text or "").strip():
        title = folded(body[0])
        body.remove(body[0])
    meta = PostMeta(
        title=title,
        date=_date(front.get("date")),
        author=_author(front.get("author") or front.get("authors")),
        url=_scalar(front.get("url") or front.get("canonical") or front.get("canonical_url") or front.get("permalink")),
    )
    return to_post_from_parts(doc_id, meta, body, [])


def _scalar(value: Any) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return folded(str(value))
    return None


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return to_date(_scalar(value))


def _author(value: Any) -> str | None:
    """``author: Ann``, ``author: {name: Ann}`` or ``authors: [Ann, Bob]`` (the first)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("display_name")
    return _scalar(value)

