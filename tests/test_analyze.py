"""Projections and metrics on tiny literal graphs, with exact expected values."""

from __future__ import annotations

import math

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.analyze import (
    CitationRecord, analyze, attribute, betweenness_sample_size, bridges, centrality, co_citation, communities,
    concept_windows, discussion_graph, lift, load_query, per_year, person_concept_graph, pmi_graph, post_graph,
    reference_graph, shared_windows,
)
from kg.store import query, rows

# --- metrics -------------------------------------------------------------------------------


def test_centrality_on_a_star():
    g = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c")])
    m = centrality(g, weight=None)
    assert m["hub"]["degree"] == 3 and m["a"]["degree"] == 1
    assert m["hub"]["betweenness"] == 1.0 and m["a"]["betweenness"] == 0.0
    assert m["hub"]["pagerank"] > m["a"]["pagerank"]
    assert math.isclose(sum(x["pagerank"] for x in m.values()), 1.0, abs_tol=1e-5)


def test_weighted_pagerank_follows_weight():
    g = nx.DiGraph()
    g.add_edge("a", "b", weight=5)
    g.add_edge("a", "c", weight=1)
    m = centrality(g)
    assert m["b"]["pagerank"] > m["c"]["pagerank"]
    assert m["a"]["strength"] == 6.0
    assert (m["a"]["in_degree"], m["a"]["out_degree"], m["b"]["in_degree"]) == (0, 2, 1)


def test_betweenness_is_exact_on_small_graphs_and_sampled_on_large_ones():
    assert betweenness_sample_size(nx.path_graph(1000)) is None
    big = nx.path_graph(3000)  # 3000 nodes + 2999 edges: 400,000 // 5999 sources
    assert betweenness_sample_size(big) == 66
    m = centrality(big)
    assert m[0]["betweenness"] == 0.0 and m[1500]["betweenness"] > m[10]["betweenness"] > 0


def test_empty_graph_has_no_metrics():
    assert centrality(nx.Graph()) == {} and communities(nx.Graph()) == []


def test_two_triangles_are_two_communities_joined_by_a_bridge():
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    parts = communities(g, weight=None)
    assert parts == [["a", "b", "c"], ["x", "y", "z"]]
    assert bridges(g, parts) == ["c", "x"]


def test_communities_of_a_directed_graph_add_both_directions():
    g = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    parts = communities(g)
    assert parts == [["a", "b", "c"], ["x", "y", "z"]]
    assert bridges(g, parts) == ["c", "x"]  # in- and out-neighbours both count


def test_louvain_without_igraph_finds_the_same_communities(monkeypatch):
    import kg.analyze.metrics as metrics

    monkeypatch.setattr(metrics, "_leiden", lambda graph, weight: None)
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    assert communities(g, weight=None) == [["a", "b", "c"], ["x", "y", "z"]]


def test_communities_are_deterministic_on_a_larger_graph():
    g = nx.relabel_nodes(nx.connected_caveman_graph(12, 6), str)
    parts = communities(g)
    assert parts == communities(g.copy())
    assert len(parts) == 12 and all(len(p) == 6 for p in parts)


def test_pmi_exact_values():
    g = pmi_graph([{"a", "b"}, {"a", "b"}, {"c"}, {"a", "c"}])
    # p(a,b) = 2/4, p(a) = 3/4, p(b) = 2/4: PMI = ln(0.5 / 0.375); NPMI = PMI / -ln(0.5)
    assert g["a"]["b"]["count"] == 2
    assert g["a"]["b"]["npmi"] == pytest.approx(math.log(0.5 / 0.375) / -math.log(0.5), abs=1e-6)
    # p(a,c) = 1/4, p(c) = 2/4: PMI = ln(0.25 / 0.375) < 0, so no positive weight
    assert g["a"]["c"]["npmi"] < 0 and g["a"]["c"]["weight"] == pytest.approx(1e-6)
    assert g.nodes["a"]["count"] == 3


