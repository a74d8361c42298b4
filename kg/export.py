"""Serialisations: the graph as Turtle, TriG, N-Triples, N-Quads, JSON-LD; the projections
as GraphML and GEXF.

Input: named graphs as N-Triples lines (from :mod:`kg.build`, or read back from a store
with :func:`graphs_from_store`), or an :class:`~kg.analyze.Analysis`. Output: bytes,
deterministic for the same graphs: triples are sorted before serialisation, so two builds
of the same corpus are byte-identical; or one GraphML/GEXF file per projection (for Gephi
and similar tools), whose attributes are plain strings and numbers.

The Turtle and N-Triples forms are the union of all named graphs; TriG and N-Quads keep
one named graph per document (and one for corpus-wide entity descriptions).
"""

from __future__ import annotations

import functools
import json
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.files import atomic_write
from kg.prefixes import PREFIXES

if TYPE_CHECKING:
    import networkx as nx

    from kg.analyze import Analysis
    from kg.cache import Chunk

#: Formats of ``kg export`` for the RDF graph (GraphML and GEXF come from the analysis).
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
               "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
#: Formats of ``kg export`` for the projections, one file per projection.
GRAPH_FORMATS = ("graphml", "gexf")


def prefixes_for(base: str) -> dict[str, str]:
    """The standard prefixes plus one per instance path under the base IRI."""
    out = dict(PREFIXES)
    for kind in ("person", "organisation", "concept", "work", "post", "graph"):
        out[kind] = f"{base}{kind}/"
    return out


def _union(graphs: Mapping[str, Iterable[str]]) -> list[str]:
    triples: set[str] = set()
    for lines in graphs.values():
        triples.update(lines)
    return sorted(triples)


def to_rdf(graphs: Mapping[str, Iterable[str]], fmt: str, base: str) -> bytes:
    """Serialise named graphs in one of :data:`RDF_FORMATS`.

    >>> g = {"http://x/g": ['<http://x/s> <http://xmlns.com/foaf/0.1/name> "A"']}
    >>> print(to_rdf(g, "nt", "http://x/").decode(), end="")
    <http://x/s> <http://xmlns.com/foaf/0.1/name> "A" .
    """
    if fmt not in RDF_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}")
    if fmt in ("ttl", "nt", "jsonld"):
        text = "".join(f"{t} .\n" for t in _union(graphs))
        if fmt == "nt":
            return text.encode("utf-8")
        parsed = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    else:
        quads = []
        for graph in sorted(graphs):
            g = f"<{graph}>"
            quads.extend(f"{t} {g} .\n" for t in sorted(set(graphs[graph])))
        text = "".join(quads)
        if fmt == "nq":
            return text.encode("utf-8")
        parsed = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    kwargs = {"prefixes": prefixes_for(base)} if fmt in ("ttl", "trig") else {}
    return ox.serialize(parsed, format=RDF_FORMATS[fmt], **kwargs)


def prefix_header(base: str) -> bytes:
    """The ``@prefix`` lines that head ``kg.ttl`` and ``kg.trig``.

    >>> prefix_header("https://kg.example/").splitlines()[0]
    b'@prefix cito: <http://purl.org/spar/cito/> .'
    """
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes_for(base).items()).encode("utf-8")


def write_rdf_files(out: Path, chunks: Sequence[Chunk], base: str) -> None:
    """``out/kg.ttl`` and ``out/kg.trig``, joined from the named graphs' Turtle bodies in
    the cache, in order (each body read once for both; ``kg.ttl`` is replaced first)."""
    header = prefix_header(base)
    with atomic_write(out / "kg.trig", "wb") as trig, atomic_write(out / "kg.ttl", "wb") as ttl:
        ttl.write(header)
        trig.write(header)
        for chunk in chunks:
            body = chunk.turtle()
            start, end = trig_block(chunk.graph)
            ttl.write(body)
            trig.writelines((start, body, end))


