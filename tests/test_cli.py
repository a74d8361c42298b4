"""The command line: every command has help; happy paths exit 0; bad input exits non-zero
with one clear line on stderr and no traceback."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
COMMANDS = ["build", "extract", "query", "validate", "view", "stats", "evaluate", "export"]


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    errors = [line for line in lines if line.startswith("kg: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: kg " in result.stdout


def test_top_level_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


def test_build_happy_path(seeds_copy, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(seeds_copy), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.stderr
    for name in ("kg.ttl", "kg.trig", "stats.json", "report.md", "views/index.html", "views/references.html",
                 "views/concepts.html", "extractions/001_787f81ed9a464c78.json"):
        assert (out / name).is_file(), name
    assert (out / "store").is_dir()


def test_build_summary_goes_to_stderr(seeds_copy, tmp_path):
    result = run("build", str(seeds_copy), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0 and result.stdout == ""
    assert "kg: 5 documents" in result.stderr


def test_build_skips_bad_files_and_says_so(seeds_copy, tmp_path):
    (seeds_copy / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    (seeds_copy / "empty.txt").write_bytes(b"")
    result = run("build", str(seeds_copy), "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 3
    skipped = [line for line in result.stderr.splitlines() if line.startswith("kg: skipped")]
    assert len(skipped) == 2
    assert any("broken.txt: binary file" in line for line in skipped)
    assert len(list((tmp_path / "out" / "extractions").glob("*.json"))) == 5


def test_build_missing_or_empty_corpus(tmp_path):
    result = run("build", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert one_error_line(result) == f"kg: error: {tmp_path / 'nope'}: no such file or folder"
    (tmp_path / "empty").mkdir()
    result = run("build", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "the corpus is empty" in one_error_line(result)


def test_extract_happy_and_error(seeds_copy, tmp_path):
    result = run("extract", str(seeds_copy / "002_d8a23f124b445504.txt"), "--out", str(tmp_path / "x"), "--quiet")
    assert result.exit_code == 0
    data = json.loads((tmp_path / "x" / "002_d8a23f124b445504.json").read_text(encoding="utf-8"))
    assert data["title"] == "Guerilla collaboration" and data["post_date"] == "2009-08-01"
    result = run("extract", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and "no such file or folder" in one_error_line(result)
    result = run("extract", str(seeds_copy))
    assert result.exit_code == 2  # --out is required


def test_query_formats(seeds_build):
    out, _ = seeds_build
    result = run("query", "SELECT (COUNT(*) AS ?n) WHERE { ?p a sioct:BlogPost }", "--graph", str(out), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["results"]["bindings"][0]["n"]["value"] == "5"
    result = run("query", "--file", "who-references-whom.rq", "--graph", str(out / "kg.ttl"), "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "source,sourceLabel,target,targetLabel,count"


@pytest.mark.parametrize("args", [
    ["--file", "who-references-whom.rq", "--format", "csv"],
    ["-f", "evidence.rq", "--format=json"],
    ["SELECT ?post WHERE { ?post a sioct:BlogPost } ORDER BY ?post"],
    ["ASK { ?s ?p ?o }", "--format", "csv"],
    ["DESCRIBE <https://kg.example/concepts>"],
])
def test_query_without_the_command_line_framework_answers_as_it(seeds_build, capsys, args):
    """``python -m kg query`` answers a plain invocation without typer
    (:mod:`kg.cliquery`): the same output as the command line, exit 0."""
    from kg.cliquery import main as quick_query

    out, _ = seeds_build
    args = ["query", *args, "--graph", str(out)]
    expected = run(*args)
    assert quick_query(args) == expected.exit_code == 0
    captured = capsys.readouterr()
    assert captured.out == expected.stdout_bytes.decode() and captured.err == expected.stderr == ""


def test_query_without_the_command_line_framework_leaves_the_rest_to_it(seeds_build, tmp_path, capsys, monkeypatch):
    """Anything but a plain ``kg query`` goes to the command line: help, usage errors,
    options it does not parse, KG_DEBUG."""
    from kg.cliquery import main as quick_query

    out, _ = seeds_build
    for args in (["query", "--help"], ["query"], ["query", "ASK {}", "-f", "x.rq"], ["query", "ASK {}", "--format", "CSV"],
                 ["query", "--", "ASK {}"], ["query", "ASK {}", "-g"], ["query", "-f", str(tmp_path), "-g", str(out)],
                 ["stats", str(out)], []):
        assert quick_query(args) is None, args
    monkeypatch.setenv("KG_DEBUG", "1")
    assert quick_query(["query", "ASK {}", "-g", str(out)]) is None
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("args", [
    ["SELECT * WHERE {"], ["DELETE WHERE { ?s ?p ?o }"], ["-f", "missing.rq"], ["ASK {}", "-g", "none\x1b[31m-red"],
])
def test_a_failing_query_without_the_command_line_framework_is_reported_as_by_it(seeds_build, tmp_path, capsys,
                                                                                 monkeypatch, args):
    """A failing plain query is answered once, without typer: the same line on stderr (a
    terminal's colour codes taken out, as click does off a terminal) and exit code."""
    from kg.cliquery import main as quick_query

    out, _ = seeds_build
    monkeypatch.chdir(tmp_path)
    args = ["query", *args] + ([] if "-g" in args else ["-g", str(out)])
    expected = run(*args)
    assert quick_query(args) == expected.exit_code == 1
    captured = capsys.readouterr()
    assert captured.out == expected.stdout == ""
    assert captured.err == expected.stderr and captured.err.startswith("kg: error: ") and "\x1b" not in captured.err


def test_query_errors(seeds_build, tmp_path):
    out, _ = seeds_build
    result = run("query", "DELETE WHERE { ?s ?p ?o }", "--graph", str(out))
    assert result.exit_code == 1 and "updates are refused" in one_error_line(result)
    result = run("query", "SELECT * WHERE {", "--graph", str(out))
    assert result.exit_code == 1 and "invalid SPARQL" in one_error_line(result)
    result = run("query", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(tmp_path / "none"))
    assert result.exit_code == 1 and "run `kg build` first" in one_error_line(result)
    result = run("query", "--graph", str(out))
    assert result.exit_code == 2 and "give a query or --file" in one_error_line(result)


def test_validate(seeds_build, tmp_path):
    out, _ = seeds_build
    result = run("validate", str(out / "kg.ttl"))
    assert result.exit_code == 0 and "conforms" in result.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix sioct: <http://rdfs.org/sioc/types#> .\n<https://kg.example/post/x> a sioct:BlogPost .\n", encoding="utf-8"
    )
    result = run("validate", str(bad))
    assert result.exit_code == 4 and "Conforms: False" in result.stdout
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    result = run("validate", str(broken))
    assert result.exit_code == 1 and "cannot parse the graph" in one_error_line(result)


