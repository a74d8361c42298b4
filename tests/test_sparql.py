"""kg query reads the local graph only: every update and every federated query is refused,
whatever its case, comments and prefixes; words inside strings, IRIs and names are not
keywords."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.sparql import check_read_only
from kg.store import open_graph, query, rows, write_store

GRAPHS = {"https://kg.example/graph/a": ['<https://kg.example/person/x> <http://xmlns.com/foaf/0.1/name> "INSERT DATA { }"']}

UPDATES = [
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
    ("insert data { <a:b> <a:c> <a:d> }", "INSERT"),
    ("DELETE DATA { <a:b> <a:c> <a:d> }", "DELETE"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("delete{?s ?p ?o}where{?s ?p ?o}", "DELETE"),
    ("INSERT { ?s a <a:T> } WHERE { ?s ?p ?o }", "INSERT"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
    ("LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <a:g>", "LOAD"),
    ("CLEAR ALL", "CLEAR"),
    ("clear default", "CLEAR"),
    ("DROP GRAPH <https://kg.example/graph/a>", "DROP"),
    ("drop silent all", "DROP"),
    ("CREATE GRAPH <a:g>", "CREATE"),
    ("ADD DEFAULT TO <a:g>", "ADD"),
    ("MOVE <a:g> TO DEFAULT", "MOVE"),
    ("COPY DEFAULT TO <a:g>", "COPY"),
    ("WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("with <a:g> insert { ?s ?p ?o } where { ?s ?p ?o }", "WITH"),
    ("# a comment\n# another\nINSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
    ("PREFIX ex: <http://x/>\nBASE <http://y/>\nDELETE WHERE { ex:a ?p ?o }", "DELETE"),
    ("PREFIX a.b-c: <http://x/#SELECT> # SELECT\nCLEAR ALL", "CLEAR"),
    ("PREFIX : <http://x/>INSERT DATA { :a :b :c }", "INSERT"),
    ("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
    ("CLEAR ALL ; DROP ALL", "CLEAR"),
]


@pytest.fixture
def store(tmp_path):
    write_store(tmp_path, GRAPHS)
    return open_graph(tmp_path)


@pytest.mark.parametrize(("update", "keyword"), UPDATES)
def test_every_kind_of_update_is_refused(update, keyword):
    with pytest.raises(QueryError) as caught:
        check_read_only(update)
    assert str(caught.value) == f"SPARQL updates are refused ({keyword}): kg query only reads the graph"


@pytest.mark.parametrize("service", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/sparql> } SERVICE ?e { ?s ?p ?o } }",
    "ASK { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
])
def test_federated_queries_are_refused(service):
    with pytest.raises(QueryError, match=r"^SERVICE is refused: kg query reads the local graph and never the network$"):
        check_read_only(service)


def test_words_in_strings_iris_variables_and_names_are_not_keywords(store):
    found = rows(query(store, """
        PREFIX drop: <http://example.org/insert#delete>   # LOAD nothing
        SELECT ?insert ?load WHERE {
          ?insert foaf:name ?load .
          FILTER (?load != 'CLEAR' && ?load != '''DROP
          ALL''' && !CONTAINS(STR(?insert), "SERVICE") && !sameTerm(?insert, drop:copy) && ?load < "z")
        }"""))
    assert found == [{"insert": "https://kg.example/person/x", "load": "INSERT DATA { }"}]


def test_the_store_is_opened_read_only(store):
    with pytest.raises(RuntimeError, match="only possible on read-write instances"):
        store.update("INSERT DATA { <a:b> <a:c> <a:d> }")


@pytest.mark.parametrize("sparql", [UPDATES[0][0], UPDATES[6][0], UPDATES[20][0]])
def test_kg_query_refuses_updates_with_one_line(store, tmp_path, sparql):
    result = CliRunner().invoke(app, ["query", sparql, "--graph", str(tmp_path)])
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("kg: error: SPARQL updates are refused (")


def test_kg_query_never_reaches_the_network(store, tmp_path, web_server):
    url, hits = web_server
    for sparql in (f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
                   f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
                   f"LOAD <{url}/data.ttl>"):
        result = CliRunner().invoke(app, ["query", sparql, "--graph", str(tmp_path)])
        assert result.exit_code == 1 and "refused" in result.stderr
    for sparql in (f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
                   f"SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
                   f"DESCRIBE <{url}/thing>"):
        result = CliRunner().invoke(app, ["query", sparql, "--graph", str(tmp_path)])
        assert result.exit_code == 0, result.stderr  # FROM names graphs of the store: nothing is fetched
    assert hits == []
