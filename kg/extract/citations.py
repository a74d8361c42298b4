"""Citations: who and what the post and its comments cite, quote, credit and answer.

Input: the :class:`~kg.extract.context.Context`, the resolved person and organisation
references (``Ref``: span, kind, canonical name) and the comment records.
Output: :class:`~kg.model.Citation` values, each with the span that supports it, and the
cited works as :class:`~kg.model.Entity` values.

Rules, each keyed on how blog posts are written:

- a quoted title after a cue (``X wrote “T”``, ``a post by X … the topic of “T”``) cites the
  work T, by the nearest person or organisation named before it in the sentence;
- ``a study on T by O`` (report, survey, paper, ...) cites the work T published by O;
- a capitalised name headed by ``Manifesto``, ``Declaration``, ``Charter``… cites that work;
- a first body line that names an organisation, a title and a year is a reference to it;
- an attributed quotation (``As X says, “…”``, ``“…” says X``, ``‘…’ – from X``, ``in the
  words of X``) quotes X; an unattributed one in a sentence about ``the study`` or the
  lead-in of a block quote quotes the work under discussion;
- ``thanks to X for``, ``forwarded to me by X``, ``h/t X`` credit X;
- a person followed by a reporting verb (``Rob has summed up``) is cited;
- pingbacks cite the post from the linking page; a reply that addresses a named person
  answers them.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.extract.context import Context
from kg.lexicon import cues
from kg.model import Citation, CommentRecord, Entity, Span
from kg.nlp import found

_WORD_RE_CACHE: dict[frozenset[str], re.Pattern[str]] = {}
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_STUDY = re.compile(
    r"\b(?P<noun>study|report|survey|white ?paper|paper|research|book|article|analysis|essay|post)\s+"
    r"(?:on|about|titled|entitled|called|into|of)\s+(?P<title>[“\"‘]?[A-Z0-9][^;:()\n]{2,150}?)[”\"’]?,?\s+(?:by|from)\s+(?:[Tt]he\s+)?$",
)
_EXAMPLE = re.compile(r"\b(?:like|such as|e\.g\.|for example|for instance|as in)\s*[“\"‘']?$", re.I)
_QUOTING_WORDS = re.compile(
    r"\b(?:quote|quoted|quoting|states?|stated|says|said|notes|noted|writes|wrote|claims|claimed|"
    r"according|the (?:study|report|paper|survey|white paper|post|article|book|research))\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Ref:
    """A resolved mention of a person or organisation in the prose."""

    span: Span
    kind: str  # person | organisation
    name: str


@dataclass(frozen=True, slots=True)
class _Work:
    title: str
    creator: str | None
    publisher: str | None
    pos: int


def _phrase_pattern(phrases: frozenset[str]) -> re.Pattern[str]:
    if phrases not in _WORD_RE_CACHE:
        alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        _WORD_RE_CACHE[phrases] = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)
    return _WORD_RE_CACHE[phrases]


def _phrase_matches(phrases: frozenset[str], text: str, lowered: str | None) -> Iterator[re.Match[str]]:
    """``_phrase_pattern(phrases).finditer(text)``; without the scan, which tries every
    phrase at every position, when no phrase occurs in the lower-cased text at all
    (``lowered``: :attr:`~kg.extract.context.Context.lowered`)."""
    if lowered is not None and all(p.isascii() and p == p.lower() for p in phrases) and not any(p in lowered for p in phrases):
        return iter(())
    return _phrase_pattern(phrases).finditer(text)


@functools.cache
def named_works_pattern() -> re.Pattern[str]:
    """Capitalised words ending in a work head ("the Agile Manifesto"), with an "of ..."
    complement ("Universal Declaration of Digital Rights"); group 1 is the name.

    The plain form, ``\\b((?:[A-Z][\\w’'-]*\\s+){1,5}...)``, matches the same; this one opens
    with a capital not after a word character because a pattern that opens with a
    character class is searched for that class first, several times faster.
    """
    heads = "|".join(re.escape(h) for h in sorted(cues()["work_heads"], key=len, reverse=True))
    return re.compile(rf"([A-Z](?<!\w[A-Z])[\w’'-]*\s+(?:[A-Z][\w’'-]*\s+){{0,4}}(?i:{heads})"
                      rf"(?:\s+of(?:\s+(?:the\s+)?[A-Z][\w’'-]*)+)?)\b")


@functools.cache
def _work_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """A work head ("report", "manifesto"); "'s" and a work noun after a name ("Charles
    Araujo's book"); a work noun and "by" before one ("the excellent article by")."""
    c = cues()
    heads = "|".join(re.escape(h) for h in sorted(c["work_heads"], key=len, reverse=True))
    nouns = "|".join(re.escape(w) for w in sorted(c["work_nouns"], key=len, reverse=True))
    return (
        re.compile(rf"(?i:{heads})"),
        re.compile(rf"^['’]s\s+(?:[a-z-]+\s+){{0,2}}?(?:{nouns})\b", re.I),
        re.compile(rf"\b(?:{nouns})\s+(?:written\s+|published\s+)?by\s+(?:the\s+)?$", re.I),
    )


#: What may stand between a credit cue and the credited name ("thanks to my good friend").
_CREDIT_GAP = re.compile(r"^[\s:,]*(?:(?:my|our|a)\s+)?(?:good\s+|old\s+)?(?:friend|colleague|pal|buddy|co-?worker)?\s*@?$", re.I)


def find_citations(ctx: Context, refs: list[Ref], comments: list[CommentRecord]) -> tuple[list[Citation], list[Entity]]:
    """Citations of the post and its comments, and the works they cite."""
    text = ctx.text
    c = cues()
    refs = sorted(refs, key=lambda r: (r.span.start, r.span.end))
    citations: list[Citation] = []
    works: list[_Work] = []
    quoted_spans: set[tuple[int, int]] = set()

    def add(kind: str, evidence: Span, person: str | None = None, org: str | None = None, work: str | None = None) -> None:
        citations.append(Citation(source=ctx.source_of(evidence.start), kind=kind, evidence=evidence,
                                  to_person=person, to_org=org, to_work=work))

    def add_ref(kind: str, evidence: Span, ref: Ref, work: str | None = None) -> None:
        add(kind, evidence, person=ref.name if ref.kind == "person" else None,
            org=ref.name if ref.kind == "organisation" else None, work=work)

    ref_starts = [r.span.start for r in refs]

    def refs_in(start: int, end: int, limit: int = 2000) -> list[Ref]:
        """References inside [start, end), at most ``limit`` characters before ``end``
        (a sentence can be a whole hostile file)."""
        start = max(start, end - limit)
        lo, hi = bisect.bisect_left(ref_starts, start), bisect.bisect_left(ref_starts, end)
        return [r for r in refs[lo:hi] if r.span.end <= end]

    def refs_near(start: int, end: int) -> list[Ref]:
        lo, hi = bisect.bisect_left(ref_starts, start), bisect.bisect_right(ref_starts, end)
        return refs[lo:hi]

    quotes = [(start_char, end_char) for _, _, start_char, end_char, _, _ in found(ctx.doc, "quotes")]
    title_cues = _phrase_pattern(c["title_cues"])

    # 1. quoted titles after a cue
    for qs, qe in quotes:
        inner = text[qs:qe].strip()
        if not _title_like(inner):
            continue
        sentence = ctx.sentence_of(qs)
        window_start = max(sentence.start, qs - 120, text.rfind("(", sentence.start, qs) + 1)
        lead = text[window_start:qs]
        possessed = re.search(r"['’]s\s*[“\"‘']?$", lead) is not None  # Rob England's "The IT Skeptic"
        if not (title_cues.search(lead) or possessed) or _EXAMPLE.search(lead):
            continue
        before = [r for r in refs_in(sentence.start, qs)]
        people = [r for r in before if r.kind == "person"]
        # the writer, not the employer named in their apposition
        creator = people[-1] if people else (before[-1] if before else None)
        evidence = Span(min(sentence.start, creator.span.start) if creator else sentence.start, min(qe + 1, len(text)))
        title = _clean_title(inner)
        if creator is not None:
            add_ref("cites", evidence, creator, work=title)
        else:
            add("cites", evidence, work=title)
        works.append(_Work(title, creator.name if creator and creator.kind == "person" else None,
                           creator.name if creator and creator.kind == "organisation" else None, qs))
        quoted_spans.add((qs, qe))

    # 2. "a study on T by O"
    for ref in refs:
        sentence = ctx.sentence_of(ref.span.start)
        m = _STUDY.search(text[max(sentence.start, ref.span.start - 300):ref.span.start])
        if not m:
            continue
        title = _clean_title(m.group("title"))
        if len(title.split()) < 2:
            continue
        evidence = Span(max(sentence.start, ref.span.start - 300) + m.start(), ref.span.end)
        add_ref("cites", evidence, ref, work=title)
        works.append(_Work(title, ref.name if ref.kind == "person" else None,
                           ref.name if ref.kind == "organisation" else None, evidence.start))

    # 3. named works: "the Agile manifesto", "Universal Declaration of Digital Rights"
    work_head, possessed_work, by_work = _work_patterns()
    for m in named_works_pattern().finditer(text):
        start = m.start(1)
        phrase = m.group(1)
        if not phrase[0].isupper() or ctx.in_title_or_heading(start) or ctx.part_of(start)[0] == "other":
            continue
        if any(qs <= start < qe for qs, qe in quoted_spans):
            continue
        while phrase.split()[0].lower() in {"the", "a", "an", "this", "that", "our", "my", "his", "her", "their", "its"}:
            phrase = phrase.split(" ", 1)[1]
            start = m.start(1) + len(m.group(1)) - len(phrase)
        head_at = work_head.search(phrase)
        if head_at is None or not phrase[: head_at.start()].strip():
            continue  # the head alone ("This White Paper") names no particular work
        evidence = Span(start, start + len(phrase))
        makers = refs_in(start, start + head_at.start())
        if makers and text[makers[-1].span.end:start + head_at.start()].strip() in ("", "'s", "’s"):
            add_ref("cites", evidence, makers[-1])  # "a Gartner report": Gartner's, title unknown
            continue
        add("cites", evidence, work=phrase)
        works.append(_Work(phrase, None, None, start))

    # 4. a reference line at the top of the body: "ORG Title (Subtitle) 2018"
    blocks = ctx.post.blocks
    if blocks:
        first = blocks[0]
        line = first.span.of(text)
        inside = refs_in(first.span.start, first.span.end)
        if len(line.split()) <= 30 and _YEAR.search(line) and inside and inside[0].span.start == first.span.start:
            ref = inside[0]
            rest = text[ref.span.end:first.span.end]
            rest = _YEAR.sub("", rest)
            title = " ".join(rest.replace("\u00a0", " ").split()).strip(" -–—,:")
            if len(title.split()) >= 2:
                add_ref("cites", first.span, ref, work=title)
                works.append(_Work(title, None, ref.name if ref.kind == "organisation" else None, first.span.start))
                works.append(_Work(title, None, ref.name if ref.kind == "organisation" else None, -1))

    works.sort(key=lambda w: w.pos)

    def current_work(pos: int) -> _Work | None:
        before = [w for w in works if w.pos < pos]
        return before[-1] if before else None

    def quote_work(evidence: Span, pos: int) -> None:
        work = current_work(pos)
        if work is not None:
            add("quotes", evidence, person=work.creator, org=work.publisher, work=work.title)

    # 5. attributed quotations
    reporting = c["reporting_verbs"]
    fillers = c["verb_fillers"]
    for qs, qe in quotes:
        if (qs, qe) in quoted_spans:
            continue
        inner = text[qs:qe]
        if len(inner.split()) < 3:
            continue
        sentence = ctx.sentence_of(qs)
        s_end = max(sentence.end, qe + 1)
        speaker = _speaker(ctx, refs_near(max(sentence.start, qs - 300), min(s_end, qe + 100)), qs, qe, reporting, fillers)
        evidence = Span(sentence.start, min(s_end, len(text)))
        if speaker is not None:
            add_ref("quotes", evidence, speaker)
            continue
        tail = text[qe + 1:min(len(text), qe + 60)]
        source = re.match(r"^\s*[–—-]?\s*(?:which is\s+)?(?:\w+\s+)?(?:from|by|via)\s+", tail)
        if source:
            after = refs_near(qe + 1, qe + 1 + source.end() + 2)
            if after:
                add_ref("quotes", Span(sentence.start, after[0].span.end), after[0])
                continue
        if ctx.part_of(qs)[0] == "body" and _QUOTING_WORDS.search(text[max(sentence.start, qs - 300):min(s_end, qe + 300)]):
            quote_work(evidence, qs)

    # "in the words of X", "according to X"
    for m in _phrase_matches(c["quote_before"], text, ctx.lowered):
        after = refs_near(m.end(), m.end() + 2)
        if after and ctx.part_of(m.start())[0] != "other":
            add_ref("quotes", Span(m.start(), after[0].span.end), after[0])

    # block quotes: attributed by their lead-in, else to the work under discussion
    for k, block in enumerate(blocks):
        if block.kind != "quote" or k == 0:
            continue
        lead = blocks[k - 1]
        if lead.kind == "quote":
            continue
        lead_sentence = ctx.sentence_of(max(lead.span.end - 1, lead.span.start))
        named_refs = refs_in(lead_sentence.start, lead.span.end)
        evidence = Span(lead_sentence.start, block.span.end)
        if named_refs:
            add_ref("quotes", evidence, named_refs[-1])
        else:
            quote_work(evidence, block.span.start)

    # 6. credits
    for m in _phrase_matches(c["credit_cues"], text, ctx.lowered):
        if ctx.part_of(m.start())[0] == "other":
            continue
        limit = m.end() + (3 if m.group(0).lower() == "via" else 25)
        after = [r for r in refs_near(m.end(), limit) if _CREDIT_GAP.match(text[m.end():r.span.start])]
        if after:
            add_ref("credits", Span(m.start(), after[0].span.end), after[0])

    # 7. a person or organisation followed by a reporting verb ("Rob has summed up",
    # "HDI found that"); "says" cites where no quotation follows it
    words = ctx.words
    quote_starts = sorted(qs for qs, _ in quotes)
    for ref in refs:
        j = ctx.token_at(ref.span.end - 1) + 1
        seen = 0
        while j < len(words) and seen < 5:
            w = words[j].lower()
            if not w.strip() or w in fillers or w in {")", ","}:
                j += 1
                seen += w.strip() != ""
                continue
            break
        verb = words[j].lower() if j < len(words) else ""
        allowed = reporting if ref.kind == "person" else _ORG_VERBS
        if verb not in allowed:
            continue
        sentence = ctx.sentence_of(ref.span.start)
        if verb in {"says", "said", "say", "writes", "wrote"} and any(sentence.start <= q < sentence.end + 2 for q in quote_starts):
            continue  # an attributed quotation, handled above
        add_ref("cites", Span(sentence.start, sentence.end), ref)

    # 7b. possessed works ("Charles Araujo's book The Quantum Age of IT") and works by
    # someone ("the excellent article by Kaimar Karu")
    for ref in refs:
        m = possessed_work.match(text[ref.span.end:ref.span.end + 60])
        if m:
            title = _title_after(text, ref.span.end + m.end())
            end = title[1] if title else ref.span.end + m.end()
            add_ref("cites", Span(ref.span.start, end), ref, work=title[0] if title else None)
            if title:
                works.append(_Work(title[0], ref.name if ref.kind == "person" else None,
                                   ref.name if ref.kind == "organisation" else None, ref.span.start))
            continue
        sentence = ctx.sentence_of(ref.span.start)
        if by_work.search(text[max(sentence.start, ref.span.start - 60):ref.span.start]):
            add_ref("cites", Span(sentence.start, sentence.end), ref)

    # 8. pingbacks and replies
    for record in comments:
        if record.kind in ("pingback", "trackback"):
            source = ctx.post.comments[record.n - 1]
            evidence = record.body
            site = source.source_site
            person = site if site and any(r.kind == "person" and r.name == site for r in refs) or _person_like(site) else None
            citations.append(Citation(source="post", kind="pingback", evidence=evidence,
                                      to_person=person, to_org=None if person else site, to_work=source.source_title,
                                      url=source.url))
        elif record.reply_to not in (None, "post") and record.author and record.reply_to != record.author:
            evidence = record.author_evidence if record.author_evidence else record.body
            address_span = _address_span(ctx, record)
            citations.append(Citation(source=f"comment:{record.n}", kind="replies_to",
                                      evidence=address_span or evidence, to_person=record.reply_to))

    return _dedupe(citations), _work_entities(works, citations)


#: Verbs after an organisation that report its findings ("HDI found that ...").
_ORG_VERBS = frozenset({"found", "finds", "reports", "reported", "estimates", "estimated", "says", "said", "notes",
                        "noted", "published", "publishes", "shows", "showed", "predicts", "predicted", "warns",
                        "warned", "recommends", "recommended", "argues", "argued", "claims", "claimed", "surveyed",
                        "concluded", "concludes", "revealed", "reveals", "forecasts", "forecast"})
_TITLE_LINKS = {"of", "the", "and", "in", "for", "to", "a", "an", "on", "at", "with", "vs", "&"}


def _title_after(text: str, pos: int) -> tuple[str, int] | None:
    """A title right after ``pos``: quoted, or a run of capitalised words (small words
    between them allowed): ``The Quantum Age of IT``."""
    rest = text[pos:pos + 200]
    lead = len(rest) - len(rest.lstrip(" ,:"))
    rest = rest[lead:]
    quoted = re.match(r"[“\"‘]([^”\"’\n]{2,150})[”\"’]", rest)
    if quoted:
        return _clean_title(quoted.group(1)), pos + lead + quoted.end()
    taken, end, scanned = [], 0, 0
    for m in re.finditer(r"[\w’'-]+", rest):
        if rest[scanned:m.start()].strip(" "):
            break  # punctuation ends the title
        w = m.group(0)
        if w[:1].isupper() or w[:1].isdigit():
            taken.append(w)
            end = m.end()
        elif not (w.lower() in _TITLE_LINKS and taken):
            break
        scanned = m.end()
    if len(taken) >= 2:
        return rest[:end], pos + lead + end
    return None


def _person_like(name: str | None) -> bool:
    from kg.lexicon import is_first_name

    if not name:
        return False
    words = name.split()
    return 2 <= len(words) <= 3 and is_first_name(words[0]) and all(w[:1].isupper() for w in words)


def _address_span(ctx: Context, record: CommentRecord) -> Span | None:
    head = ctx.text[record.body.start:record.body.start + 60]
    if record.reply_to and head.startswith(record.reply_to.split()[0]):
        return Span(record.body.start, record.body.start + len(record.reply_to.split()[0]))
    return None


_AFTER_QUOTE = re.compile(r"^[”\"’']?\s*[,.]?\s*[–—-]?\s*$")


@functools.lru_cache(maxsize=4)
def _verbs_pattern(reporting: frozenset[str]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(sorted(reporting))})\b", re.I)


def _speaker(ctx: Context, refs: list[Ref], qs: int, qe: int, reporting: frozenset[str], fillers: frozenset[str]) -> Ref | None:
    """The person or organisation a quotation is attributed to in its sentence."""
    text = ctx.text
    verbs = _verbs_pattern(reporting)
    before = [r for r in refs if r.span.end <= qs]
    # A person with a reporting verb wins over the organisation named in their
    # apposition ("As Chad Dyer, VP Technology at Sequoia Capital, says, “…”").
    for kinds in (("person",), ("person", "organisation")):
        for ref in reversed(before):
            if ref.kind not in kinds:
                continue
            between = text[ref.span.end:qs]
            if len(between) < 120 and verbs.search(between):
                return ref
            if re.match(r"^(?:['’]s?)?\s*[,:]?\s*[–—-]?\s*$", between):
                return ref
    after = [r for r in refs if r.span.start >= qe]
    for ref in after:
        between = text[qe:ref.span.start]
        if len(between) < 25 and _AFTER_QUOTE.match(verbs.sub("", between, count=1)):
            return ref
    return None


def _title_like(inner: str) -> bool:
    """Whether a quoted string reads as the title of a work.

    >>> _title_like("What is ITs role in the Social CRM Revolution"), _title_like("value chain")
    (True, False)
    """
    words = inner.split()
    if not 2 <= len(words) <= 20 or not (inner[0].isupper() or inner[0].isdigit()):
        return False
    if re.search(r"[.!;]\s", inner) or inner.endswith((".", ";", ",")):
        return False
    return True


def _clean_title(title: str) -> str:
    return " ".join(title.replace("\u00a0", " ").strip(" “”\"‘’'").split())


def _dedupe(citations: list[Citation]) -> list[Citation]:
    """One citation per (source, target, kind); a target with a work beats the bare target."""
    with_work = {(c.source, c.kind, c.to_person, c.to_org) for c in citations if c.to_work}
    seen: set[tuple] = set()
    out = []
    for c in sorted(citations, key=lambda c: (c.evidence.start, c.evidence.end, c.kind)):
        if not c.to_work and (c.source, c.kind, c.to_person, c.to_org) in with_work:
            continue
        key = (c.source, c.kind, c.to_person, c.to_org, (c.to_work or "").casefold())
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def _work_entities(works: list[_Work], citations: list[Citation]) -> list[Entity]:
    by_title: dict[str, Entity] = {}
    mentions: dict[str, list[Span]] = {}
    for c in citations:
        if c.to_work:
            mentions.setdefault(c.to_work, []).append(c.evidence)
    for w in works:
        if w.title not in by_title:
            by_title[w.title] = Entity(kind="work", name=w.title, creator=w.creator, publisher=w.publisher,
                                       mentions=tuple(sorted(set(mentions.get(w.title, ())))))
    return sorted(by_title.values(), key=lambda e: (e.mentions[0].start if e.mentions else 0, e.name))
