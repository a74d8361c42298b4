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

import json
import numbers
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.prefixes import PREFIXES

if TYPE_CHECKING:
    import networkx as nx

    from kg.analyze import Analysis

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


def serialize_graph(graph: str, triples: list[str], base: str) -> tuple[bytes, bytes, bytes]:
    """One named graph as N-Quads, and as Turtle and TriG bodies without prefix lines, so
    that the bodies of many graphs joined under one :func:`prefix_header` make a valid,
    deterministic ``kg.ttl`` and ``kg.trig``.

    ``triples`` are N-Triples lines without the final dot, sorted and distinct.
    """
    g = f"<{graph}>"
    nt = "".join(f"{t} .\n" for t in triples).encode("utf-8")
    nq = "".join(f"{t} {g} .\n" for t in triples).encode("utf-8")
    prefixes = prefixes_for(base)
    turtle = _body(ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    # A TriG graph block holds Turtle statements: the same body, wrapped.
    trig = b"%s {\n%s}\n" % (g.encode("utf-8"), turtle)
    return nq, turtle, trig


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
