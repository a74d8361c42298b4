"""Structure of a plain-text blog post: title, date, body, signature, comment thread.

Input: the text of a post copied from a blog page. Output: a :class:`~kg.model.Post`
whose spans index that same text (no character is moved or removed).

The conventions recognised are those of text copied from WordPress and Blogger pages:

- a title line, with a date line before or after it;
- a comment section after a counter (``10 thoughts on “…”``, ``2 Comments »``) or, without
  one, a run of indented numbered entries at the end; nested replies are indented deeper;
- numbered entries whose first words are the commenter's name (``2. Barry Corless FSM…``);
- entries closed by a signature (``Comment by Art — August 3, 2009 @ 1:39 pm``) or opened
  by a byline (``Art said...``);
- ``Pingback:``/``Trackback:`` entries naming the linking site and title;
- a post signature: the body's last line when it is only a name;
- comment-form and feed boilerplate, which is recorded so that extraction skips it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.lexicon import cues, is_first_name
from kg.model import Block, Comment, Post, Span
from kg.structure.dates import find_date, parse_date

_NUMBER_WORDS = r"(?:\d+|no|one|two|three|four|five|six|seven|eight|nine|ten)"
_COMMENT_HEADER = re.compile(
    rf"^\s*{_NUMBER_WORDS}\s+(?:comments?|responses?|thoughts?|replies|reactions?|trackbacks?|pingbacks?)"
    r"(?:\s+(?:on|to|for)\s+[\"“'‘].*|\s*»|\s*:|\s*\(\d+\))?\s*$",
    re.I,
)
_FORM_START = re.compile(
    r"^\s*(?:leave a (?:reply|comment)(?:\s+to\s+.{1,80}?)?(?:\s+cancel reply)?|post a comment|add a comment|"
    r"add your comment|join the discussion)\s*$",
    re.I,
)
_BOILERPLATE = [
    re.compile(p, re.I)
    for p in (
        r"^\s*fill in your details below or click an icon to log in:?.*$",
        r"^\s*you are commenting using your .* account\..*$",
        r"^\s*(?:google|twitter|facebook|wordpress\.com|linkedin)\s+(?:photo|picture|account)\s*$",
        r"^\s*connecting to %s\s*$",
        r"^\s*this site uses akismet to reduce spam\..*$",
        r"^\s*%d bloggers like this:?\s*$",
        r"^\s*notify me of (?:new|follow-up) (?:comments|posts).*$",
        r"^\s*comments are closed\.?\s*$",
        r"^\s*rss feed for comments on this post\..*$",
        r"^\s*trackback url\s*$",
        r"^\s*(?:share|like) this:?\s*$",
        r"^\s*like loading\.*\s*$",
        r"^\s*(?:related|related posts|post navigation|previous post|next post|subscribe|loading\.\.\.)\s*:?\s*$",
        r"^\s*(?:email|e-mail|name|website)(?: \((?:required|address never made public)\))?\s*\*?\s*$",
        r"^\s*log out\s*/\s*change\s*\)?\s*$",
        r"^\s*cancel reply\s*$",
        r"^\s*(?:posted in|filed under|tagged|tags?:|categories:|permalink)\b.*$",
        r"^\s*(?:reply|delete|reply\s*↓|report|flag|like|edit)\s*$",
        r"^\s*(?:newer|older) (?:post|entries|posts)\s*$",
    )
]
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<num>\d{1,4})\.(?:[ \t]+(?P<rest>.*))?$")
_SIGNATURE_AFTER = re.compile(
    r"^\s*(?:comment\s+by|posted\s+by|submitted\s+by|—|–|--)\s*(?P<name>[^\n—–|@]+?)\s*(?:[—–|@-]|\bon\b|\bat\b)\s*(?P<rest>.*)$",
    re.I,
)
_BYLINE_BEFORE = re.compile(r"^\s*(?P<name>[^\n:]{2,60}?)\s+(?:said|says|wrote)(?:\.\.\.|…|:)\s*(?P<rest>.*)$", re.I)
_PINGBACK = re.compile(r"^\s*(?P<kind>pingback|trackback)\s*:\s*(?P<rest>.+)$", re.I)
_NAME = r"(?:[A-Z]\.|[A-Z][\w'’-]*)(?:[ \t]+(?:[A-Z]\.|[A-Z][\w'’-]*|de|van|von|der|da|di|le|la|del|bin|al))*"
_BYLINE_NAME = re.compile(rf"^(?P<name>{_NAME})\s+(?:(?:says|said|wrote)\s*:?\s*)?")
_SAYS = re.compile(r"^(?P<name>[^\n:;,.!?]{1,60}?)\s+(?:says|said|wrote)\s*(?::|\.\.\.|…)\s*")
_POST_BYLINE = re.compile(
    rf"^\s*(?:posted|written|published)?\s*by\s+(?P<name>{_NAME})(?=\s*$|\s+(?:at|on|in)\b|\s*[|,·—–-])", re.I
)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())

    def content_span(self) -> Span:
        stripped = self.text.strip()
        if not stripped:
            return Span(self.start, self.start)
        lead = self.text.index(stripped[0])
        return Span(self.start + lead, self.start + lead + len(stripped))


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def is_boilerplate(line: str) -> bool:
    """Whether a line is comment-form, sharing or feed boilerplate.

    >>> is_boilerplate("You are commenting using your Twitter account. Log Out /  Change )")
    True
    >>> is_boilerplate("The cloud offers up bite-sized services.")
    False
    """
    return bool(_FORM_START.match(line) or _COMMENT_HEADER.match(line)) or any(p.match(line) for p in _BOILERPLATE)


def looks_like_name(text: str, *, max_tokens: int = 4) -> bool:
    """Whether a short string is a person's name (first word a known given name).

    >>> looks_like_name("Dave Marsay"), looks_like_name("Digital Tribes")
    (True, False)
    """
    words = text.replace("\u00a0", " ").split()
    if not 1 <= len(words) <= max_tokens:
        return False
    if not all(w[0].isupper() or w.lower() in {"de", "van", "von", "der", "da", "di", "le", "la", "del", "bin", "al"} for w in words):
        return False
    if any(re.search(r"[0-9@#:;!?()\[\]]", w) for w in words):
        return False
    return is_first_name(words[0].rstrip("."))


def parse_text(doc_id: str, text: str) -> Post:
    """Split a plain-text post into title, date, body, signature and comment thread."""
    lines = _lines(text)
    boiler: list[Span] = []
    idx = _skip_blank(lines, 0)
    title_span = date = None
    title = None
    if idx < len(lines):
        first = lines[idx]
        if parse_date(first.text):
            date = parse_date(first.text)
            idx = _skip_blank(lines, idx + 1)
        if idx < len(lines):
            title_span = lines[idx].content_span()
            title = " ".join(title_span.of(text).split())  # no-break spaces and runs folded
            idx += 1
            nxt = _skip_blank(lines, idx)
            if date is None and nxt < len(lines) and nxt - idx <= 1 and parse_date(lines[nxt].text):
                date = parse_date(lines[nxt].text)
                idx = nxt + 1
    body_start = idx

    # Where the body ends: a comment counter, the comment form, or a trailing numbered run.
    header = next((i for i in range(body_start, len(lines)) if _COMMENT_HEADER.match(lines[i].text)), None)
    form = next((i for i in range(body_start, len(lines)) if _FORM_START.match(lines[i].text)), None)
    run = _numbered_run_start(lines, body_start, form if form is not None else len(lines))
    candidates = [i for i in (header, form, run) if i is not None]
    body_end = min(candidates) if candidates else len(lines)

    thread_start = thread_end = None
    if header is not None and header == body_end:
        thread_start = header + 1
        thread_end = form if form is not None and form > header else len(lines)
    elif run is not None and run == body_end:
        thread_start = run
        thread_end = form if form is not None and form > run else len(lines)
    for i in range(body_end, len(lines)):
        if thread_start is not None and thread_start <= i < thread_end:
            if is_boilerplate(lines[i].text):
                boiler.append(lines[i].content_span())
            continue
        if not lines[i].blank:
            boiler.append(lines[i].content_span())

    body_lines = [ln for ln in lines[body_start:body_end]]
    author = author_span = None
    # A post signature: the last non-blank body line, when it is only a name.
    last = next((j for j in range(len(body_lines) - 1, -1, -1) if not body_lines[j].blank), None)
    signature_line = None
    if last is not None:
        sig = body_lines[last].text.strip().lstrip("-—–~ ").strip()
        if looks_like_name(sig, max_tokens=3) and last > 0:
            signature_line = body_lines[last]
            author = sig
            s = signature_line.content_span()
            author_span = Span(s.end - len(sig), s.end)
    byline_lines: list[_Line] = []
    nonblank = [ln for ln in body_lines if not ln.blank]
    for ln in nonblank[:2] + nonblank[-2:]:
        m = _POST_BYLINE.match(ln.text)
        if m and looks_like_name(m.group("name")) and len(ln.text.split()) <= 12 and ln not in byline_lines:
            byline_lines.append(ln)
            if author is None:
                author = m.group("name")
                author_span = Span(ln.start + m.start("name"), ln.start + m.end("name"))
    for ln in body_lines:
        if not ln.blank and ln is not signature_line and (is_boilerplate(ln.text) or ln in byline_lines):
            boiler.append(ln.content_span())
    boiler_starts = {b.start for b in boiler}
    blocks = _blocks(text, [ln for ln in body_lines if ln.content_span().start not in boiler_starts], signature_line)
    body = _cover(blocks) or Span(title_span.end if title_span else 0, title_span.end if title_span else 0)

    comments: tuple[Comment, ...] = ()
    if thread_start is not None:
        region = [ln for ln in lines[thread_start:thread_end] if not is_boilerplate(ln.text)]
        comments = tuple(_parse_thread(text, region))
    return Post(
        doc_id=doc_id,
        text=text,
        title=title,
        title_span=title_span,
        date=date,
        author=author,
        author_span=author_span,
        body=body,
        blocks=tuple(blocks),
        comments=comments,
        boilerplate=tuple(sorted(set(boiler))),
    )


def _skip_blank(lines: list[_Line], i: int) -> int:
    while i < len(lines) and lines[i].blank:
        i += 1
    return i


def _numbered_run_start(lines: list[_Line], start: int, stop: int) -> int | None:
    """The first line of a trailing run of indented numbered entries starting at ``1.``."""
    for i in range(start, stop):
        m = _ITEM.match(lines[i].text)
        if not (m and m.group("num") == "1" and m.group("indent")):
            continue
        tail = [ln for ln in lines[i:stop] if not ln.blank and not is_boilerplate(ln.text)]
        if all(ln.indent > 0 for ln in tail):
            return i
    return None


def _cover(blocks: list[Block]) -> Span | None:
    return Span(blocks[0].span.start, blocks[-1].span.end) if blocks else None


def _blocks(text: str, lines: list[_Line], signature: _Line | None) -> list[Block]:
    """Paragraph-level blocks of the body, each classified."""
    groups: list[list[_Line]] = []
    nonblank = [ln for ln in lines if not ln.blank]
    blank_separated = len(nonblank) < len(lines)
    long_lines = sum(len(ln.text) > 100 for ln in nonblank)
    # Text wrapped at a fixed width keeps a paragraph over several lines: join them.
    wrapped = blank_separated and nonblank and long_lines == 0 and len(nonblank) > 6
    current: list[_Line] = []
    for ln in lines:
        if ln.blank or ln is signature:
            if current:
                groups.append(current)
                current = []
            if ln is signature:
                groups.append([ln])
            continue
        if not wrapped and current:
            groups.append(current)
            current = []
        current.append(ln)
    if current:
        groups.append(current)

    blocks: list[Block] = []
    for k, group in enumerate(groups):
        span = Span(group[0].content_span().start, group[-1].content_span().end)
        content = span.of(text)
        if group[0] is signature:
            kind = "signature"
        elif re.match(r"^[-*•]\s+|^\d+[.)]\s+", content):
            kind = "list"
        elif len(group) == 1 and k + 1 < len(groups) and _is_heading(content) and len(content.split()) <= 6 \
                and not _continues(groups[k + 1]):
            kind = "heading"
        elif blocks and blocks[-1].kind in ("paragraph", "heading", "quote") and _introduces_quote(blocks[-1].span.of(text)):
            kind = "quote"
        elif blocks and blocks[-1].kind == "quote" and group[0].indent > 0:
            kind = "quote"
        elif len(group) == 1 and k + 1 < len(groups) and _is_heading(content) and not _continues(groups[k + 1]):
            kind = "heading"
        elif group[0].indent > 0 and blocks and not re.search(r"[.!?:;”\"')]$", blocks[-1].span.of(text)):
            kind = "quote"
        else:
            kind = "paragraph"
        blocks.append(Block(span, kind))
    return blocks


def _continues(group: list[_Line]) -> bool:
    """Whether a block reads as the continuation of the one before (indented, or starting
    in lower case), so that the one before is not a heading."""
    first = group[0]
    stripped = first.text.strip()
    return first.indent > 0 or (stripped[:1].islower())


def _introduces_quote(previous: str) -> bool:
    return previous.rstrip().endswith(":") and len(previous.split()) <= 40


def _is_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 12 or not (words[0][0].isupper() or words[0][0] in "#“\"'"):
        return False
    if line.endswith(":"):
        capitalised = sum(w[0].isupper() for w in words if len(w) > 3)
        return len(words) <= 6 and capitalised >= max(1, len([w for w in words if len(w) > 3]) - 1)
    return not re.search(r"[.!?,;…]$", line)


# --- comment thread -------------------------------------------------------------------


def _parse_thread(text: str, region: list[_Line]) -> list[Comment]:
    if any(_ITEM.match(ln.text) and ln.indent > 0 for ln in region):
        return _numbered_thread(text, region)
    return _signed_thread(text, region)


def _numbered_thread(text: str, region: list[_Line]) -> list[Comment]:
    items: list[tuple[int, _Line, int]] = []  # (indent, first line, index into region)
    for i, ln in enumerate(region):
        m = _ITEM.match(ln.text)
        if m and (not items or ln.indent > 0):
            items.append((ln.indent, ln, i))
    comments: list[Comment] = []
    stack: list[tuple[int, int]] = []  # (indent, comment index)
    for k, (indent, first, i) in enumerate(items):
        end_i = items[k + 1][2] if k + 1 < len(items) else len(region)
        chunk = [ln for ln in region[i:end_i] if not ln.blank]
        m = _ITEM.match(first.text)
        assert m is not None
        rest_start = first.start + (m.start("rest") if m.group("rest") is not None else len(first.text))
        end = chunk[-1].content_span().end if chunk else first.end
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else None
        if rest_start >= end and len(chunk) > 1:
            rest_start = chunk[1].content_span().start
        entry = Span(first.content_span().start, end)
        comments.append(_make_comment(text, entry, Span(rest_start, end), parent))
        stack.append((indent, len(comments) - 1))
    return comments


_ANONYMOUS = {"anonymous", "anon", "anonymous coward", "guest", "unknown", "a reader", "someone", "visitor"}


def _named(name: str | None) -> str | None:
    """A commenter's name, or ``None`` for "Anonymous" and the like."""
    return None if name is None or name.strip().lower() in _ANONYMOUS else name


