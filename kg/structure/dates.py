"""Dates as blogs write them, to ISO ``YYYY-MM-DD``.

Input: a short string (a date line, a comment signature, a ``datetime`` attribute).
Output: the ISO date, or ``None`` when the string is not a date.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAYNAME = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+"
_TIME = r"(?:\s*(?:@|at|,|-|–|—)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"

_PATTERNS = [
    # August 1, 2009 / Monday, August 1st, 2009 / Aug. 1 2009
    re.compile(rf"^(?:{_DAYNAME})?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TIME}$", re.I),
    # 18 November 2013 / Monday, 18 November 2013 / 18th of Nov 2013
    re.compile(rf"^(?:{_DAYNAME})?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}}){_TIME}$", re.I),
    # 2009-08-01, 2009/08/01, with an optional ISO time
    re.compile(r"^(?P<year>\d{4})[-/](?P<mon>\d{1,2})[-/](?P<day>\d{1,2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"),
]


def parse_date(text: str) -> str | None:
    """The ISO date that ``text`` states, or ``None``.

    >>> parse_date("August 1, 2009")
    '2009-08-01'
    >>> parse_date("Monday, 18 November 2013")
    '2013-11-18'
    >>> parse_date("August 3, 2009 @ 1:39 pm")
    '2009-08-03'
    >>> parse_date("2012-01-03T12:00:00")
    '2012-01-03'
    >>> parse_date("The Socialization of IT") is None
    True
    """
    text = " ".join(text.strip().split())
    if not text or len(text) > 60:
        return None
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        month = _MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["mon"])
        try:
            return date(int(groups["year"]), month, int(groups["day"])).isoformat()
        except ValueError:
            return None
    return None


_ANY_MONTH = _MONTH.replace("?P<month>", "?:")
_EMBEDDED = re.compile(
    rf"(?:{_DAYNAME})?(?:{_ANY_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_ANY_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})",
    re.I,
)


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first date inside a longer string: ``(iso, start, end)``, or ``None``.

    >>> find_date("Comment by Art — August 3, 2009 @ 1:39 pm")
    ('2009-08-03', 17, 31)
    """
    for m in _EMBEDDED.finditer(text):
        iso = parse_date(m.group(0))
        if iso:
            return iso, m.start(), m.end()
    return None