def test_view_and_stats(seeds_build, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(seeds_build[0], out, symlinks=True)
    result = run("view", "--out", str(out))
    assert result.exit_code == 0 and result.stdout.strip().endswith("views/index.html")
    drawn = {p.name: p.read_bytes() for p in (out / "views").glob("*.html")}
    for path in (out / "views").glob("*.html"):
        path.unlink()
    result = run("view", "--out", str(out))  # missing: drawn again from the store, the same
    assert result.exit_code == 0 and {p.name: p.read_bytes() for p in (out / "views").glob("*.html")} == drawn
    (out / "views" / "references.html").write_text("stale", encoding="utf-8")
    assert run("view", "--out", str(out)).exit_code == 0
    assert (out / "views" / "references.html").read_text(encoding="utf-8") == "stale"  # left as the build drew it
    assert run("view", "--out", str(out), "--redraw").exit_code == 0
    assert (out / "views" / "references.html").read_bytes() == drawn["references.html"]
    result = run("view", "--out", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "run `kg build` first" in one_error_line(result)
    assert not (tmp_path / "nothing").exists()
    result = run("stats", "--out", str(out), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["counts"]["posts"] == 5
    result = run("stats", "--out", str(out))
    assert result.exit_code == 0 and "posts" in result.stdout and "most cited person" in result.stdout
    assert "people-concepts" in result.stdout  # a line per projection
    built = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    (out / "stats.json").unlink()  # computed from the store: the same figures
    result = run("stats", "--out", str(out), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == built
    result = run("stats", "--out", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "run `kg build` first" in one_error_line(result)


def test_evaluate(seeds_copy, tmp_path):
    from .conftest import GOLD

    result = run("evaluate", "--gold", str(GOLD), "--docs", str(seeds_copy))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["label", "P", "R", "F1", "pred", "gold"]
    assert result.stdout.splitlines()[1].startswith("persons")
    result = run("evaluate", "--gold", str(GOLD), "--docs", str(seeds_copy), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["total"]["comments"]["docs"] == 5
    (tmp_path / "empty").mkdir()
    result = run("evaluate", "--gold", str(tmp_path / "empty"), "--docs", str(seeds_copy))
    assert result.exit_code == 1 and "no gold files" in one_error_line(result)
    (tmp_path / "pred").mkdir()
    (tmp_path / "pred" / "000_1dbe1a397a1ff981.json").write_text("{not json", encoding="utf-8")
    result = run("evaluate", "--gold", str(GOLD), "--pred", str(tmp_path / "pred"))
    assert result.exit_code == 1 and "000_1dbe1a397a1ff981.json: cannot read JSON" in one_error_line(result)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_writes_each_projection_for_gephi(seeds_build, tmp_path, fmt):
    import networkx as nx

    out = tmp_path / fmt
    result = run("export", "--format", fmt, "--graph", str(seeds_build[0]), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    names = ["references", "posts", "concepts", "discussion", "people-concepts", "co-citation"]
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.{fmt}" for n in names)
    stats = json.loads((seeds_build[0] / "stats.json").read_text(encoding="utf-8"))
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    for name in names[:-1]:
        g = read(out / f"{name}.{fmt}")
        assert (g.number_of_nodes(), g.number_of_edges()) == (stats["projections"][name]["nodes"], stats["projections"][name]["edges"])
    refs = read(out / f"references.{fmt}")
    mitch = refs.nodes["https://kg.example/person/mitch-lieberman"]
    assert mitch["label"] == "Mitch Lieberman" and mitch["kind"] == "person" and mitch["aliases"].startswith("Mitch")
    assert mitch["pagerank"] > 0 and isinstance(mitch["community"], int)
    assert refs["https://kg.example/person/mitch-lieberman"]["https://kg.example/person/irving-wladawsky-berger"]["weight"] == 2


def test_export_rdf_and_default_folder(seeds_build, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(seeds_build[0], out, symlinks=True)
    result = run("export", "--format", "nt", "--graph", str(out))
    assert result.exit_code == 0 and str(out / "nt" / "kg.nt") in result.stderr
    lines = (out / "nt" / "kg.nt").read_text(encoding="utf-8").splitlines()
    from kg.store import open_graph, query, rows

    distinct = rows(query(open_graph(out), "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"))
    assert len(lines) == len(set(lines)) == distinct[0]["n"] and all(line.endswith(" .") for line in lines)


def test_export_errors(seeds_build, tmp_path):
    result = runner.invoke(app, ["export", "--format", "xml", "--graph", str(seeds_build[0])])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    result = run("export", "--format", "graphml", "--graph", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "run `kg build` first" in one_error_line(result)
    (tmp_path / "file").write_text("x")
    result = run("export", "--format", "graphml", "--graph", str(seeds_build[0]), "--out", str(tmp_path / "file"))
    assert result.exit_code != 0 and "Traceback" not in result.stderr


def test_library_warnings_do_not_reach_the_user(seeds_copy, tmp_path):
    import subprocess
    import sys

    (seeds_copy / "blank.html").write_text("<html><body><div><span> </span></div></body></html>", encoding="utf-8")
    # a real process: under pytest, logging is already configured by pytest itself
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(seeds_copy), "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 3
    assert done.stderr.splitlines() == [f"kg: skipped {seeds_copy / 'blank.html'}: no text found in the HTML page",
                                        "kg: 1 file(s) skipped"]  # and not trafilatura's "discarding data: None"


def test_validate_never_fetches_a_remote_jsonld_context(tmp_path, web_server):
    url, hits = web_server
    graph = tmp_path / "remote.jsonld"
    graph.write_text(json.dumps({"@context": f"{url}/context", "@id": "https://kg.example/x", "name": "X"}), encoding="utf-8")
    result = run("validate", str(graph))
    assert result.exit_code == 1 and hits == []
    assert one_error_line(result).startswith(f"kg: error: {graph}: cannot parse the graph: ")
    local = tmp_path / "local.jsonld"
    local.write_text(json.dumps({"@context": {"name": "http://xmlns.com/foaf/0.1/name"}, "@id": "https://kg.example/x",
                                 "name": "X"}), encoding="utf-8")
    result = run("validate", str(local))
    assert result.exit_code == 0 and "conforms" in result.stderr


def test_build_takes_a_number_of_workers(seeds_copy, tmp_path):
    done = run("build", str(seeds_copy), "--out", str(tmp_path / "out"), "--workers", "2", "--quiet")
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / "out" / "kg.ttl").is_file()
    refused = run("build", str(seeds_copy), "--out", str(tmp_path / "out"), "--workers", "-1")
    assert refused.exit_code == 2 and "--workers" in refused.stderr


def test_the_kg_command_computes_in_one_blas_thread_unless_told(monkeypatch):
    """The views' node positions must not depend on the machine's cores (OpenBLAS splits
    an eigenproblem by thread); a user's own setting stands."""
    import os

    from kg.cli import _configure_threads

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    _configure_threads()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    _configure_threads()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"


@pytest.mark.parametrize("command", [["stats"], ["query", "SELECT * WHERE { ?s ?p ?o }", "--graph"]])
def test_a_reader_that_stops_reading_ends_the_command_quietly(seeds_build, command):
    """``kg stats | head -1``: once the pipe is closed, no "internal error" line and no
    traceback, and the exit code of a program ended by SIGPIPE (141)."""
    import subprocess
    import sys

    out = str(seeds_build[0])
    args = [*command, out] if command[-1] == "--graph" else [*command, "--out", out]
    process = subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the command has written anything: its first write fails
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 141 and stderr == b""
