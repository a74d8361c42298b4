"""The store and read-only SPARQL: formats, prefixes, refusals."""

from __future__ import annotations

import json

import pytest

from kg.errors import GraphError, QueryError
from kg.store import format_results, open_graph, query, rows, write_store

GRAPHS = {
    "https://kg.example/graph/a": ['<https://kg.example/person/x> <http://xmlns.com/foaf/0.1/name> "X, \\"the\\" one"'],
    "https://kg.example/graph/b": ['<https://kg.example/person/y> <http://xmlns.com/foaf/0.1/name> "Y"'],
}


@pytest.fixture
def store(tmp_path):
    write_store(tmp_path, GRAPHS)
    return open_graph(tmp_path)


def test_union_of_named_graphs_with_default_prefixes(store):
    result = rows(query(store, "SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n"))
    assert result == [{"n": 'X, "the" one'}, {"n": "Y"}]


def test_json_is_sparql_results_json(store):
    data = json.loads(format_results(query(store, "SELECT ?p ?n WHERE { ?p foaf:name ?n } ORDER BY ?n"), "json"))
    assert data["head"]["vars"] == ["p", "n"]
    first = data["results"]["bindings"][0]
    assert first["p"] == {"type": "uri", "value": "https://kg.example/person/x"}
    assert first["n"]["type"] == "literal" and first["n"]["value"] == 'X, "the" one'


def test_csv_and_table(store):
    csv = format_results(query(store, "SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n"), "csv")
    assert csv.splitlines() == ["n", '"X, ""the"" one"', "Y"]
    table = format_results(query(store, "SELECT ?p WHERE { ?p foaf:name ?n } ORDER BY ?p"), "table")
    assert table.splitlines()[0] == "p" and "https://kg.example/person/x" in table


@pytest.mark.parametrize("update", [
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }",
    "# comment\nCLEAR ALL",
    "DROP GRAPH <https://kg.example/graph/a>",
])
def test_updates_are_refused(store, update):
    with pytest.raises(QueryError, match="updates are refused"):
        query(store, update)


def test_syntax_errors_are_query_errors(store):
    with pytest.raises(QueryError, match="invalid SPARQL"):
        query(store, "SELECT WHERE {")


def test_store_is_swapped_not_rewritten(tmp_path):
    first = write_store(tmp_path, GRAPHS)
    assert write_store(tmp_path, GRAPHS) == first  # unchanged content: nothing rewritten
    second = write_store(tmp_path, {"https://kg.example/graph/a": GRAPHS["https://kg.example/graph/a"]})
    assert second != first and not first.exists() and (tmp_path / "store").resolve() == second.resolve()


def test_missing_graph_is_a_clear_error(tmp_path):
    with pytest.raises(GraphError, match="run `kg build` first"):
        open_graph(tmp_path / "nothing.ttl")


