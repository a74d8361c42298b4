"""Characters that are not text (control characters, non-characters, lone surrogates), and
accents folded away.

Input: a string as a file or a markup parser gave it. Output: the same string without the
characters no reader sees and that XML 1.0 (GraphML, GEXF, RSS) cannot hold, so that they
never reach the graph, the views or the exports.

Decoded files go through :func:`drop_controls` when they are loaded (a NUL byte makes a
file binary and refuses it before that); markup goes through it again because a character
reference (``&#1;``) brings a control character back after decoding.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab, line feed and carriage return; DEL; the non-characters U+FFFE and
# U+FFFF; lone surrogates (only a hostile JSON cache has them). The C1 controls stay: XML
# allows them, and real pages carry them inside double-encoded punctuation (``â\x80\x9c``).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_BREAKS = re.compile("[\x0b\x0c]")


def drop_controls(text: str) -> str:
    """The text without control characters; a vertical tab or form feed becomes a line break.

    >>> drop_controls("a\\x00b\\x1bc\\x7fd\\ufffee")
    'abcde'
    >>> drop_controls("page one\\x0cpage two\\ttab\\r\\n")
    'page one\\npage two\\ttab\\r\\n'
    >>> drop_controls("Zoë \\u200f💥")
    'Zoë \\u200f💥'
    """
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", text)
    if _BREAKS.search(text):
        text = _BREAKS.sub("\n", text)
    return text



def strip_accents(text: str) -> str:
    """The text with its combining marks dropped (after NFKD decomposition).

    >>> strip_accents("Zoë Müller, Ståle")
    'Zoe Muller, Stale'
    """
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