def test_pmi_is_not_dominated_by_frequency():
    # "it" is everywhere, "x" and "y" always together.
    windows = [{"it", "x", "y"}] * 3 + [{"it"}] * 20 + [{"it", "z"}]
    g = pmi_graph(windows)
    assert g["x"]["y"]["npmi"] > g["it"]["x"]["npmi"]


def test_co_citation_counts_common_citers():
    g = nx.DiGraph([("p1", "a"), ("p1", "b"), ("p2", "a"), ("p2", "b"), ("p3", "b"), ("p3", "c"), ("p3", "p3")])
    cc = co_citation(g)
    assert {(u, v): d["weight"] for u, v, d in cc.edges(data=True)} == {("a", "b"): 2, ("b", "c"): 1}


def test_per_year_leaves_out_undated():
    assert per_year([("2015-03-01", "x"), ("2015", "x"), ("2016-01-01", "y"), (None, "z"), ("n.d.", "z")]) == {
        "2015": {"x": 2}, "2016": {"y": 1}}


# --- projections ---------------------------------------------------------------------------


def cite(iri, kind, citing, source, *targets, container=None):
    return CitationRecord(iri, kind, citing, container or citing, source, tuple(targets))


def test_lift_prefers_authors_then_publishers_then_the_work():
    makers = {"w1": (["carol"], ["acme"]), "w2": ([], ["acme"]), "w3": ([], [])}
    assert [lift(x, makers) for x in ("w1", "w2", "w3", "dan")] == [["carol"], ["acme"], ["w3"], ["dan"]]


def test_reference_graph_lifts_works_and_posts_to_their_authors():
    makers = {"work": (["carol"], []), "post-b": (["bob"], []), "untitled": ([], [])}
    records = [
        cite("c1", "links_to", "post-a", "alice", "post-b"),         # alice -> bob (author of post b)
        cite("c2", "cites", "post-b/comment/1", "bob", "work", container="post-b"),  # bob -> carol
        cite("c3", "quotes", "post-b", "bob", "work", "acme"),       # bob -> carol, bob -> acme
        cite("c4", "cites", "post-c", "post-c", "untitled"),         # no author: the post -> the work
        cite("c5", "replies_to", "post-a/comment/1", "bob", "alice"),  # conversation: left out
        cite("c6", "cites", "post-b", "bob", "post-b"),               # nobody references themselves
    ]
    g = reference_graph(records, makers)
    assert {(u, v): d["weight"] for u, v, d in g.edges(data=True)} == {
        ("alice", "bob"): 1, ("bob", "carol"): 2, ("bob", "acme"): 1, ("post-c", "untitled"): 1}


def test_a_citation_naming_a_work_and_its_author_counts_once():
    g = reference_graph([cite("c1", "cites", "p", "mitch", "work", "irving")], {"work": (["irving"], [])})
    assert {(u, v): d["weight"] for u, v, d in g.edges(data=True)} == {("mitch", "irving"): 1}


def test_post_graph_joins_posts_of_the_corpus_only():
    records = [
        cite("c1", "links_to", "a", "x", "b"),
        cite("c2", "cites", "a/comment/1", "y", "b", container="a"),
        cite("c3", "pingback", "c", "z", "a"),
        cite("c4", "cites", "a", "x", "outside"),
        cite("c5", "replies_to", "b/comment/1", "y", "a", container="b"),
        cite("c6", "links_to", "a", "x", "a"),
    ]
    g = post_graph(records, ["a", "b", "c", "d"])
    assert {(u, v): d["weight"] for u, v, d in g.edges(data=True)} == {("a", "b"): 2, ("c", "a"): 1}
    assert "d" not in g  # a post that neither cites nor is cited


def test_discussion_graph_follows_replies():
    g = discussion_graph([("p", "post", None), ("p/1", "comment", "p"), ("p/2", "comment", "p/1"),
                          ("p/3", "pingback", "p"), ("q", "post", None)])
    assert sorted(g.edges) == [("p/1", "p"), ("p/2", "p/1"), ("p/3", "p")]
    assert g.nodes["p/3"]["kind"] == "pingback" and g.degree("q") == 0


