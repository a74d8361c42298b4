"""One configuration value for the whole run, from defaults, a TOML file and options.

Input: an optional ``kg.toml`` (``[kg]`` table) and keyword overrides. Output: a frozen
:class:`Config`. The digest of the fields that change extraction is part of the cache key,
so a changed option re-extracts exactly what it affects.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from kg.errors import ConfigError

#: Bumped whenever extraction output changes for the same input and options.
PIPELINE_VERSION = "2"

DEFAULT_BASE_IRI = "https://kg.example/"

#: Files larger than this are skipped with a message naming ``max_file_bytes``: a blog page
#: is well under 1 MB (the largest of a 1,822-page blog is 0.45 MB), and extraction costs
#: about 1.5 GB of memory per MB of text in the worst case; a WordPress export of a large
#: blog may need the limit raised.
DEFAULT_MAX_FILE_BYTES = 10_000_000


@dataclass(frozen=True)
class Config:
    """Options of a run.

    Attributes:
        base_iri: prefix of every instance IRI the graph mints (ends with ``/`` or ``#``).
        model: name of an installed trained spaCy pipeline whose NER adds a signal.
        max_concepts: concepts kept per document in the extraction.
        max_file_bytes: larger files are skipped with a message instead of read.
        workers: worker processes for extraction (0: one per CPU; a small corpus always
            runs in this process).
    """

    base_iri: str = DEFAULT_BASE_IRI
    model: str | None = None
    max_concepts: int = 15
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    workers: int = 0

    def __post_init__(self) -> None:
        if not self.base_iri.startswith(("http://", "https://", "urn:")) or self.base_iri[-1] not in "/#:":
            raise ConfigError(f"base_iri must be an http(s) or urn IRI ending in '/', '#' or ':', got {self.base_iri!r}")
        if self.max_concepts < 0 or self.max_file_bytes <= 0 or self.workers < 0:
            raise ConfigError("max_concepts must be >= 0, max_file_bytes > 0 and workers >= 0")

    def extraction_digest(self) -> str:
        """Digest of everything that changes the per-document extraction besides the
        document: the pipeline's version (its code), the options, and the data it reads
        (:func:`kg.lexicon.data_digest`)."""
        from kg.lexicon import data_digest

        key = {"version": PIPELINE_VERSION, "model": self.model, "max_concepts": self.max_concepts,
               "data": data_digest()}
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]

    def with_options(self, **options: Any) -> Config:
        """A copy with the options that are not ``None`` applied."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_config(path: Path | None = None, **options: Any) -> Config:
    """Read ``[kg]`` from a TOML file (``./kg.toml`` if it exists), then apply options.

    Raises:
        ConfigError: the file cannot be parsed or has unknown or ill-typed keys.
    """
    if path is None and Path("kg.toml").is_file():
        path = Path("kg.toml")
    values: dict[str, Any] = {}
    if path is not None:
        try:
            with path.open("rb") as fh:
                values = tomllib.load(fh).get("kg", {})
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(f"cannot read configuration: {err}", path=path) from err
        known = {f.name for f in fields(Config)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown keys in [kg]: {', '.join(unknown)}", path=path)
    try:
        return Config(**values).with_options(**options)
    except TypeError as err:
        raise ConfigError(f"invalid configuration: {err}", path=path) from err
