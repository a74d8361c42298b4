"""Shared fixtures: the pipeline, the bundled seeds, one build of them per test session, and a
local web server that records the requests nothing may send."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "data" / "gold"
LEMIRE = Path(__file__).resolve().parent / "data" / "lemire"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpora" / "lemire-blog"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import make_nlp

    return make_nlp()


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """``kg build`` of the bundled seeds, once per session (read-only for tests)."""
    from kg.config import Config
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("seeds-build")
    result = build([SEEDS], out, Config())
    return out, result


@pytest.fixture(scope="session")
def lemire_build(tmp_path_factory):
    """``kg build`` of the 13 pages of ``tests/data/lemire``, once per session (read-only)."""
    from kg.config import Config
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("lemire-build")
    result = build([LEMIRE], out, Config())
    assert result.skipped == [] and result.documents == 13
    return out


@pytest.fixture
def seeds_copy(tmp_path):
    """A writable copy of the seeds."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def extract_text(nlp):
    """``extract_text(text)``: parse and extract a literal plain-text post."""
    from kg.extract import extract
    from kg.structure.text import parse_text

    def run(text: str, name: str = "doc.txt"):
        post = parse_text(name.rsplit(".", 1)[0], text)
        return extract(post, nlp, document=name, source=name)

    return run


@pytest.fixture
def web_server():
    """A local web server that records every request: nothing may reach it."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server interface
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}')

        do_POST = do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