def test_person_concept_graph_counts_distinct_writings():
    g = person_concept_graph([("alice", "cloud", "a"), ("alice", "cloud", "a"), ("alice", "cloud", "a/c2"),
                              ("alice", "it", "a"), ("bob", "it", "a/c1")])
    assert {tuple(sorted((u, v))): d["weight"] for u, v, d in g.edges(data=True)} == {
        ("alice", "cloud"): 2, ("alice", "it"): 1, ("bob", "it"): 1}
    assert (g.nodes["alice"]["bipartite"], g.nodes["cloud"]["bipartite"]) == (0, 1)


def test_concept_windows_and_the_windows_pairs_share():
    w = concept_windows([("a", "d", 0), ("b", "d", 0), ("a", "d", 2), ("b", "e", 5)], window=0)
    assert w == {("d", 0): {"a", "b"}, ("d", 2): {"a"}, ("e", 5): {"b"}}
    assert shared_windows(w) == {("a", "b"): [("d", 0)]}
    assert concept_windows([("a", "d", 1)], window=2) == {("d", -1): {"a"}, ("d", 0): {"a"}, ("d", 1): {"a"}}


def test_attribute_finds_the_comment_holding_an_offset():
    spans = [(41, 81, "c1"), (81, 101, "c2")]
    assert [attribute(b, spans) for b in (0, 41, 80, 81, 100, 101)] == [None, "c1", "c1", "c2", "c2", None]


# --- analyze(): a tiny literal graph in a store ----------------------------------------------

TINY = """
@prefix : <https://t.example/> .
@prefix sioc: <http://rdfs.org/sioc/ns#> .
@prefix sioct: <http://rdfs.org/sioc/types#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kg: <https://kg.example/ontology#> .

:graph-a {
  :a a sioc:Post, sioct:BlogPost ; kg:documentName "a.txt" ; kg:text :a-text ; dcterms:title "Post A" ;
     dcterms:date "2015-03-01"^^xsd:date ; dcterms:creator :alice .
  :a-text a nif:Context .
  :s1 a nif:Sentence ; nif:referenceContext :a-text ; nif:beginIndex 0 ; nif:anchorOf "Cloud and IT meet." .
  :s2 a nif:Sentence ; nif:referenceContext :a-text ; nif:beginIndex 21 ; nif:anchorOf "See Post B." .
  :s3 a nif:Sentence ; nif:referenceContext :a-text ; nif:beginIndex 41 ; nif:anchorOf "Carol's Work W says IT matters." .
  :s4 a nif:Sentence ; nif:referenceContext :a-text ; nif:beginIndex 81 ; nif:anchorOf "Agreed on cloud." .
  :m1 itsrdf:taIdentRef :cloud ; nif:sentence :s1 ; nif:referenceContext :a-text .
  :m2 itsrdf:taIdentRef :it ; nif:sentence :s1 ; nif:referenceContext :a-text .
  :m3 itsrdf:taIdentRef :it, :carol ; nif:sentence :s3 ; nif:referenceContext :a-text .
  :m4 itsrdf:taIdentRef :cloud ; nif:sentence :s4 ; nif:referenceContext :a-text .
  :e1 nif:sentence :s2 ; nif:referenceContext :a-text .
  :e2 nif:sentence :s3 ; nif:referenceContext :a-text .
  :c1 a sioct:Comment ; sioc:has_container :a ; sioc:reply_of :a ; dcterms:creator :bob ; kg:position 1 ;
      kg:commentKind "comment" ; kg:textSpan :c1-span .
  :c1-span nif:beginIndex 41 ; nif:endIndex 81 .
  :c2 a sioct:Comment ; sioc:has_container :a ; sioc:reply_of :c1 ; dcterms:creator :alice ; kg:position 2 ;
      kg:commentKind "comment" ; kg:textSpan :c2-span ; kg:firstWords "Agreed on cloud" .
  :c2-span nif:beginIndex 81 ; nif:endIndex 101 .
  :cit1 a cito:Citation ; cito:hasCitingEntity :a ; cito:hasCitedEntity :b ; kg:citationKind "links_to" ; kg:evidence :e1 .
  :cit2 a cito:Citation ; cito:hasCitingEntity :c1 ; cito:hasCitedEntity :w ; kg:citationKind "cites" ; kg:evidence :e2 .
  :cit3 a cito:Citation ; cito:hasCitingEntity :c2 ; cito:hasCitedEntity :bob ; kg:citationKind "replies_to" .
}
:graph-b {
  :b a sioc:Post, sioct:BlogPost ; kg:documentName "b.txt" ; kg:text :b-text ; dcterms:title "Post B" ;
     dcterms:date "2016-05-05"^^xsd:date ; dcterms:creator :bob .
  :b-text a nif:Context .
  :s5 a nif:Sentence ; nif:referenceContext :b-text ; nif:beginIndex 0 ; nif:anchorOf "Cloud is cheap, says Work W." .
  :m5 itsrdf:taIdentRef :cloud ; nif:sentence :s5 ; nif:referenceContext :b-text .
  :cit4 a cito:Citation ; cito:hasCitingEntity :b ; cito:hasCitedEntity :w ; kg:alsoCites :acme ;
        kg:citationKind "quotes" ; kg:evidence :m5 .
}
:graph-corpus {
  :alice a foaf:Person ; rdfs:label "Alice" ; foaf:name "Alice" ; skos:altLabel "Al" .
  :bob a foaf:Person ; rdfs:label "Bob" ; foaf:name "Bob" .
  :carol a foaf:Person ; rdfs:label "Carol" ; foaf:name "Carol" .
  :acme a foaf:Organization ; rdfs:label "Acme" ; foaf:name "Acme" .
  :cloud a skos:Concept ; rdfs:label "cloud computing" ; skos:prefLabel "cloud computing" .
  :it a skos:Concept ; rdfs:label "IT" ; skos:prefLabel "IT" .
  :w a schema:CreativeWork ; rdfs:label "Work W" ; dcterms:title "Work W" ; dcterms:creator :carol .
}
"""
T = "https://t.example/"


