"""What a SPARQL request may do in ``kg query``: read the local graph, nothing else.

Input: the text of a SPARQL request. Output: nothing, or a :class:`~kg.errors.QueryError`
for an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``, ``CREATE``, ``ADD``,
``MOVE``, ``COPY``, ``WITH``) or a federated query (``SERVICE``, which pyoxigraph would
send over the network).

The request is cut into SPARQL tokens first, so that comments, prefix declarations,
strings, IRIs, variables (``?insert``) and prefixed names (``ex:drop``) never count as
keywords, and a keyword is found whatever its case and wherever it stands. None of these
words is a keyword of a reading query, so finding one is enough.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg.errors import QueryError

#: Keywords that only an update request holds.
UPDATE_KEYWORDS = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"))

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<variable>[?$]\w+)
    | (?P<name>(?:[^\W\d_][\w.-]*)?:(?:[\w:%.-]|\\.)*)
    | (?P<word>[^\W\d_]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def keywords(sparql: str) -> Iterator[str]:
    """The bare words of a SPARQL request, upper-cased: its keywords and function names.

    >>> list(keywords('PREFIX drop: <http://x/#insert> SELECT ?delete WHERE { ?s drop:load "clear" } # copy'))
    ['PREFIX', 'SELECT', 'WHERE']
    """
    for m in _TOKEN.finditer(sparql):
        if m.lastgroup == "word":
            yield m.group().upper()


def check_read_only(sparql: str) -> None:
    """Refuse a request that writes or reaches the network.

    Raises:
        QueryError: the request is an update, or holds ``SERVICE``.

    >>> check_read_only("SELECT * WHERE { ?s ?p ?o }")
    >>> check_read_only("# a comment\\nprefix ex: <http://x/>\\ninsert data { ex:a ex:b ex:c }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SPARQL updates are refused (INSERT): kg query only reads the graph
    >>> check_read_only("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE is refused: kg query reads the local graph and never the network
    """
    for word in keywords(sparql):
        if word in UPDATE_KEYWORDS:
            raise QueryError(f"SPARQL updates are refused ({word}): kg query only reads the graph")
        if word == "SERVICE":
            raise QueryError("SERVICE is refused: kg query reads the local graph and never the network")
