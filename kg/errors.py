"""Errors raised by the library.

Library code raises these (chained with ``from err``); only :mod:`kg.cli` turns them into
one line on stderr and an exit code. Each error can name the file (and line) it is about,
so that the message a user sees always says where the problem is.
"""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """Base class of every error the library raises on purpose.

    Args:
        message: what went wrong, as one sentence without the file name.
        path: the file the error is about, if any.
        line: the 1-based line in that file, if known.

    >>> str(KgError("not UTF-8 and no other encoding fits", path=Path("a.txt"), line=3))
    'a.txt:3: not UTF-8 and no other encoding fits'
    """

    exit_code = 1

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class CorpusError(KgError):
    """A corpus path is missing, empty or cannot be listed, or none of its files can be read.

    Args:
        skipped: the files that could not be read, each with its reason.
    """

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 skipped: list[KgError] | tuple[KgError, ...] = ()):
        super().__init__(message, path=path, line=line)
        self.skipped = list(skipped)


class DocumentError(KgError):
    """One document cannot be read or parsed; the rest of the corpus goes on."""


class ConfigError(KgError):
    """A configuration file or option is invalid."""


class ModelError(KgError):
    """A spaCy pipeline named by the user cannot be loaded."""


class GraphError(KgError):
    """A written graph or store is missing or unreadable."""


class QueryError(KgError):
    """A SPARQL query is invalid, or is an update where only reading is allowed."""


class ValidationError(KgError):
    """The graph does not conform to the SHACL shapes."""


class LockError(KgError):
    """Another build is writing to the same output folder."""


class EvaluationError(KgError):
    """Gold labels or predictions cannot be read for scoring."""
