"""The same corpus gives the same outputs: in another folder, written in another order, in
another process (where string hashing, and so set order, differs), or given as several
paths in any order."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import rdflib
from rdflib.compare import isomorphic

from kg.config import Config
from kg.pipeline import build

from .conftest import SEEDS


#: Not compared: the lock, and the states of the corpus files on this disk (paths, inodes, times).
MACHINE_STATE = {".kg.lock", ".cache/files.json"}


def digests(out: Path) -> dict[str, str]:
    """Every output file but the store's own database files and :data:`MACHINE_STATE`."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).as_posix() not in MACHINE_STATE
            and not p.relative_to(out).parts[0].startswith(".store")}


def test_another_folder_another_process_the_same_bytes(tmp_path):
    copy = tmp_path / "elsewhere" / "posts"
    copy.mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt"), reverse=True):  # another order on disk
        shutil.copy(seed, copy / seed.name)
    outs = []
    for k, corpus in enumerate((SEEDS, copy), 1):
        out = tmp_path / f"out{k}"
        subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--quiet"], check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(k)}, timeout=600)
        outs.append(digests(out))
    assert len(outs[0]) > 15 and outs[0] == outs[1]


def test_several_paths_in_any_order_give_the_same_graph(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for seed in seeds[:2]:
        shutil.copy(seed, a / seed.name)
    for seed in seeds[2:4]:
        shutil.copy(seed, b / seed.name)
    shutil.copy(seeds[4], tmp_path / seeds[4].name)
    single = tmp_path / seeds[4].name
    turtle = []
    for k, paths in enumerate(([a, b, single], [single, b, a], [SEEDS])):
        out = tmp_path / f"out{k}"
        build(paths, out, Config())
        turtle.append((out / "kg.ttl").read_bytes())
        assert (out / "kg.trig").read_bytes() == (tmp_path / "out0" / "kg.trig").read_bytes()
    assert turtle[0] == turtle[1] == turtle[2]
    assert isomorphic(rdflib.Graph().parse(data=turtle[0], format="turtle"),
                      rdflib.Graph().parse(data=turtle[1], format="turtle"))
