"""SHACL validation of a written graph against ``ontology/shapes.ttl``.

Input: a graph (an RDF file, or an output folder whose ``kg.ttl`` is read) and optional
shapes. Output: ``(conforms, report text)``. Nothing is fetched from the network: JSON-LD
is read by pyoxigraph, which refuses remote contexts.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import GraphError
from kg.lexicon import ontology_path


def validate_graph(graph: Path, shapes: Path | None = None) -> tuple[bool, str]:
    """Validate with pySHACL (SHACL-SPARQL constraints included).

    Raises:
        GraphError: the graph or the shapes cannot be read.
    """
    import pyshacl
    from rdflib import Dataset, Graph

    if graph.is_dir():
        graph = graph / "kg.ttl"
    if not graph.is_file():
        raise GraphError("no graph here; run `kg build` first", path=graph)
    shapes = shapes or ontology_path("shapes.ttl")
    data = Dataset() if graph.suffix in (".trig", ".nq") else Graph()
    try:
        if graph.suffix.lower() in (".jsonld", ".json"):
            data.parse(data=_offline_jsonld(graph), format="nt")
        else:
            data.parse(graph)
    except Exception as err:  # rdflib raises many parser exception types
        raise GraphError(f"cannot parse the graph: {err}", path=graph) from err
    try:
        shapes_graph = Graph().parse(shapes)
    except Exception as err:
        raise GraphError(f"cannot parse the shapes: {err}", path=shapes) from err
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes_graph, advanced=True, allow_warnings=True)
    return bool(conforms), str(text)


def _offline_jsonld(path: Path) -> bytes:
    """JSON-LD as N-Triples (the union of its graphs), parsed by pyoxigraph, which never
    fetches a remote ``@context``: rdflib's parser would download it without asking."""
    import pyoxigraph as ox

    quads = ox.parse(path=str(path), format=ox.RdfFormat.JSON_LD)
    return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