def _make_comment(text: str, entry: Span, body: Span, parent: int | None) -> Comment:
    """A comment from its entry; reads a pingback line or a leading byline."""
    content = body.of(text)
    ping = _PINGBACK.match(content)
    if ping:
        site, title = split_pingback(ping.group("rest"))
        return Comment(
            span=entry, body=body, author=site, author_span=_find(text, site, body), parent=None,
            kind=ping.group("kind").lower(), source_title=title, source_site=site,
        )
    author = author_span = date = None
    said = _SAYS.match(content)
    if said:
        # "Mugizi says:" names the commenter whatever the name is.
        name = said.group("name").strip()
        author, author_span = name, Span(body.start + said.start("name"), body.start + said.start("name") + len(name))
        skip = said.end()
        found = find_date(content[skip:skip + 80].lstrip())
        if found and found[1] == 0:
            date = found[0]
            lead = len(content[skip:]) - len(content[skip:].lstrip())
            skip += lead + found[2]
        skip += len(content[skip:]) - len(content[skip:].lstrip(" \t\n|-–—,"))
        return Comment(span=entry, body=Span(body.start + skip, body.end), author=_named(author),
                       author_span=author_span if _named(author) else None, date=date, parent=parent)
    m = _BYLINE_NAME.match(content)
    if m:
        name = m.group("name").strip()
        words = name.split()
        # Keep only the words of the name itself ("Barry Corless FSM" -> "Barry Corless").
        while len(words) > 2 and (words[-1].isupper() or not words[-1][1:].islower()):
            words.pop()
        name = " ".join(words)
        after = content[len(name):].lstrip()
        is_address = after[:1] in {",", ".", "!", "-", "–", "—", ":"} or not after
        if len(words) >= 2 and looks_like_name(name, max_tokens=3) and not is_address:
            author = name
            author_span = Span(body.start, body.start + len(name))
            rest = content[len(name):]
            said = re.match(r"\s*(?:says|said|wrote)\s*:?\s*", rest)
            skip = len(name) + (said.end() if said else len(rest) - len(rest.lstrip()))
            found = find_date(content[skip:skip + 60])
            if found and found[1] == 0:
                date = found[0]
                skip += found[2]
                skip += len(content[skip:]) - len(content[skip:].lstrip(" \t\n|-–—,"))
            body = Span(body.start + skip, body.end)
    return Comment(span=entry, body=body, author=author, author_span=author_span, date=date, parent=parent)