@pytest.fixture(scope="module")
def tiny():
    store = ox.Store()
    store.load(TINY.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return store


def weights(graph):
    out = {}
    for u, v, d in graph.edges(data=True):
        key = (u[len(T):], v[len(T):]) if graph.is_directed() else tuple(sorted((u[len(T):], v[len(T):])))
        out[key] = d["weight"]
    return out


def test_analyze_builds_the_five_projections(tiny):
    a = analyze(tiny, window=0)
    assert list(a.graphs) == ["references", "posts", "concepts", "discussion", "people-concepts"]
    assert weights(a.graphs["references"]) == {("alice", "bob"): 1, ("bob", "carol"): 2, ("bob", "acme"): 1}
    assert weights(a.graphs["posts"]) == {("a", "b"): 1}
    assert weights(a.graphs["discussion"]) == {("c1", "a"): 1, ("c2", "c1"): 1}
    assert a.graphs["discussion"].number_of_nodes() == 4  # posts a, b and two comments
    assert weights(a.graphs["people-concepts"]) == {("alice", "cloud"): 2, ("alice", "it"): 1, ("bob", "it"): 1, ("bob", "cloud"): 1}


def test_analyze_weighs_concepts_by_pmi_over_sentences(tiny):
    a = analyze(tiny, window=0)
    g = a.graphs["concepts"]
    # four sentences name a concept: cloud in 3 of them, IT in 2, both in 1
    assert (g.nodes[T + "cloud"]["count"], g.nodes[T + "it"]["count"], g[T + "cloud"][T + "it"]["count"]) == (3, 2, 1)
    assert g[T + "cloud"][T + "it"]["npmi"] == pytest.approx(math.log(0.25 / (0.75 * 0.5)) / -math.log(0.25), abs=1e-6)
    assert a.edge_evidence["concepts"][(T + "cloud", T + "it")] == [{"sentence": "Cloud and IT meet.", "document": "a.txt"}]


def test_analyze_keeps_names_documents_and_evidence(tiny):
    a = analyze(tiny)
    assert a.label(T + "c1") == "Bob" and a.kinds[T + "c2"] == "comment" and a.label(T + "a") == "Post A"
    assert a.aliases[T + "alice"] == ["Al"]
    assert a.documents_of[T + "bob"] == ["a.txt", "b.txt"]  # wrote post b and a comment on post a
    assert a.documents_of[T + "cloud"] == ["a.txt", "b.txt"]
    assert a.node_evidence[T + "carol"] == [{"sentence": "Carol's Work W says IT matters.", "document": "a.txt"}]
    assert a.edge_evidence["references"][(T + "bob", T + "carol")] == [
        {"sentence": "Carol's Work W says IT matters.", "document": "a.txt", "kind": "cites"},
        {"sentence": "Cloud is cheap, says Work W.", "document": "b.txt", "kind": "quotes"}]
    assert ("author", "Bob") in a.facts[T + "c1"] and ("replies to", "Bob") in a.facts[T + "c2"]
    assert a.author_of[T + "c2"] == T + "alice"


def test_analyze_finds_co_citation_and_years(tiny):
    a = analyze(tiny)
    assert weights(a.co_citation) == {("acme", "carol"): 1}
    assert [(y["year"], y["posts"], y["comments"], y["citations"]) for y in a.years] == [("2015", 1, 2, 2), ("2016", 1, 0, 1)]
    assert [c["name"] for c in a.years[0]["most_cited"]] == ["Bob", "Carol"]
    assert [(c["name"], c["count"]) for c in a.years[1]["concepts"]] == [("cloud computing", 1)]


def test_metrics_measured_in_a_worker_process_are_the_same(tiny, monkeypatch):
    import kg.analyze.apart

    here = analyze(tiny).to_stats(documents=2, skipped=[])
    monkeypatch.setattr(kg.analyze.apart, "APART_SIZE", 0)  # every graph large enough for a worker
    assert analyze(tiny).to_stats(documents=2, skipped=[]) == here


def test_the_metrics_key_is_the_graph_as_measured():
    """Kept metrics are keyed by what they are computed from: the name, the nodes, the
    neighbours in order (a float sum follows it) and the weights."""
    from kg.analyze.apart import metrics_key

    def graph(edges, directed=False):
        g = nx.DiGraph() if directed else nx.Graph()
        g.add_weighted_edges_from(edges)
        return g

    edges = [("a", "b", 1.0), ("b", "c", 0.5)]
    key = metrics_key("concepts", graph(edges))
    assert metrics_key("concepts", graph(edges)) == key
    assert metrics_key("references", graph(edges)) != key
    assert metrics_key("concepts", graph(edges, directed=True)) != key
    assert metrics_key("concepts", graph([("a", "b", 1.0), ("b", "c", 0.25)])) != key
    assert metrics_key("concepts", graph(edges[::-1])) != key
    assert metrics_key("concepts", graph([*edges, ("c", "d", 1.0)])) != key


def test_kept_metrics_are_those_measured(tiny, tmp_path):
    from kg.kept import Kept

    measured = analyze(tiny).to_stats(documents=2, skipped=[])
    assert analyze(tiny, kept=Kept(tmp_path)).to_stats(documents=2, skipped=[]) == measured  # measured, kept
    assert len(list(tmp_path.glob("*.json"))) == 5
    assert analyze(tiny, kept=Kept(tmp_path)).to_stats(documents=2, skipped=[]) == measured  # read back


def test_stats_carry_every_projection(tiny):
    stats = analyze(tiny).to_stats(documents=2, skipped=[])
    assert set(stats["projections"]) == {"references", "posts", "concepts", "discussion", "people-concepts"}
    ref = stats["projections"]["references"]
    assert (ref["nodes"], ref["edges"], ref["directed"], ref["components"]) == (4, 3, True, 1)
    assert ref["density"] == 0.25  # 3 of the 4 * 3 possible directed edges
    assert ref["most_central"][0]["name"] == "Carol"  # cited twice by the one who is cited
    assert stats["most_cited"]["people"] == [{"name": "Carol", "iri": T + "carol", "citations": 2},
                                             {"name": "Bob", "iri": T + "bob", "citations": 1}]
    assert stats["most_cited"]["works"] == [{"name": "Work W", "iri": T + "w", "citations": 2}]
    assert stats["co_citation"] == [{"names": ["Acme", "Carol"], "iris": [T + "acme", T + "carol"], "citers": 1}]


@pytest.mark.parametrize("name, graph", [("who-references-whom.rq", "references"), ("post-to-post.rq", "posts")])
def test_the_shipped_queries_give_the_same_edges(tiny, name, graph):
    found = {(r["source"], r["target"]): r["count"] for r in rows(query(tiny, load_query(name)))}
    a = analyze(tiny)
    assert found == {(u, v): d["weight"] for u, v, d in a.graphs[graph].edges(data=True)}
    assert found


def test_the_shipped_reference_query_agrees_with_the_analysis_on_the_seeds(seeds_build):
    from kg.store import open_graph

    store = open_graph(seeds_build[0])
    found = {(r["source"], r["target"]): r["count"] for r in rows(query(store, load_query("who-references-whom.rq")))}
    a = analyze(store)
    assert found == {(u, v): d["weight"] for u, v, d in a.references.edges(data=True)}


def test_on_the_seeds_mitch_references_martin_schneider_and_irving_wladawsky_berger(seeds_build):
    from kg.store import open_graph

    a = analyze(open_graph(seeds_build[0]))
    mitch = "https://kg.example/person/mitch-lieberman"
    cited = {a.label(v): d["weight"] for _, v, d in a.references.out_edges(mitch, data=True)}
    assert cited["Martin Schneider"] == 1 and cited["Irving Wladawsky-Berger"] == 2
    assert "Mitch" in a.aliases[mitch]
    cloud = "https://kg.example/concept/cloud-computing"
    assert {a.label(n) for n in a.concepts[cloud]} >= {"role of IT", "SaaS"}  # which ideas connect


def test_an_empty_graph_gives_empty_projections_and_figures(tmp_path):
    from kg.render import write_views
    from kg.report import write_report

    a = analyze(ox.Store())
    assert all(g.number_of_nodes() == 0 for g in a.graphs.values()) and a.years == []
    stats = a.to_stats(documents=0, skipped=[])
    assert stats["projections"]["references"]["nodes"] == 0 and stats["co_citation"] == []
    assert [p.name for p in write_report(a, stats, tmp_path)] == ["report.md"]
    assert len(write_views(a, stats, tmp_path / "views")) == 6


# --- rows without a store: the same rows as the queries on a store --------------------------


def store_rows(lines, names):
    from kg.analyze.source import StoreSource

    store = ox.Store()
    store.load("".join(f"{t} .\n" for t in lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return {name: StoreSource(store).rows(name) for name in names}


def assert_same_rows(lines, names):
    """graph_rows gives each query's variables and rows (as a multiset, values typed) as a store does."""
    from kg.analyze.source import graph_rows

    found, expected = graph_rows(lines, names), store_rows(lines, names)
    for name in names:
        variables, rows = expected[name]
        assert found[name]["vars"] == variables, name
        assert sorted(map(repr, found[name]["rows"])) == sorted(repr(list(r)) for r in rows), name


def test_rows_without_a_store_on_a_tiny_graph(tiny):
    from kg.analyze.source import CORPUS_QUERIES, GRAPH_QUERIES
    from kg.export import graphs_from_store

    for lines in graphs_from_store(tiny).values():
        assert_same_rows(lines, (*GRAPH_QUERIES, *CORPUS_QUERIES))


D = "<https://t.example/d/"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: What a graph may hold beyond what kg build writes: several values where the build writes
#: one, optional parts missing, escapes, a date with a time zone, a literal that is no number.
ODD = [
    f"{D}p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://rdfs.org/sioc/types#BlogPost>",
    f"{D}p> <https://kg.example/ontology#text> {D}p/text>",
    f'{D}p> <https://kg.example/ontology#documentName> "p.html"',
    f'{D}p> <http://purl.org/dc/terms/title> "Say \\"hi\\"\\tthere\\u0001 \\u00E9"',
    f'{D}p> <http://purl.org/dc/terms/title> "Say"@EN',
    f'{D}p> <http://purl.org/dc/terms/title> "Say"',
    f'{D}p> <http://purl.org/dc/terms/date> "2012-08-24+00:00"^^<{XSD}date>',
    f'{D}p> <http://purl.org/dc/terms/date> "2012-8-24"^^<{XSD}date>',
    f"{D}p> <http://purl.org/dc/terms/creator> {D}ann>",
    f"{D}p> <http://purl.org/dc/terms/creator> {D}bo%20b>",
    f"{D}p> <http://purl.org/dc/terms/publisher> {D}acme>",
    f"{D}c1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://rdfs.org/sioc/types#Comment>",
    f"{D}c1> <http://rdfs.org/sioc/ns#has_container> {D}p>",
    f'{D}c1> <https://kg.example/ontology#position> "007"^^<{XSD}nonNegativeInteger>',
    f'{D}c1> <https://kg.example/ontology#position> "x"^^<{XSD}nonNegativeInteger>',
    f"{D}c1> <https://kg.example/ontology#textSpan> {D}span1>",
    f"{D}c1> <https://kg.example/ontology#textSpan> {D}span2>",
    f'{D}span1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex> "3"^^<{XSD}integer>',
    f'{D}span1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#endIndex> "9"^^<{XSD}integer>',
    f'{D}span2> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex> "4"^^<{XSD}integer>',
    f"{D}c2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://rdfs.org/sioc/types#Comment>",
    f"{D}c2> <http://rdfs.org/sioc/ns#has_container> {D}p>",
    f"{D}c2> <http://rdfs.org/sioc/ns#has_container> {D}q>",
    f"{D}c2> <http://rdfs.org/sioc/ns#reply_of> {D}c1>",
    f"{D}cit1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://purl.org/spar/cito/Citation>",
    f'{D}cit1> <https://kg.example/ontology#citationKind> "cites"',
    f"{D}cit1> <http://purl.org/spar/cito/hasCitingEntity> {D}c2>",
    f"{D}cit1> <http://purl.org/spar/cito/hasCitedEntity> {D}w>",
    f"{D}cit1> <https://kg.example/ontology#alsoCites> {D}ann>",
    f"{D}cit1> <https://kg.example/ontology#alsoCites> {D}acme>",
    f"{D}cit1> <https://kg.example/ontology#evidence> {D}span1>",
    f"{D}cit1> <https://kg.example/ontology#evidence> {D}s1>",
    f"{D}cit2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://purl.org/spar/cito/Citation>",
    f'{D}cit2> <https://kg.example/ontology#citationKind> "links_to"',
    f'{D}cit2> <http://purl.org/spar/cito/hasCitingEntity> "a literal"',
    f"{D}cit2> <http://purl.org/spar/cito/hasCitedEntity> {D}p>",
    f"{D}s1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#Sentence>",
    f"{D}s1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext> {D}p/text>",
    f'{D}s1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex> "0"^^<{XSD}nonNegativeInteger>',
    f'{D}s1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf> "One.\\nTwo."',
    f"{D}s1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#sentence> {D}s1>",
    f"{D}s1> <http://www.w3.org/2005/11/its/rdf#taIdentRef> {D}ann>",
    f"{D}span1> <http://www.w3.org/2005/11/its/rdf#taIdentRef> {D}ann>",
    f"{D}span1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#sentence> {D}s1>",
    f"{D}span1> <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext> {D}p/text>",
    f"{D}w> <http://purl.org/dc/terms/creator> {D}ann>",
    f"{D}m> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/org#Membership>",
    f"{D}ann> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person>",
    f'{D}ann> <http://www.w3.org/2000/01/rdf-schema#label> "Ann"',
    f'{D}ann> <http://www.w3.org/2000/01/rdf-schema#label> "Annie"',
    f'{D}ann> <http://www.w3.org/2004/02/skos/core#altLabel> "A."',
    f"{D}acme> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Organization>",
    f"{D}acme> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person>",
    f'{D}acme> <http://www.w3.org/2000/01/rdf-schema#label> "Acme"',
]


def test_rows_without_a_store_on_an_odd_graph():
    from kg.analyze.source import CORPUS_QUERIES, GRAPH_QUERIES

    assert_same_rows(sorted(ODD), (*GRAPH_QUERIES, *CORPUS_QUERIES))


def cached_graphs(out):
    """Each named graph of a build, from its cache: the N-Triples lines and the rows kept."""
    import json

    from kg.cache import Cache

    cache = Cache(out / ".cache")
    for graph, key in cache.load_manifest()["graphs"].items():
        chunk = cache.load_chunk(key)
        tail = f" <{graph}> .\n"
        data = chunk.nquads().decode("utf-8")
        assert all(line.endswith(tail) for line in data.splitlines(keepends=True))
        lines = [line[: -len(tail)] for line in data.splitlines(keepends=True)]
        yield graph, lines, json.loads(chunk.rows())


@pytest.mark.parametrize("build", ["seeds_build", "lemire_build"])
def test_rows_without_a_store_on_built_graphs(request, build):
    from kg.analyze.source import CORPUS_QUERIES, GRAPH_QUERIES, graph_rows

    out = request.getfixturevalue(build)
    out = out[0] if isinstance(out, tuple) else out
    for graph, lines, kept in cached_graphs(out):
        names = CORPUS_QUERIES if graph.endswith("/graph/corpus") else GRAPH_QUERIES
        assert_same_rows(lines, names)
        assert graph_rows(lines, names) == kept


@pytest.mark.parametrize("build", ["seeds_build", "lemire_build"])
def test_the_analysis_does_not_depend_on_the_order_of_the_rows(request, build):
    """The rows of a graph come in one order from graph_rows, in another from a store."""
    import json
    import random

    from kg.analyze.source import RowsSource

    out = request.getfixturevalue(build)
    out = out[0] if isinstance(out, tuple) else out
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    parts = [rows for _, _, rows in cached_graphs(out)]
    shuffle = random.Random(7).shuffle
    for reorder in (list.reverse, shuffle):
        for part in parts:
            for table in part.values():
                reorder(table["rows"])
        reordered = analyze(RowsSource(parts)).to_stats(documents=stats["documents"], skipped=stats["skipped"])
        assert reordered == stats


@pytest.mark.parametrize("build", ["seeds_build", "lemire_build"])
def test_the_analysis_of_the_store_is_the_analysis_of_the_build(request, build, tmp_path):
    """``kg stats`` and ``kg view --redraw`` analyse the store: the figures and views are
    the build's, although a post's date or a cited post's author lies in another named graph."""
    import json

    from kg.render import write_views
    from kg.store import open_graph

    out = request.getfixturevalue(build)
    out = out[0] if isinstance(out, tuple) else out
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    store = open_graph(out)
    assert sum(1 for _ in store.named_graphs()) > stats["documents"]  # one per document, and the corpus graph
    analysis = analyze(store)
    assert analysis.documents == stats["documents"]
    assert analysis.to_stats(documents=analysis.documents, skipped=stats["skipped"]) == stats
    drawn = write_views(analysis, stats, tmp_path / "views")
    assert [p.read_bytes() for p in drawn] == [(out / "views" / p.name).read_bytes() for p in drawn]


def test_a_graph_without_named_graphs_is_analysed_as_one(seeds_build):
    """A Turtle file (``kg stats`` on kg.ttl without its store) holds no named graphs: its
    queries run on the whole, and the figures count what it holds."""
    import json

    out, _ = seeds_build
    store = ox.Store()
    store.load(path=str(out / "kg.ttl"), format=ox.RdfFormat.TURTLE)
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert analyze(store).to_stats(documents=0, skipped=[])["counts"] == stats["counts"]
