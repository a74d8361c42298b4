"""Interrupted and concurrent builds: ``kg build`` killed (SIGKILL) at several moments leaves
the previous outputs intact, every file under its final name either the previous version
or the complete new one; a second build on the same folder is refused while one runs."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.files import build_lock
from kg.pipeline import build
from kg.store import open_graph, query, rows

from .conftest import SEEDS

COPIES = 8  # 40 documents: a build of a few seconds


def kg(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def outputs(out: Path) -> dict[str, str]:
    """The digest of every file under its final name (hidden temporary files aside)."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            if rel.parts[0] in ("store",):
                continue
            found[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def write_big_corpus(folder: Path) -> Path:
    """The seeds, copied with varied titles and sentences."""
    folder.mkdir()
    for k in range(COPIES):
        for seed in sorted(SEEDS.glob("*.txt")):
            title, rest = seed.read_text(encoding="utf-8").split("\n", 1)
            (folder / f"{seed.stem}-{k:02d}.txt").write_text(
                f"{title} ({k})\n{rest}\nPost scriptum {k}: Mitch Lieberman wrote about topic {k}.\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("interrupt")
    corpus = write_big_corpus(root / "corpus")
    complete = root / "complete"
    done = kg("build", str(corpus), "--out", str(complete), "--quiet")
    assert done.wait(timeout=600) == 0, done.stderr.read()
    return corpus, outputs(complete)


def intact(out: Path, before: dict[str, str], after: dict[str, str]) -> None:
    """Every file is the previous version or the complete new one, and each reads; no
    previous file is gone until every new one is written (the JSON of documents now gone
    goes last: a build killed after that, before its manifest, leaves the new outputs)."""
    now = outputs(out)
    if now != after:
        assert set(before) <= set(now), sorted(set(before) - set(now))
    for name, digest in now.items():
        assert digest in (before.get(name), after.get(name)), name
    ttl = (out / "kg.ttl").read_bytes()
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) > 1000
    assert len(list(ox.parse((out / "kg.trig").read_bytes(), format=ox.RdfFormat.TRIG))) > 1000
    json.loads((out / "stats.json").read_text(encoding="utf-8"))
    for path in (out / "extractions").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    for path in (out / "views").glob("*.html"):
        assert path.read_text(encoding="utf-8").endswith("</html>\n")
    store = open_graph(out)
    assert rows(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?p a sioct:BlogPost }"))[0]["n"] >= 5


def when_appears(out: Path, pattern: str):
    """A trigger: a path matching ``pattern`` appears under ``out``."""
    before = {p.relative_to(out).as_posix() for p in out.rglob(pattern)}
    return lambda: any(p.relative_to(out).as_posix() not in before for p in out.rglob(pattern))


def when_changed(out: Path, pattern: str):
    """A trigger: a file matching ``pattern`` is replaced (a state that lasts, so that
    polling never misses it)."""
    def state() -> dict[str, tuple[int, int]]:
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob(pattern)}

    before = state()
    return lambda: any(before.get(name) != now for name, now in state().items())


def after(seconds: float):
    start = time.monotonic()
    return lambda: time.monotonic() - start >= seconds


@pytest.mark.parametrize("moment", [
    "while starting", "while extracting", "loading the store", "after the store, before kg.ttl",
    "after kg.ttl, before kg.trig", "between two views", "between two JSON files",
])
def test_a_build_killed_at_any_moment_leaves_the_previous_outputs_intact(tmp_path, big_corpus, moment):
    corpus, complete = big_corpus
    out = tmp_path / "out"
    build([SEEDS], out, Config())
    before = outputs(out)
    process = kg("build", str(corpus), "--out", str(out), "--quiet")
    trigger = {
        "while starting": after(0.5),
        "while extracting": when_appears(out, ".cache/extract/*.json"),  # the first document extracted
        "loading the store": when_appears(out, ".store.*"),
        "after the store, before kg.ttl": when_changed(out, "store"),
        "after kg.ttl, before kg.trig": when_changed(out, "kg.ttl"),
        "between two views": when_changed(out / "views", "*.html"),
        "between two JSON files": when_appears(out / "extractions", "*-0*.json"),
    }[moment]
    deadline = time.monotonic() + 300
    while not trigger():
        assert process.poll() is None, f"the build ended before {moment}: {process.stderr.read()}"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    intact(out, before, complete)
    with build_lock(out):  # the lock died with the process; taking it removes what the build left
        pass
    assert hidden_leftovers(out) == []


def hidden_leftovers(out: Path) -> list[str]:
    store = (out / "store").resolve()
    return sorted(p.name for p in out.rglob(".*") if p.name not in (".kg.lock", ".cache") and p.resolve() != store)


def test_the_build_after_a_killed_one_gives_the_complete_outputs(tmp_path, big_corpus):
    corpus, complete = big_corpus
    out = tmp_path / "out"
    build([SEEDS], out, Config())
    process = kg("build", str(corpus), "--out", str(out), "--quiet")
    trigger = when_appears(out, ".store.*")
    while not trigger():
        assert process.poll() is None
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    again = kg("build", str(corpus), "--out", str(out), "--quiet")
    assert again.wait(timeout=600) == 0, again.stderr.read()
    assert outputs(out) == complete and hidden_leftovers(out) == []


def test_a_second_build_on_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    with build_lock(out):  # held by this process: another process is refused
        second = kg("build", str(SEEDS), "--out", str(out), "--quiet")
        assert second.wait(timeout=300) == 1
        assert second.stderr.read() == f"kg: error: {out}: another kg build is writing to this folder; wait for it to finish\n"
    assert not (out / "kg.ttl").exists()


def test_two_builds_started_together_never_interleave(tmp_path, big_corpus):
    corpus, complete = big_corpus
    out = tmp_path / "out"
    first = kg("build", str(corpus), "--out", str(out), "--quiet")
    lock = out / ".kg.lock"
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.01)
    second = kg("build", str(SEEDS), "--out", str(out), "--quiet")
    assert second.wait(timeout=300) == 1
    assert "another kg build is writing to this folder" in second.stderr.read()
    assert first.wait(timeout=600) == 0, first.stderr.read()
    assert outputs(out) == complete
