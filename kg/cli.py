"""The ``kg`` command: parse options, call one library function, report.

Data goes to stdout, messages to stderr. Exit codes: 0 done; 1 error (one line on stderr,
no traceback; set ``KG_DEBUG=1`` for one); 2 usage error; 3 done, but some files were
skipped (each named on stderr); 4 the graph does not conform to the shapes.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from kg.cliquery import DEFAULT_GRAPH, report_error, report_skipped, results
from kg.cliquery import configure_logging as _configure_logging
from kg.errors import KgError

EXIT_SKIPPED = 3
EXIT_INVALID = 4

app = typer.Typer(
    name="kg",
    help="Build a knowledge graph of blog posts and their comment threads: who references whom, which ideas connect.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _fail(err: BaseException, code: int = 1) -> typer.Exit:
    _say(f"kg: error: {err}")
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn library errors into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(os.environ.get("KG_DEBUG"))
        _configure_logging(debug)
        _configure_threads()
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except (KeyboardInterrupt, MemoryError) as err:
            raise typer.Exit(report_error(err, _say)) from None
        except Exception as err:  # a library error, or a bug: still one line, the traceback on request
            if debug:
                raise
            raise typer.Exit(report_error(err, _say)) from None

    return wrapper  # type: ignore[return-value]


def _configure_threads() -> None:
    """numpy's OpenBLAS computes in one thread (unless the user says otherwise).

    The layout of the views and the report makes hundreds of small eigenproblems, too
    small for threads to pay. With one thread per core, the node positions depended on
    the number of cores (OpenBLAS splits the work, and the rounding, by thread), and
    idle threads spun for about 0.1 s after each call, a CPU-second in all on a large
    corpus. OpenBLAS reads the setting when it is loaded: this runs before numpy is
    imported, and the worker processes inherit it."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield lambda stage, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done, total=total or None)

        yield update


def _config(config: Path | None, **options: Any) -> Any:
    from kg.config import load_config

    return load_config(config, **options)


def _default_corpus() -> list[Path]:
    local = Path("seeds")
    if local.is_dir():
        return [local]
    from kg.files import bundled_path

    return [bundled_path("seeds")]


def _report_skipped(skipped: list[KgError]) -> None:
    report_skipped(skipped, _say)


ConfigOpt = Annotated[Path | None, typer.Option("--config", help="A TOML file with a [kg] table (default: ./kg.toml if present).", dir_okay=False)]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)]
ModelOpt = Annotated[str | None, typer.Option("--model", help="An installed trained spaCy pipeline whose NER adds a signal (none needed).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", "-j", min=0, show_default=False,
                                               help="Processes for extraction (default 0: one per CPU; small corpora use one).")]


