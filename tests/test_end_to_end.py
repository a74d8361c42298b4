"""The whole path on the bundled seeds: shapes, facts through SPARQL, determinism."""

from __future__ import annotations

import json

from kg.config import Config
from kg.pipeline import build
from kg.store import open_graph, query, rows
from kg.validate import validate_graph

SOCIALIZATION = "The Socialization of IT"


def test_the_graph_conforms_to_the_shapes(seeds_build):
    out, result = seeds_build
    assert result.documents == 5 and result.skipped == []
    conforms, report = validate_graph(out / "kg.ttl")
    assert conforms, report


def test_socialization_of_it_cites_a_work_by_martin_schneider(seeds_build):
    store = open_graph(seeds_build[0])
    found = rows(query(store, f"""
        SELECT ?title WHERE {{
          ?post dcterms:title "{SOCIALIZATION}" ; cito:cites ?work .
          ?work dcterms:creator/foaf:name "Martin Schneider" ; dcterms:title ?title .
        }}"""))
    assert found == [{"title": "What is ITs role in the Social CRM Revolution"}]


def test_socialization_of_it_quotes_the_corporate_executive_boards_study(seeds_build):
    store = open_graph(seeds_build[0])
    found = rows(query(store, f"""
        SELECT DISTINCT ?title ?org WHERE {{
          ?post dcterms:title "{SOCIALIZATION}" ; cito:includesQuotationFrom ?work .
          ?work dcterms:title ?title ; dcterms:publisher ?o .
          ?o skos:altLabel|foaf:name ?org .
          FILTER (CONTAINS(?org, "Corporate Executive Board"))
        }}"""))
    assert found and {r["title"] for r in found} == {"The Future of Corporate IT"}


def test_evidence_of_a_fact_is_its_sentence_in_the_document(seeds_build):
    from importlib import resources

    store = open_graph(seeds_build[0])
    evidence = rows(query(store, resources.files("kg.queries").joinpath("evidence.rq").read_text()))
    credits = [r for r in evidence if r["kind"] == "credits" and r["about"] == "Prem Kumar"]
    assert len(credits) == 1
    assert credits[0]["document"] == "001_787f81ed9a464c78.txt"
    assert "forwarded to me by friend Prem Kumar" in credits[0]["sentence"]
    # The offsets index the stored text of the document.
    doc = rows(query(store, """SELECT ?s WHERE { ?p kg:documentName "001_787f81ed9a464c78.txt" ; kg:text/nif:isString ?s }"""))[0]["s"]
    assert doc[credits[0]["begin"]:credits[0]["end"]] == credits[0]["evidence"]


def test_who_references_whom(seeds_build):
    from importlib import resources

    store = open_graph(seeds_build[0])
    edges = {(r["sourceLabel"], r["targetLabel"]) for r in rows(query(store, resources.files("kg.queries").joinpath("who-references-whom.rq").read_text()))}
    assert ("Mitch Lieberman", "Irving Wladawsky-Berger") in edges
    assert ("Martin Schneider", "Umberto Miletti") in edges


def test_two_builds_are_byte_identical(seeds_build, seeds_copy, tmp_path):
    out, _ = seeds_build
    again = tmp_path / "again"
    build([seeds_copy], again, Config())  # same documents, another folder
    for name in ("kg.ttl", "kg.trig", "stats.json", "report.md", "views/references.html",
                 "extractions/001_787f81ed9a464c78.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_extraction_json_follows_the_gold_schema(seeds_build):
    data = json.loads((seeds_build[0] / "extractions" / "001_787f81ed9a464c78.json").read_text(encoding="utf-8"))
    for key in ("document", "title", "post_author", "post_date", "persons", "organisations", "concepts",
                "citations", "comments", "affiliations"):
        assert key in data
    assert data["document"] == "001_787f81ed9a464c78.txt"
    assert all({"from", "to_person", "to_work", "to_org", "kind"} <= set(c) for c in data["citations"])
    assert [c["n"] for c in data["comments"]] == list(range(1, 11))