def test_a_turtle_file_is_loaded_into_memory(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text('@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://x/a> foaf:name "A" .\n', encoding="utf-8")
    assert rows(query(open_graph(path), "SELECT ?n WHERE { ?s foaf:name ?n }")) == [{"n": "A"}]
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://x/a> <http://x/b> .", encoding="utf-8")
    with pytest.raises(GraphError, match="cannot parse"):
        open_graph(bad)


def test_a_new_build_removes_what_a_killed_one_left(tmp_path):
    from kg.files import build_lock

    live = write_store(tmp_path, GRAPHS)
    (tmp_path / "views").mkdir()
    left = [tmp_path / ".kg.ttl.ab12_x9z.tmp", tmp_path / "views" / ".index.html.0123abcd.tmp",
            tmp_path / ".store.0123456789abcdef", tmp_path / ".store.old.4242", tmp_path / ".store.4242.link"]
    for path in left[:2]:
        path.write_text("half", encoding="utf-8")
    left[2].mkdir()
    left[3].mkdir()
    left[4].symlink_to(live.name)
    kept = [tmp_path / "kg.ttl", tmp_path / ".hidden.txt", tmp_path / "views" / "index.html"]
    for path in kept:
        path.write_text("mine", encoding="utf-8")
    with build_lock(tmp_path):
        pass
    assert not any(p.exists() or p.is_symlink() for p in left)
    assert all(p.exists() for p in kept) and live.exists() and (tmp_path / "store").resolve() == live.resolve()


def test_batches_loaded_side_by_side_give_the_store_one_load_gives(seeds_build, tmp_path, monkeypatch):
    """Bulk loads run in parallel threads, each on its own batches: the store holds the
    same quads as one load of everything."""
    import kg.store
    from kg.cache import Cache

    out, _ = seeds_build
    cache = Cache(out / ".cache")
    parts = [(graph, key, cache.load_chunk(key).nquads) for graph, key in sorted(cache.load_manifest()["graphs"].items())]
    expected = {str(q) for q in open_graph(out).quads_for_pattern(None, None, None, None)}
    monkeypatch.setattr(kg.store, "BATCH_BYTES", 1)  # a batch per graph
    monkeypatch.setattr(kg.store.os, "cpu_count", lambda: 4)
    batched = open_graph(kg.store.write_store_from(tmp_path, parts))
    assert len(parts) > kg.store.LOADERS > 1
    assert {str(q) for q in batched.quads_for_pattern(None, None, None, None)} == expected


@pytest.mark.parametrize("built", ["seeds_build", "lemire_build"])
def test_the_store_holds_the_quads_of_kg_trig_read_strictly(request, built):
    """The build loads its own N-Quads without IRI validation (kg.store): what it loads is
    what kg.trig says, read with every check on."""
    import pyoxigraph as ox

    out = request.getfixturevalue(built)
    out = out[0] if isinstance(out, tuple) else out
    trig = ox.Store()
    trig.load(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG)
    stored = {str(q) for q in open_graph(out).quads_for_pattern(None, None, None, None)}
    assert len(stored) > 1000
    assert stored == {str(q) for q in trig.quads_for_pattern(None, None, None, None)}


def test_a_store_is_updated_when_few_graphs_changed_and_loaded_anew_when_many_did(tmp_path, monkeypatch):
    """A build starts from a checkpoint of the last store and replaces the graphs that
    changed, unless more than RELOAD_SHARE of them did (removing a graph costs about what
    loading it does): then it loads all. Either way the store holds the build's quads."""
    import kg.store

    def nquads(g, version):
        return f'<https://kg.example/person/p{g}> <http://xmlns.com/foaf/0.1/name> "v{version}" <https://kg.example/graph/{g}> .\n'

    def parts(versions):
        return [(f"https://kg.example/graph/{g}", f"k{g}-{v}", lambda g=g, v=v: nquads(g, v).encode()) for g, v in enumerate(versions)]

    started_from = []
    swap_in = kg.store._swap_in
    monkeypatch.setattr(kg.store, "_swap_in", lambda *a, **k: started_from.append(k.get("checkpoint_of")) or swap_in(*a, **k))
    versions = [0] * 20
    kg.store.write_store_from(tmp_path, parts(versions))
    for changed in (1, 2, 5):  # 5%, 10%: updated; 25%: loaded anew
        previous = {g: name for g, name, _ in parts(versions)}
        versions = [v + 1 if g < changed else v for g, v in enumerate(versions)]
        kg.store.write_store_from(tmp_path, parts(versions), previous=previous)
        store = open_graph(tmp_path)
        assert sorted(str(q) for q in store.quads_for_pattern(None, None, None, None)) == sorted(
            str(ox_quad) for ox_quad in _quads("".join(nquads(g, v) for g, v in enumerate(versions))))
        del store
    assert [s is not None for s in started_from] == [False, True, True, False]


def _quads(text):
    import pyoxigraph as ox

    return ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS)