def split_pingback(rest: str) -> tuple[str | None, str | None]:
    """The linking site and title of a pingback line.

    >>> split_pingback("CRM Outsiders » Blog Archive » The Socialization of IT – Part II")
    ('CRM Outsiders', 'The Socialization of IT – Part II')
    >>> split_pingback("The Socialization of IT | Amr Selim")
    ('Amr Selim', 'The Socialization of IT')
    """
    rest = rest.strip()
    for sep in (" » ", " « ", " :: "):
        if sep in rest:
            parts = [p.strip() for p in rest.split(sep) if p.strip() and p.strip().lower() not in {"blog archive", "blog"}]
            if sep == " « ":
                parts.reverse()
            return (parts[0], parts[-1]) if len(parts) > 1 else (None, parts[0] if parts else None)
    for sep in (" | ", " – ", " — ", " - "):
        if sep in rest:
            title, site = rest.rsplit(sep, 1)
            return site.strip(), title.strip()
    return None, rest or None


def _find(text: str, needle: str | None, within: Span) -> Span | None:
    if not needle:
        return None
    pos = text.find(needle, within.start, within.end)
    return Span(pos, pos + len(needle)) if pos >= 0 else None


def _signed_thread(text: str, region: list[_Line]) -> list[Comment]:
    """Comments closed by a signature line, opened by a byline, or single pingback lines."""
    comments: list[Comment] = []
    pending: list[_Line] = []
    pending_author: tuple[str, Span, str | None] | None = None
    not_names = cues().get("not_addressees", frozenset())

    def flush(author: tuple[str, Span, str | None] | None, closing: _Line | None) -> None:
        nonlocal pending
        lines = [ln for ln in pending if not ln.blank]
        pending = []
        if not lines and author is None:
            return
        body = Span(lines[0].content_span().start, lines[-1].content_span().end) if lines else author[1]
        entry_end = closing.content_span().end if closing is not None else body.end
        entry_start = min(body.start, author[1].start) if author else body.start
        name, span, date = author if author else (None, None, None)
        comments.append(Comment(span=Span(entry_start, entry_end), body=body, author=_named(name),
                                author_span=span if _named(name) else None, date=date))

    for ln in region:
        if ln.blank:
            pending.append(ln)
            continue
        ping = _PINGBACK.match(ln.text)
        if ping:
            flush(pending_author, None) if pending_author or any(not p.blank for p in pending) else None
            pending_author = None
            comments.append(_make_comment(text, ln.content_span(), ln.content_span(), None))
            continue
        after = _SIGNATURE_AFTER.match(ln.text)
        if after and after.group("name").strip().lower() not in not_names:
            name = after.group("name").strip()
            found = find_date(after.group("rest")) or find_date(ln.text)
            span = Span(ln.start + after.start("name"), ln.start + after.start("name") + len(name))
            flush((name, span, found[0] if found else None), ln)
            pending_author = None
            continue
        date = parse_date(ln.text)
        if date and pending_author and pending_author[2] is None:
            # "18 November 2013 at 10:02" after a byline, before or after the body
            pending_author = (pending_author[0], pending_author[1], date)
            continue
        before = _BYLINE_BEFORE.match(ln.text)
        if before and looks_like_name(before.group("name").strip()) or before and before.group("name").strip().lower() == "anonymous":
            if pending_author or any(not p.blank for p in pending):
                flush(pending_author, None)
            name = before.group("name").strip()
            found = find_date(before.group("rest"))
            pending_author = (name, Span(ln.start + before.start("name"), ln.start + before.start("name") + len(name)), found[0] if found else None)
            if before.group("rest").strip() and not found:
                pending.append(_Line(ln.start + before.start("rest"), ln.end, before.group("rest")))
            continue
        pending.append(ln)
    if pending_author or any(not p.blank for p in pending):
        flush(pending_author, None)
    return comments