def serialize_graph(graph: str, triples: list[str], base: str) -> tuple[bytes, bytes]:
    """One named graph as N-Quads, and as a Turtle body without prefix lines, so that the
    bodies of many graphs joined under one :func:`prefix_header` make a valid,
    deterministic ``kg.ttl``, and wrapped in :func:`trig_block` a ``kg.trig``.

    ``triples`` are N-Triples lines without the final dot, sorted and distinct.
    """
    tail = f" <{graph}> .\n"
    nq = (tail.join(triples) + tail).encode("utf-8") if triples else b""
    return nq, turtle_body(triples, base)


def trig_block(graph: str) -> tuple[bytes, bytes]:
    """What goes before and after a graph's Turtle body in TriG: a graph block holds
    Turtle statements.

    >>> trig_block("https://kg.example/graph/a")
    (b'<https://kg.example/graph/a> {\\n', b'}\\n')
    """
    return f"<{graph}> {{\n".encode("utf-8"), b"}\n"


def turtle_body(triples: list[str], base: str) -> bytes:
    r"""Triples as pyoxigraph writes them in Turtle under :func:`prefixes_for` ``base``,
    without the prefix lines: in their order, a subject's consecutive statements joined
    with ``;`` and a predicate's consecutive objects with ``,``.

    Written here, line by line, when every term is in the form :mod:`kg.build` writes
    (IRIs without escapes, literals escaped as pyoxigraph escapes them, no blank node or
    language tag): parsing the lines back into terms cost more than making them. Other
    lines go through pyoxigraph.

    >>> turtle_body(['<https://kg.example/post/a> <http://purl.org/dc/terms/title> "A"',
    ...              '<https://kg.example/post/a> <http://purl.org/dc/terms/title> "B"',
    ...              '<https://kg.example/post/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <x:y>'],
    ...             "https://kg.example/").decode().splitlines()
    ['post:a dcterms:title "A" , "B" ;', '\ta <x:y> .']
    """
    try:
        return _turtle_writer(base).body(triples)
    except _NotCanonical:
        nt = "".join(f"{t} .\n" for t in triples).encode("utf-8")
        return _body(ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                                  prefixes=prefixes_for(base)))


class _NotCanonical(Exception):
    """A term :class:`_TurtleWriter` leaves to pyoxigraph."""