@app.command()
@handle_errors
def build(
    corpus: Annotated[list[Path] | None, typer.Argument(help="Files or folders of posts (default: the bundled seeds/).", show_default=False)] = None,
    out: OutOpt = Path("exports"),
    config: ConfigOpt = None,
    model: ModelOpt = None,
    base_iri: Annotated[str | None, typer.Option("--base-iri", help="Prefix of the IRIs the graph mints.")] = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Build the knowledge graph of a corpus: Turtle, TriG, store, JSON, report and views.

    Example: kg build seeds/ --out exports/
    """
    from kg.pipeline import build as run_build

    cfg = _config(config, model=model, base_iri=base_iri, workers=workers)
    with _progress(not quiet) as progress:
        result = run_build(corpus or _default_corpus(), out, cfg, progress)
    _report_skipped(result.skipped)
    if not quiet:
        c = result.stats.get("counts", {})
        _say(
            f"kg: {result.documents} documents, {c.get('comments', 0)} comments, {c.get('persons', 0)} persons, "
            f"{c.get('organisations', 0)} organisations, {c.get('concepts', 0)} concepts, {c.get('citations', 0)} citations, "
            f"{result.triples} triples"
        )
        _say(f"kg: wrote {out / 'kg.ttl'}, {out / 'kg.trig'}, {out / 'store'}, {out / 'extractions'}/, "
             f"{out / 'report.md'}, {out / 'stats.json'}, {out / 'views' / 'index.html'}")
    if result.skipped:
        _say(f"kg: {len(result.skipped)} file(s) skipped")
        raise typer.Exit(EXIT_SKIPPED)


@app.command()
@handle_errors
def extract(
    docs: Annotated[list[Path], typer.Argument(help="Files or folders of posts.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for one JSON per document.", file_okay=False)],
    config: ConfigOpt = None,
    model: ModelOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Extract each document into a JSON file in the gold-label schema, without building the graph.

    Example: kg extract seeds/ --out predictions/
    """
    from kg.pipeline import extract_documents

    cfg = _config(config, model=model, workers=workers)
    with _progress(not quiet) as progress:
        result = extract_documents(docs, out, cfg, progress)
    _report_skipped(result.skipped)
    if not quiet:
        _say(f"kg: wrote {len(result.files)} extraction(s) to {out}/")
    if result.skipped:
        raise typer.Exit(EXIT_SKIPPED)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
@handle_errors
def query(
    sparql: Annotated[str | None, typer.Argument(help="A SPARQL query (or use --file).", show_default=False)] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a file; a bare name such as who-references-whom.rq finds a shipped query.", dir_okay=False)] = None,
    graph: Annotated[Path, typer.Option("--graph", "-g", help="The graph: an output folder, its store, or an RDF file.")] = DEFAULT_GRAPH,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv, or json (SPARQL 1.1 Query Results JSON).")] = Format.table,
) -> None:
    """Run a read-only SPARQL query over the graph; the usual prefixes are declared.

    Example: kg query --file who-references-whom.rq --format csv
    """
    if (sparql is None) == (file is None):
        raise _fail("give a query or --file, not both and not neither", 2)
    sys.stdout.write(results(sparql, file, graph, fmt.value))


@app.command()
@handle_errors
def validate(
    graph: Annotated[Path, typer.Argument(help="The graph to check: an RDF file or an output folder.")] = Path("exports/kg.ttl"),
    shapes: Annotated[Path | None, typer.Option("--shapes", help="SHACL shapes (default: ontology/shapes.ttl).", dir_okay=False)] = None,
) -> None:
    """Check the graph against the SHACL shapes; exit 4 when it does not conform.

    Example: kg validate exports/kg.ttl
    """
    from kg.validate import validate_graph

    conforms, report = validate_graph(graph, shapes)
    if conforms:
        _say(f"kg: {graph} conforms to the shapes")
        return
    sys.stdout.write(report)
    _say(f"kg: {graph} does not conform to the shapes")
    raise typer.Exit(EXIT_INVALID)


@app.command()
@handle_errors
def view(
    out: OutOpt = Path("exports"),
    open_browser: Annotated[bool, typer.Option("--open", help="Open the index in a web browser.")] = False,
    redraw: Annotated[bool, typer.Option("--redraw", help="Draw the views again from the graph's store.")] = False,
) -> None:
    """Print the path of the views' index (drawn by kg build; again from the store if missing or with --redraw).

    Example: kg view --open
    """
    index = out / "views" / "index.html"
    if redraw or not index.is_file():
        from kg.analyze import analyze
        from kg.files import build_lock
        from kg.render import write_views
        from kg.store import open_graph

        store = open_graph(out)  # first: no build there is an error, not a new folder
        with build_lock(out):
            analysis = analyze(store)
            stats = _read_stats(out) or analysis.to_stats(documents=analysis.documents, skipped=[])
            write_views(analysis, stats, out / "views")
    typer.echo(str(index.resolve()))
    if open_browser:
        import webbrowser

        if not webbrowser.open(index.resolve().as_uri()):
            _say("kg: no browser could be started; open the file above by hand")


def _read_stats(out: Path) -> dict[str, Any] | None:
    path = out / "stats.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@app.command()
@handle_errors
def stats(
    out: OutOpt = Path("exports"),
    as_json: Annotated[bool, typer.Option("--json", help="Print stats.json.")] = False,
) -> None:
    """Print the headline figures: counts, most cited people and works, central concepts.

    Example: kg stats --json
    """
    data = _read_stats(out)
    if data is None:
        from kg.analyze import analyze
        from kg.store import open_graph

        analysis = analyze(open_graph(out))
        data = analysis.to_stats(documents=analysis.documents, skipped=[])
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
        return
    from kg.analyze import COUNTED, PROJECTIONS
    from kg.store import render_table

    counts = data["counts"]
    typer.echo(render_table(["type", "count"], [[k, str(counts[k])] for k in COUNTED]))
    cited = data["most_cited"]["people"][:10]
    if cited:
        typer.echo(render_table(["most cited person", "citations"], [[p["name"], str(p["citations"])] for p in cited]))
    central = data["central_concepts"][:10]
    if central:
        typer.echo(render_table(["central concept", "pagerank"], [[c["name"], f"{c['pagerank']:.3f}"] for c in central]))

    projections = {name: data["projections"][name] for name in PROJECTIONS if name in data.get("projections", {})}
    typer.echo(render_table(["projection", "nodes", "edges", "communities", "most central"],
                            [[name, str(p["nodes"]), str(p["edges"]), str(p["communities"]),
                              ", ".join(n["name"] for n in p["most_central"][:3])] for name, p in projections.items()]), nl=False)


class ExportFormat(str, Enum):
    graphml = "graphml"
    gexf = "gexf"
    ttl = "ttl"
    nt = "nt"
    trig = "trig"
    nq = "nq"
    jsonld = "jsonld"


@app.command()
@handle_errors
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="graphml or gexf: each projection for Gephi; ttl, nt, trig, nq or jsonld: the graph as RDF.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write into (default: a folder named after the format beside the graph, e.g. exports/graphml/).", file_okay=False, show_default=False)] = None,
    graph: Annotated[Path, typer.Option("--graph", "-g", help="The graph: an output folder, its store, or an RDF file.")] = Path("exports"),
) -> None:
    """Write each projection (who references whom, post-to-post, concepts, discussion, people-concepts, co-citation) as GraphML or GEXF, or the graph as RDF.

    Example: kg export --format graphml --out exports/gephi/
    """
    from kg.export import write_export

    files = write_export(graph, fmt.value, out)
    _say(f"kg: wrote {', '.join(str(f) for f in files)}")


