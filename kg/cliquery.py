"""``kg query`` without the command-line framework, and what :mod:`kg.cli` shares with it.

``kg query ...`` (and ``python -m kg query ...``) answers here when its arguments are a
plain query invocation (:func:`query_args`): importing typer and building the whole
command line costs about 0.2 s, more than most shipped queries take to evaluate.
Anything else (help, a usage error, an option this parser does not know, ``KG_DEBUG``)
goes to :mod:`kg.cli`, which answers as it always has. Both paths read the query, open
the graph, format the results and report an error with the same functions, defined here,
so that they cannot drift.

This module imports neither typer nor anything heavy: :mod:`kg.store` (pyoxigraph) only
once a query is run.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.errors import KgError

#: ``--graph`` when it is not given.
DEFAULT_GRAPH = Path("exports/kg.ttl")
#: The values of ``--format``, the first the default.
FORMATS = ("table", "csv", "json")
_OPTIONS = {"--file": "file", "-f": "file", "--graph": "graph", "-g": "graph", "--format": "format"}


class _Stderr(logging.StreamHandler):
    """Log records as ``kg: message`` on the current ``sys.stderr`` (a test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("kg: %(message)s"))

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(debug: bool) -> None:
    """Warnings of kg on stderr; with ``KG_DEBUG``, everything, the libraries' too. A
    library's own warning ("discarding data: None") would read as kg's and name no file."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, _Stderr)), None)
    if handler is None:
        handler = _Stderr()
        root.addHandler(handler)
    handler.filters = [] if debug else [logging.Filter("kg")]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)


#: A terminal's colour and style codes, as click finds them.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def say(message: str) -> None:
    """One line on stderr, as :mod:`kg.cli` writes it (``click.echo``): without terminal
    colour and style codes unless stderr is a terminal."""
    if not sys.stderr.isatty():
        message = _ANSI.sub("", message)
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def report_skipped(skipped: list[KgError], say: Callable[[str], None] = say) -> None:
    """One line per file skipped, saying why."""
    for err in skipped:
        say(f"kg: skipped {err}")


#: The exit code of a command whose reader stopped reading (``kg stats | head``): that of a
#: program ended by SIGPIPE.
EXIT_PIPE_CLOSED = 128 + 13


def report_error(err: BaseException, say: Callable[[str], None] = say) -> int:
    """Say what went wrong in one line (no traceback) and give the exit code: a library
    error's own, 130 for an interrupt, 141 (silently) when the reader of the output went
    away, 1 for anything else."""
    if isinstance(err, BrokenPipeError):
        # Nothing more can be written; what is still buffered goes nowhere instead of
        # failing again when the process ends.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_PIPE_CLOSED
    if isinstance(err, KgError):
        report_skipped(getattr(err, "skipped", []), say)  # why no document could be read
        say(f"kg: error: {err}")
        return getattr(err, "exit_code", 1)
    if isinstance(err, KeyboardInterrupt):
        say("kg: interrupted; outputs written before are intact")
        return 130
    if isinstance(err, MemoryError):
        say("kg: error: out of memory; lower max_file_bytes or split the corpus")
        return 1
    say(f"kg: error: internal error: {type(err).__name__}: {err} (set KG_DEBUG=1 for the traceback)")
    return 1


def read_query(path: Path) -> str:
    """The text of a query file; a bare name that is no file here finds a shipped query."""
    from kg.errors import QueryError

    if not path.exists() and path.parent == Path("."):
        from importlib import resources

        shipped = resources.files("kg.queries").joinpath(path.name)
        if shipped.is_file():
            return shipped.read_text(encoding="utf-8")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"cannot read the query: {err}", path=path) from err


def results(sparql: str | None, file: Path | None, graph: Path, fmt: str) -> str:
    """What ``kg query`` writes: the results, in ``fmt``, of one query (given, or read from
    ``file``) on ``graph``."""
    from kg.store import format_results, open_graph
    from kg.store import query as evaluate

    text = sparql if sparql is not None else read_query(file)  # type: ignore[arg-type]
    return format_results(evaluate(open_graph(graph), text), fmt)


def query_args(args: list[str]) -> tuple[str | None, Path | None, Path, str] | None:
    """``(sparql, file, graph, format)`` of a plain ``kg query`` invocation, else ``None``.

    Plain means: ``query``, then one SPARQL argument or one ``--file``/``-f``, and at most
    one each of ``--graph``/``-g`` and ``--format``, each option as ``--name value`` (a long
    one also as ``--name=value``), every value non-empty, not starting with ``-``, and one
    that the command line would accept as it is (a readable path; ``--file`` no folder; a
    known format). Anything else is for the command line to parse or refuse.

    >>> sparql, file, graph, fmt = query_args(["query", "-f", "evidence.rq", "--graph", "out", "--format=csv"])
    >>> sparql, file.as_posix(), graph.as_posix(), fmt
    (None, 'evidence.rq', 'out', 'csv')
    >>> sparql, file, graph, fmt = query_args(["query", "ASK {}"])
    >>> sparql, file, graph.as_posix(), fmt
    ('ASK {}', None, 'exports/kg.ttl', 'table')
    >>> [query_args(a) for a in (["query", "--help"], ["query"], ["query", "x", "-f", "y"], ["stats"], ["query", "x", "--format", "CSV"])]
    [None, None, None, None, None]
    """
    if not args or args[0] != "query":
        return None
    values: dict[str, str] = {}
    positional: list[str] = []
    rest = iter(args[1:])
    for token in rest:
        if token.startswith("--") and "=" in token:
            name, value = token.split("=", 1)
        elif token in _OPTIONS:
            name, value = token, next(rest, "")
        elif token.startswith("-") or not token:
            return None
        else:
            positional.append(token)
            continue
        key = _OPTIONS.get(name)
        if key is None or key in values or not value or value.startswith("-"):
            return None
        values[key] = value
    if len(positional) > 1 or (len(positional) == 1) == ("file" in values):
        return None
    fmt = values.get("format", FORMATS[0])
    if fmt not in FORMATS:
        return None
    file = Path(values["file"]) if "file" in values else None
    graph = Path(values["graph"]) if "graph" in values else DEFAULT_GRAPH
    if file is not None and (file.is_dir() or not _readable_if_there(file)):
        return None
    if not _readable_if_there(graph):
        return None
    return (positional[0] if positional else None), file, graph, fmt


def _readable_if_there(path: Path) -> bool:
    return not os.path.exists(path) or os.access(path, os.R_OK)


def main(args: list[str]) -> int | None:
    """Answer a plain ``kg query`` invocation and give its exit code, a failing query's
    too (reported as :mod:`kg.cli` reports it); ``None`` for anything else, and with
    ``KG_DEBUG`` set (the command line shows the traceback)."""
    if os.environ.get("KG_DEBUG"):
        return None
    request = query_args(args)
    if request is None:
        return None
    configure_logging(False)
    try:
        sys.stdout.write(results(*request))
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - one line, as kg.cli says it
        return report_error(err)
    return 0


def entry() -> None:
    """The ``kg`` command and ``python -m kg``: a plain ``kg query`` here, anything else
    through :mod:`kg.cli`."""
    code = main(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from kg.cli import main as run_command

    run_command()
