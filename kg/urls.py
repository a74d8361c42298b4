"""Web addresses compared as a reader would: the same page whatever its spelling.

Input: URLs as pages write them. Output: a key per URL (``url_key``) under which two
spellings of one page meet, so that a link or a pingback finds the post of the corpus it
points to by that post's canonical URL.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from kg.memo import memoised

_DEFAULT_PORTS = {"80", "443"}


@memoised
def url_key(url: str | None) -> str | None:
    """The comparison key of a web address, or ``None`` when it is not an http(s) URL
    (memoised: a link is looked up again for each document that makes it).

    Scheme, ``www.``, the case of the host, a default port, a trailing slash and the
    fragment do not matter; the path's case and the query do.

    >>> url_key("https://www.Lemire.me/blog/2012/01/03/post/#comment-12")
    'lemire.me/blog/2012/01/03/post'
    >>> url_key("http://lemire.me:80/blog/2012/01/03/post") == url_key("https://lemire.me/blog/2012/01/03/post/")
    True
    >>> url_key("https://example.org/?p=12#x")
    'example.org?p=12'
    >>> url_key("mailto:someone@example.org") is None
    True
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if port is not None and str(port) not in _DEFAULT_PORTS:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# A host name (letters of any script: an IDN) or an IPv6 address, and a port of ASCII digits.
_HOST_PORT = re.compile(r"(?P<host>[\w.~-]+|\[(?P<ipv6>[0-9A-Fa-f:.]+)\])(?::(?P<port>[0-9]*))?")
_SAFE_USER = "!$&'()*+,;=:%-._~"
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def to_web_iri(url: str | None) -> str | None:
    """An http(s) address as a valid IRI, or ``None`` when it is not one.

    Pages write addresses that browsers forgive and RDF stores refuse: spaces, a lone
    ``%``, brackets in the path, a second ``#``, quotes in the user name. These are
    percent-encoded; an address whose host is not a host name or an IPv6 address, or whose
    port is not a number, is dropped.

    >>> to_web_iri("https://example.org/100% pure/[draft]#a#b")
    'https://example.org/100%25%20pure/%5Bdraft%5D#a%23b'
    >>> to_web_iri("https://example.org/caf%C3%A9?q=a b")
    'https://example.org/caf%C3%A9?q=a%20b'
    >>> to_web_iri("http://exa mple.org/") is None, to_web_iri("www.example.org") is None
    (True, True)
    >>> to_web_iri('http://a"b%zz@example.org:8080/'), to_web_iri("http://[::1]:80/x"), to_web_iri("http://[:::::]/")
    ('http://a%22b%25zz@example.org:8080/', 'http://[::1]:80/x', None)
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    userinfo, at, host_port = parts.netloc.rpartition("@")
    host = _HOST_PORT.fullmatch(host_port)
    if host is None or (host["ipv6"] and not _is_ipv6(host["ipv6"])):
        return None

    def clean(piece: str, safe: str) -> str:
        return quote(_BAD_PERCENT.sub("%25", piece), safe=safe)

    netloc = f"{clean(userinfo, _SAFE_USER)}{at}{host_port}"
    out = f"{parts.scheme.lower()}://{netloc}{clean(parts.path, _SAFE_PATH)}"
    if parts.query:
        out += "?" + clean(parts.query, _SAFE_PATH + "?")
    if parts.fragment:
        out += "#" + clean(parts.fragment, _SAFE_PATH + "?")
    return out


def _is_ipv6(address: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True