@app.command()
@handle_errors
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold JSON files, one per document.", file_okay=False)],
    docs: Annotated[list[Path] | None, typer.Option("--docs", help="Documents to extract and score (default: the bundled seeds/).")] = None,
    pred: Annotated[Path | None, typer.Option("--pred", help="Score these JSON predictions instead of extracting.", file_okay=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    config: ConfigOpt = None,
    model: ModelOpt = None,
) -> None:
    """Score extraction against gold labels: precision, recall and F1 per label.

    Example: kg evaluate --gold tests/data/gold --docs seeds/
    """
    from kg.pipeline import evaluate_documents

    if docs and pred is not None:
        raise _fail("give --docs or --pred, not both", 2)
    cfg = _config(config, model=model)
    scores, skipped = evaluate_documents(gold, docs or (None if pred else _default_corpus()), pred, cfg)
    _report_skipped(skipped)
    if as_json:
        typer.echo(json.dumps(scores.to_json(), indent=2))
    else:
        typer.echo(scores.to_table(), nl=False)
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)


def main() -> None:
    """Run a command, then end the process at once (:func:`exit_now`)."""
    try:
        app()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    exit_now(code if isinstance(code, int) else 1 if code else 0)


def exit_now(code: int) -> None:
    """Flush stdout and stderr and end the process without tearing the interpreter down.

    After a build, the interpreter's own shutdown spent about a second freeing objects one
    by one (700,000 of them on the lemire corpus: lexicons, memo tables, the corpus's
    extractions) that the operating system reclaims at once. Nothing is left to run by
    then: worker pools are shut down and the store written when a command returns, and
    every file is closed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