# Turtle's prefixed names (PN_LOCAL, and the escapes pyoxigraph writes in them).
_PN_CHARS = ("A-Za-z0-9_\\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040"
             "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_ESCAPABLE = "~!$&'()*+,;=/?#@%"
_LOCAL_NAME = re.compile(f"[{_PN_CHARS}:.{re.escape(_ESCAPABLE)}]+")
_NEVER_FIRST = re.compile("[\u00B7\u0300-\u036F\u203F\u2040]")  # name characters that cannot start one
# The text of a literal as pyoxigraph writes it: no raw control character, and for each
# character it escapes, the escape it writes.
_AS_WRITTEN = re.compile(r'(?:[^\\\x00-\x1f\x7f]++|\\(?:[tbnrf"\\]|u00(?:0[0-7BEF]|1[0-9A-F])|u007F))*+')
_INLINE = {  # datatypes whose literals pyoxigraph writes bare, when the lexical form allows
    f"{PREFIXES['xsd']}integer": re.compile(r"[+-]?[0-9]+"),
    f"{PREFIXES['xsd']}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"{PREFIXES['xsd']}double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    f"{PREFIXES['xsd']}boolean": re.compile(r"true|false"),
}
_RDF_TYPE = f"<{PREFIXES['rdf']}type>"
_XSD_STRING = f"{PREFIXES['xsd']}string"


def _local_name(name: str) -> str | None:
    """``name`` as the local part of a prefixed name, escaped, or ``None`` if it cannot be one."""
    if not _LOCAL_NAME.fullmatch(name) or _NEVER_FIRST.match(name):
        return None
    out = name
    for c in _ESCAPABLE:  # faster than str.translate, a regular expression, or a loop over the name
        if c in out:
            out = out.replace(c, f"\\{c}")
    if out[0] in "-.":
        out = "\\" + out
    if name[-1] == "." and len(name) > 1:
        out = out[:-1] + "\\."
    return out


class _TurtleWriter:
    """Turtle terms under the prefixes of one base IRI."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.prefixes = sorted(prefixes.items(), key=lambda p: -len(p[1]))  # the longest namespace wins
        self.name_of: dict[str, str] = {}
        for name, namespace in self.prefixes:
            self.name_of.setdefault(namespace, name)
        # in the order above, so the first alternative that matches is the longest namespace
        self.namespace = re.compile("|".join(re.escape(namespace) for _, namespace in self.prefixes))
        self.predicates: dict[str, str] = {_RDF_TYPE: "a"}  # few, and in every graph: kept

    def iri(self, term: str) -> str:
        """An IRI term (``<...>``) in Turtle: a prefixed name where one fits."""
        if "\\" in term:
            raise _NotCanonical(term)
        found = self.namespace.match(term, 1)
        if found is None:
            return term
        local = term[found.end():-1]
        if not local:
            return f"{self.name_of[found.group()]}:"
        escaped = _local_name(local)
        if escaped is not None:
            return f"{self.name_of[found.group()]}:{escaped}"
        value = term[1:-1]  # a shorter namespace may still leave a valid local name
        for name, namespace in self.prefixes:
            if value.startswith(namespace) and (escaped := _local_name(value[len(namespace):])) is not None:
                return f"{name}:{escaped}"
        return term

    def term(self, term: str) -> str:
        """A subject or object in Turtle."""
        first = term[0]
        if first == "<":
            return self.iri(term)
        if first != '"':
            raise _NotCanonical(term)
        end = term.rindex('"')
        if not _AS_WRITTEN.fullmatch(term, 1, end):
            raise _NotCanonical(term)
        if end + 1 == len(term):
            return term
        if term[end + 1] != "^":
            raise _NotCanonical(term)
        datatype = term[end + 4:-1]
        if datatype == _XSD_STRING:
            return term[:end + 1]
        inline = _INLINE.get(datatype)
        if inline is not None and inline.fullmatch(term, 1, end):
            return term[1:end]
        return f"{term[:end + 1]}^^{self.iri(term[end + 3:])}"

    def predicate(self, term: str) -> str:
        """A predicate in Turtle (``a`` for ``rdf:type``)."""
        found = self.predicates.get(term)
        if found is None:
            found = self.iri(term)
            if len(self.predicates) < 10_000:
                self.predicates[term] = found
        return found

    def body(self, triples: list[str]) -> bytes:
        """The statements of N-Triples lines (see :func:`turtle_body`)."""
        out: list[str] = []
        add = out.append
        forms: dict[str, str] = {}  # a graph names its nodes many times
        predicates, predicate_of, term_of = self.predicates, self.predicate, self.term
        subject = predicate = None
        for line in triples:
            s, p, o = line.split(" ", 2)
            obj = forms.get(o) or forms.setdefault(o, term_of(o))
            if s == subject:
                if p == predicate:
                    add(f" , {obj}")
                else:
                    predicate = p
                    add(f" ;\n\t{predicates.get(p) or predicate_of(p)} {obj}")
            else:
                subject, predicate = s, p
                add(f" .\n{forms.get(s) or forms.setdefault(s, term_of(s))} {predicates.get(p) or predicate_of(p)} {obj}")
        if not out:
            return b""
        out[0] = out[0][3:]  # the first statement ends no other
        add(" .\n")
        return "".join(out).encode("utf-8")


@functools.lru_cache(maxsize=8)
def _turtle_writer(base: str) -> _TurtleWriter:
    return _TurtleWriter(prefixes_for(base))


def _body(data: bytes) -> bytes:
    """Serialised RDF without its leading ``@prefix`` lines."""
    start = 0
    while data.startswith(b"@prefix ", start):
        start = data.index(b"\n", start) + 1
    return data[start:]


def graphs_from_store(store: ox.Store) -> dict[str, list[str]]:
    """The named graphs of a store as N-Triples lines (the inverse of writing them)."""
    graphs: dict[str, list[str]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        graph = quad.graph_name
        key = graph.value if isinstance(graph, ox.NamedNode) else ""
        graphs.setdefault(key, []).append(str(ox.Triple(quad.subject, quad.predicate, quad.object)))
    return {g: sorted(lines) for g, lines in graphs.items()}


def base_of(store: ox.Store) -> str:
    """The base IRI a store was built with, read from its corpus graph's name."""
    for graph in store.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value.endswith("/graph/corpus"):
            return graph.value[: -len("graph/corpus")]
    return "https://kg.example/"


# --- projections for Gephi -------------------------------------------------------------------


def plain(value: Any) -> str | int | float | bool | None:
    """A value GraphML and GEXF can hold: a string, integer, float or boolean (lists are
    joined with ``"; "``, other values become JSON or text; ``None`` stays ``None``).

    >>> plain(["a", "b"]), plain(3), plain(True), plain({"k": 1}), plain(None)
    ('a; b', 3, True, '{"k": 1}', None)
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(v) for v in (sorted(value) if isinstance(value, (set, frozenset)) else value))
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def to_exportable(analysis: Analysis, name: str) -> nx.Graph:
    """A copy of projection ``name`` for GraphML and GEXF: each node carries its label,
    kind, community (-1: none), metrics, aliases and number of documents; each edge its
    weight (and, for concepts, the number of passages and NPMI). The analysis is not
    changed."""
    import networkx as nx

    from kg.analyze import community_of

    graph = analysis.co_citation if name == "co-citation" else analysis.graphs[name]
    metrics = analysis.metrics.get(name, {})
    index = community_of(analysis.communities.get(name, []))
    out = nx.DiGraph() if graph.is_directed() else nx.Graph()
    for n in sorted(graph.nodes, key=str):
        attrs: dict[str, Any] = {k: v for k, v in graph.nodes[n].items()}
        attrs.update(label=analysis.label(n), kind=analysis.kinds.get(n, "other"), community=index.get(n, -1),
                     aliases=analysis.aliases.get(n, []), documents=len(analysis.documents_of.get(n, [])),
                     **metrics.get(n, {}))
        out.add_node(str(n), **{k: p for k, v in attrs.items() if (p := plain(v)) is not None})
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        out.add_edge(str(u), str(v), **{k: p for k, val in data.items() if (p := plain(val)) is not None})
    return out


def write_projections(analysis: Analysis, folder: Path, fmt: str) -> list[Path]:
    """Write every projection (and co-citation) as ``folder/<name>.graphml`` or
    ``.gexf``; returns the files written."""
    import networkx as nx

    from kg.files import atomic_write

    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}")
    writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
    written = []
    for name in [*analysis.graphs, "co-citation"]:
        path = folder / f"{name}.{fmt}"
        with atomic_write(path, "wb") as fh:
            writer(to_exportable(analysis, name), fh)
        written.append(path)
    return written


def default_folder(graph: Path, fmt: str) -> Path:
    """Where ``kg export`` writes by default: a folder named after the format beside the
    graph (``exports/graphml/`` for ``exports``, ``exports/kg.ttl`` or ``exports/store``).

    >>> default_folder(Path("exports/kg.ttl"), "gexf").as_posix()
    'exports/gexf'
    """
    base = graph if graph.is_dir() and graph.name != "store" else graph.parent
    return base / fmt


def write_export(graph: Path, fmt: str, folder: Path | None = None) -> list[Path]:
    """``kg export``: open the written graph and write it in ``fmt`` into ``folder``
    (default :func:`default_folder`): the projections for GraphML and GEXF, the whole
    graph (``kg.<fmt>``) for the RDF formats. Returns the files written.

    Raises:
        GraphError: no readable graph at ``graph``.
        KgError: ``folder`` is a file, or the format is unknown.
    """
    from kg.files import write_bytes
    from kg.store import open_graph

    if fmt not in GRAPH_FORMATS and fmt not in RDF_FORMATS:
        raise KgError(f"unknown format {fmt!r} (use {', '.join([*GRAPH_FORMATS, *RDF_FORMATS])})")
    folder = folder if folder is not None else default_folder(graph, fmt)
    if folder.exists() and not folder.is_dir():
        raise KgError("not a folder", path=folder)
    store = open_graph(graph)
    if fmt in GRAPH_FORMATS:
        from kg.analyze import analyze

        return write_projections(analyze(store), folder, fmt)
    path = folder / f"kg.{fmt}"
    write_bytes(path, to_rdf(graphs_from_store(store), fmt, base_of(store)))
    return [path]
