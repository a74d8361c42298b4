"""RDF: literal extractions become triples with evidence; serialisations parse everywhere."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.build import Minter, corpus_triples, document_triples, iri, literal
from kg.export import to_rdf
from kg.model import Affiliation, Citation, CommentRecord, Entity, Extraction, Span
from kg.resolve import resolve_corpus

BASE = "https://kg.example/"
TEXT = "T\n\nAs Chad Dyer, VP at Sequoia Capital, says, “keep it.”\n\nArt, good."


def extraction() -> Extraction:
    sentence = Span(3, 52)
    return Extraction(
        document="d.txt", doc_id="d", source="d.txt", title="T", post_author=None, post_date="2009-08-01",
        title_span=Span(0, 1),
        persons=(Entity("person", "Chad Dyer", mentions=(Span(6, 15),), roles=("mentioned", "quoted")),
                 Entity("person", "Art", mentions=(Span(54, 57),), roles=("commenter",))),
        organisations=(Entity("organisation", "Sequoia Capital", mentions=(Span(23, 38),)),),
        concepts=(Entity("concept", "control", aliases=("keep it",), mentions=(Span(47, 54),)),),
        citations=(Citation("post", "quotes", Span(3, 52), to_person="Chad Dyer"),),
        comments=(CommentRecord(n=1, span=Span(54, 64), body=Span(54, 64), author="Art", reply_to="post",
                                first_words="Art, good.", author_evidence=Span(54, 57)),),
        affiliations=(Affiliation("Chad Dyer", "Sequoia Capital", Span(6, 38), "VP"),),
        sentences=(sentence, Span(54, 64)),
    )


def graph_of(ex: Extraction) -> dict[str, list[str]]:
    resolution = resolve_corpus([ex])
    minter = Minter(BASE, resolution)
    return {minter.graph(ex.doc_id): document_triples(ex, TEXT, minter), minter.corpus_graph(): corpus_triples(resolution, minter)}


def test_terms_are_escaped():
    assert literal('a "b"\\\n\x01') == '"a \\"b\\"\\\\\\n\\u0001"'
    assert iri("https://x.example/a b<c>") == "<https://x.example/a%20b%3Cc%3E>"


def test_citation_evidence_and_sentence_can_be_followed():
    g = rdflib.Graph().parse(data=to_rdf(graph_of(extraction()), "ttl", BASE).decode(), format="turtle")
    rows = list(g.query("""
        PREFIX cito: <http://purl.org/spar/cito/> PREFIX kg: <https://kg.example/ontology#>
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
        SELECT ?name ?b ?e ?anchor ?sentence WHERE {
          ?c a cito:Citation ; cito:hasCitationCharacterization cito:includesQuotationFrom ;
             cito:hasCitedEntity ?p ; kg:evidence ?span .
          ?p foaf:name ?name .
          ?span nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?anchor ; nif:sentence/nif:anchorOf ?sentence .
        }"""))
    assert len(rows) == 1
    name, b, e, anchor, sentence = (str(x) for x in rows[0])
    assert name == "Chad Dyer" and TEXT[int(b):int(e)] == anchor == sentence


def test_direct_triples_and_membership():
    g = rdflib.Graph().parse(data=to_rdf(graph_of(extraction()), "nt", BASE).decode(), format="nt")
    post = rdflib.URIRef(BASE + "post/d")
    chad = rdflib.URIRef(BASE + "person/chad-dyer")
    seq = rdflib.URIRef(BASE + "organisation/sequoia-capital")
    cito = rdflib.Namespace("http://purl.org/spar/cito/")
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    assert (post, cito.includesQuotationFrom, chad) in g
    assert (chad, org.memberOf, seq) in g
    comment = rdflib.URIRef(BASE + "post/d/comment/1")
    assert (comment, rdflib.URIRef("http://rdfs.org/sioc/ns#reply_of"), post) in g
    assert (comment, rdflib.URIRef("http://purl.org/dc/terms/creator"), rdflib.URIRef(BASE + "person/art")) in g


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld"])
def test_every_format_parses_with_pyoxigraph_and_rdflib(fmt):
    data = to_rdf(graph_of(extraction()), fmt, BASE)
    ox_format = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
                 "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    ox_count = len(list(ox.parse(data, format=ox_format)))
    assert ox_count > 50
    if fmt in ("ttl", "nt"):
        g = rdflib.Graph().parse(data=data.decode(), format={"ttl": "turtle", "nt": "nt"}[fmt])
        assert len(g) == ox_count


def test_turtle_and_ntriples_are_the_same_graph_and_deterministic():
    graphs = graph_of(extraction())
    ttl = rdflib.Graph().parse(data=to_rdf(graphs, "ttl", BASE).decode(), format="turtle")
    nt = rdflib.Graph().parse(data=to_rdf(graphs, "nt", BASE).decode(), format="nt")
    assert isomorphic(ttl, nt)
    assert to_rdf(graphs, "ttl", BASE) == to_rdf(graph_of(extraction()), "ttl", BASE)


def test_hostile_names_still_give_valid_iris_and_literals():
    ex = extraction()
    hostile = 'Zoë "</script>" \\ \u202e 💥\n' + "x" * 300
    ex2 = replace(ex, persons=(Entity("person", hostile, mentions=(Span(6, 15),)),),
                  citations=(Citation("post", "cites", Span(3, 52), to_person=hostile),), affiliations=())
    data = to_rdf(graph_of(ex2), "nt", BASE)
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    names = {t.object.value for t in triples if t.predicate.value.endswith("/name")}
    assert hostile in names


def test_a_hostile_json_cache_still_gives_valid_rdf():
    """An extraction read back from JSON can hold what decoding never gives: lone
    surrogates, non-characters, private use, a lone %, in names and addresses."""
    import json

    from .rdfcheck import check_rdf

    bad = "\ud800 \udfff \ufffe \uffff \ue000 \U0010fffd \x00 % %zz \u202e"
    data = json.loads(json.dumps(extraction().to_json()))
    data["title"] = f"T {bad}"
    data["url"] = f"https://ex.example/{bad}?q={bad}#{bad}"
    data["persons"][0]["name"] = f"Chad {bad}"
    data["citations"][0]["url"] = f"https://us{bad}er@ex.example:8080/{bad}"
    data["comments"][0]["url"] = f"http://ex.example/{bad}"
    ex = Extraction.from_json(data)
    for fmt in ("ttl", "trig", "nt", "nq", "jsonld"):
        assert check_rdf(to_rdf(graph_of(ex), fmt, BASE), fmt) > 50


def pyoxigraph_turtle(lines: list[str]) -> bytes:
    """The Turtle body pyoxigraph writes for N-Triples lines (what turtle_body must give)."""
    from kg.export import prefixes_for

    nt = "".join(f"{t} .\n" for t in lines).encode("utf-8")
    data = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes_for(BASE))
    return b"".join(line for line in data.splitlines(keepends=True) if not line.startswith(b"@prefix "))


#: Local parts of IRIs under a prefix that exercise each rule of Turtle's prefixed names.
LOCAL_NAMES = ["a", "-a", ".a", "a.", "..", ".", "-", "a.b", "_a", "0a", ":a", "a:b", "\u00b7a", "a\u00b7", "\u0300a",
               "a\u0300", "\u203fa", "a\u203f", "é", "\u00d7", "\u00f7a", "\u037e", "\u2070", "\u218f\u2190", "~a",
               "a%20b", "%41", "a/b#c=d,e;f", "!$&'()*+", "?q@x", "", "a b", "\ufffd", "\U00010000", "\U000efffd",
               "\u3000", "\u3001", "\ufdd0", "x\u200c\u200d"]
LITERALS = ['"plain"', literal("tab\tnew\nline\rcr\bback\fform \x00\x07\x0b\x0e\x1f\x7f \"q\" \\ é 💥"),
            '"3"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>', '"2012-08-24"^^<http://www.w3.org/2001/XMLSchema#date>',
            '"-3"^^<http://www.w3.org/2001/XMLSchema#integer>', '"3x"^^<http://www.w3.org/2001/XMLSchema#integer>',
            '"1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"1."^^<http://www.w3.org/2001/XMLSchema#decimal>',
            '"1e5"^^<http://www.w3.org/2001/XMLSchema#double>', '".5E-3"^^<http://www.w3.org/2001/XMLSchema#double>',
            '"1.5"^^<http://www.w3.org/2001/XMLSchema#double>', '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
            '"1"^^<http://www.w3.org/2001/XMLSchema#boolean>', '"x"^^<https://kg.example/ontology#odd>',
            '"x"^^<https://kg.example/other/type>']


def test_turtle_written_line_by_line_is_pyoxigraphs():
    from kg.export import turtle_body

    p = "<http://purl.org/dc/terms/title>"
    lines = sorted({f"{iri(BASE + 'post/' + name)} {p} {iri(BASE + 'concept/' + name)}" for name in LOCAL_NAMES}
                   | {f"{iri(BASE + 'post/x')} {p} {o}" for o in LITERALS}
                   | {f"{iri(BASE + 'post/x')} <https://kg.example/ontology#{n}> <urn:x>" for n in ("a.", "b", "-c")})
    assert turtle_body(lines, BASE) == pyoxigraph_turtle(lines)
    hostile = replace(extraction(), title='Zoë "</script>" \\ \u202e 💥\n\x01', url="https://x.example/a.b-c/?q=1&r=(2)#f.")
    for ex in (extraction(), hostile):
        for lines in graph_of(ex).values():
            assert turtle_body(lines, BASE) == pyoxigraph_turtle(lines)


@pytest.mark.parametrize("odd", ['"A"@en-GB', "_:b1", '"\\u0041"', '"\\t"^^<http://www.w3.org/2001/XMLSchema#string>'])
def test_turtle_of_terms_kg_build_never_writes_is_left_to_pyoxigraph(odd):
    from kg.export import turtle_body

    lines = [f"<{BASE}post/a> <http://purl.org/dc/terms/title> {odd}", f"<{BASE}post/b> <http://purl.org/dc/terms/title> \"b\""]
    assert turtle_body(lines, BASE) == pyoxigraph_turtle(lines)


def _failing_store(*args, **kwargs):
    from kg.errors import GraphError

    raise GraphError("cannot write the store: disk full")


def _slow_rdf_files(*args):
    import time

    import kg.export

    time.sleep(0.5)
    kg.export.write_rdf_files(*args)


def _killed(*args):
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def test_a_failing_store_is_reported_once_the_turtle_is_written(seeds_copy, tmp_path, monkeypatch):
    """The store and kg.ttl/kg.trig are written in processes of their own (each call
    pickled: the replacements below are this module's functions, which the processes
    import): when one fails, the build still waits for the other, so that none is left
    half-written when it reports."""
    import kg.export
    import kg.store
    from kg.config import Config
    from kg.errors import GraphError
    from kg.pipeline import build

    monkeypatch.setattr(kg.store, "write_store_from", _failing_store)
    monkeypatch.setattr(kg.export, "write_rdf_files", _slow_rdf_files)
    out = tmp_path / "out"
    with pytest.raises(GraphError, match="disk full"):
        build([seeds_copy], out, Config())
    assert (out / "kg.ttl").is_file() and (out / "kg.trig").is_file()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_writer_that_dies_is_reported_naming_its_output(seeds_copy, tmp_path, monkeypatch):
    """A writer's process killed (out of memory, say) fails the build with the file it
    was writing, and leaves no record that the outputs are whole."""
    import kg.export
    from kg.config import Config
    from kg.errors import GraphError
    from kg.pipeline import build

    monkeypatch.setattr(kg.export, "write_rdf_files", _killed)
    out = tmp_path / "out"
    with pytest.raises(GraphError, match="ended abruptly") as raised:
        build([seeds_copy], out, Config())
    assert raised.value.path == out / "kg.ttl"
    assert not (out / ".cache" / "manifest.json").exists()
