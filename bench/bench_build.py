"""Build benchmarks: cold, incremental and unchanged builds, queries, and how cost grows.

Two incremental builds after one page changed: a sentence added at the start of its
post (every later offset in the page moves, so the rows the analysis reads change), and
a change to its markup only (the text stays the same, as when a page is fetched again).

Run:  python bench/bench_build.py [CORPUS] [--runs 3] [--workers N]
(default CORPUS: ../shared/corpora/lemire-blog). Prints Markdown tables: wall time and
peak memory of the whole process tree (the build and its worker processes: the sum of
their proportional set sizes, sampled every 0.5 s, as reading a process's page tables
stalls it), words per second, the time of each stage, the time of each shipped query with
process start, and cost per word on every 4th, every 2nd and every file of the corpus
(each a median of the runs too, each run's figure beside it).

Each build runs in a fresh process on a private copy of the corpus, so that editing one
page for the incremental build leaves the original untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpora" / "lemire-blog"
RUNNER = """
import json, sys, time
from pathlib import Path
from kg.cli import _configure_threads, exit_now
_configure_threads()  # as the kg command does, before numpy loads
from kg.config import Config
from kg.pipeline import build
t = time.perf_counter()
r = build([Path(p) for p in sys.argv[3:]], Path(sys.argv[1]), Config(workers=int(sys.argv[2])))
print(json.dumps({"wall": time.perf_counter() - t, "timings": r.timings, "documents": r.documents,
                  "extracted": r.extracted, "unchanged": r.unchanged, "triples": r.triples}))
exit_now(0)  # and ends as the kg command ends
"""


def tree_pss_kb(root: int) -> int:
    """Memory of a process and all its descendants, in kB: the sum of their proportional
    set sizes, so that pages forked workers share with the build count once (a sum of
    resident sizes would count them in every worker)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:  # the process ended meanwhile
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total


def run_measured(cmd: list[str], memory: bool = True) -> tuple[float, float, str]:
    """Run a command; returns (wall seconds, peak tree memory in GB or 0 when not
    ``memory``, stdout). Its output goes to files: a pipe nobody reads while polling would
    stall it once full."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        peak = 0
        while memory:
            peak = max(peak, tree_pss_kb(proc.pid))
            try:  # (not a sleep: the wall time is taken as soon as the build ends)
                proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                continue
        proc.wait()
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode not in (0, 3):
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.read()}")
        return wall, peak / 1e6, out.read()


def build(out: Path, corpus: list[Path], workers: int) -> dict:
    wall, peak, stdout = run_measured([sys.executable, "-c", RUNNER, str(out), str(workers), *map(str, corpus)])
    data = json.loads(stdout.strip().splitlines()[-1])
    data["wall"], data["peak"] = wall, peak
    return data


def edit_text(page: Path, run: int) -> None:
    """Add a sentence to a page's post (at the start of a WordPress entry's content, else
    of the body; a plain text file gets a line): every offset after it moves."""
    text = page.read_text(encoding="utf-8")
    sentence = f"This sentence was added for run {run} of the benchmark."
    if page.suffix.lower() not in (".html", ".htm"):
        first, _, rest = text.partition("\n")
        page.write_text(f"{first}\n\n{sentence}\n{rest}", encoding="utf-8")
        return
    found = re.search(r'class="entry-content[^"]*"[^>]*>', text) or re.search(r"<body[^>]*>", text)
    at = found.end() if found else 0
    page.write_text(f"{text[:at]}<p>{sentence}</p>{text[at:]}", encoding="utf-8")


def edit_markup(page: Path, run: int) -> None:
    """Change a page's markup only, as fetching it again might (its text stays the same)."""
    page.write_text(page.read_text(encoding="utf-8") + f"\n<!-- fetched again for run {run} -->\n", encoding="utf-8")


def words_of(out: Path) -> int:
    total = 0
    for entry in (out / ".cache" / "extract").glob("*.json"):
        total += len(json.loads(entry.read_text(encoding="utf-8"))["text"].split())
    return total


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> str:
    """Each run's figure, in the order run: a noisy machine shows itself.

    >>> spread([30.04, 29.61, 35.1])
    '30.0, 29.6, 35.1'
    """
    return ", ".join(f"{v:.1f}" if max(values) >= 10 else f"{v:.2f}" for v in values)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=0, help="0: one per CPU")
    args = ap.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"no corpus at {args.corpus}")
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        corpus = work / "corpus"
        shutil.copytree(args.corpus, corpus)
        files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
        print(f"# kg build benchmark: {len(files)} files from {args.corpus}, {os.cpu_count()} CPUs, "
              f"workers={args.workers or 'auto'}\n")

        cold = [build(work / f"cold-{i}", [corpus], args.workers) for i in range(args.runs)]
        out = work / "cold-0"
        words = words_of(out)
        page = files[len(files) // 2]
        edited, fetched, unchanged = [], [], []
        for i in range(args.runs):
            edit_text(page, i)
            edited.append(build(out, [corpus], args.workers))
            unchanged.append(build(out, [corpus], args.workers))
            edit_markup(page, i)
            fetched.append(build(out, [corpus], args.workers))

        def row(name: str, runs: list[dict], target: str) -> list[str]:
            w = median([r["wall"] for r in runs])
            return [name, f"{w:.1f} s", spread([r["wall"] for r in runs]), f"{max(r['peak'] for r in runs):.2f} GB",
                    f"{words / w:,.0f}", str(runs[0]["extracted"]), target]

        print(table(["build", "wall (median)", "runs", "peak memory", "words/s", "documents extracted", "target"], [
            row("cold", cold, "<= 30 s, <= 2 GB"),
            row("one page changed: a sentence added to its post", edited, "<= 3 s, 1 extracted"),
            row("one page changed: its markup only (the same text)", fetched, "<= 3 s, 1 extracted"),
            row("nothing changed", unchanged, "<= 2 s"),
        ]))
        print(f"\n{words:,} words, {cold[0]['documents']} documents, {cold[0]['triples']:,} triples.\n")

        stages = list(dict.fromkeys(k for r in edited + cold + fetched for k in r["timings"]))  # in the order run
        print(table(["stage", "cold (s)", "a sentence added (s)", "markup only (s)"], [
            [s, *(f"{median([r['timings'].get(s, 0) for r in runs]):.2f}" for runs in (cold, edited, fetched))]
            for s in stages]))

        kg = [sys.executable, "-m", "kg"]
        rows = []
        for query in sorted((ROOT / "kg" / "queries").glob("*.rq")):
            times = [run_measured(kg + ["query", "--file", str(query), "--graph", str(out), "--format", "csv"],
                                  memory=False)[0]
                     for _ in range(args.runs)]
            rows.append([query.name, f"{median(times):.2f} s", spread(times), "<= 1 s"])
        print()
        print(table(["shipped query (process start included)", "wall (median)", "runs", "target"], rows))

        print()
        rows = []
        for share, stride in ((0.25, 4), (0.5, 2), (1.0, 1)):  # every 4th, every 2nd, every file
            part = work / f"part-{int(share * 100)}"
            part.mkdir()
            for f in files[::stride]:
                target = part / f.relative_to(corpus)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, target)
            runs = [build(work / f"growth-{int(share * 100)}-{i}", [part], args.workers) for i in range(args.runs)]
            n = words_of(work / f"growth-{int(share * 100)}-0")
            wall = median([r["wall"] for r in runs])
            rows.append([f"{int(share * 100)}%", f"{n:,}", f"{wall:.1f} s", spread([r["wall"] for r in runs]),
                         f"{wall / n * 1e6:.1f} µs", f"{max(r['peak'] for r in runs):.2f} GB"])
        print(table(["corpus", "words", "cold build", "runs", "time per word", "peak memory"], rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
