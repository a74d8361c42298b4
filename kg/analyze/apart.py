"""Metrics measured apart, or kept: a projection whose graph an earlier build measured is
not measured again, and a forked worker process measures the projections finished first
while the reader goes on with the others.

Input: an :class:`~kg.analyze.analysis.Analysis` as its graphs are finished, and where to
keep metrics between builds (:class:`~kg.kept.Kept`, or ``None``). Output: the metrics,
communities and bridges of each projection, the same as :meth:`Analysis.measure` gives
here.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from array import array
from typing import Any

import networkx as nx

from kg.analyze.analysis import Analysis
from kg.analyze.metrics import edge_count
from kg.kept import Kept, digest
from kg.workers import fork_pool

log = logging.getLogger(__name__)

Measured = tuple[dict[str, dict[str, float]], list[list[str]], list[str]]  # metrics, communities, bridges
_SHARED: dict[str, Analysis] = {}


def measured(analysis: Analysis, name: str) -> Measured:
    """The metrics, communities and bridges of projection ``name`` (see :meth:`Analysis.measure`)."""
    t = time.perf_counter()
    analysis.measure(name)
    graph = analysis.graphs[name]
    log.debug("analyze: metrics of %s (%d nodes, %d edges) in %.2f s", name, graph.number_of_nodes(), graph.number_of_edges(),
              time.perf_counter() - t)
    return analysis.metrics[name], analysis.communities[name], analysis.bridges[name]


def _measure_in_worker(names: list[str]) -> dict[str, Measured]:
    return {name: measured(_SHARED["analysis"], name) for name in names}


#: Graphs smaller than this (nodes and edges in all) are measured here: a worker would cost more.
APART_SIZE = 20_000


class Measuring:
    """The metrics of an analysis's projections: :meth:`apart` as the first graphs are
    finished, :meth:`results` once all are."""

    def __init__(self, analysis: Analysis, kept: Kept | None = None):
        self.analysis = analysis
        self.kept = kept
        self.asked: set[str] = set()
        self.keys: dict[str, str] = {}
        self.found: dict[str, Measured] = {}
        self.pool: Any = None
        self.sent: list[str] = []

    def apart(self, names: list[str]) -> None:
        """Measure these projections (not kept) in a forked worker process while this one
        reads on; without fork or a second CPU, or for small graphs, they are measured
        here by :meth:`results`."""
        todo = self._recall(names)
        graphs = self.analysis.graphs
        size = sum(graphs[n].number_of_nodes() + edge_count(graphs[n]) for n in todo)
        if size >= APART_SIZE and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
            import igraph  # noqa: F401  (imported before the fork: the worker takes no import lock)
            import scipy.sparse  # noqa: F401

            _SHARED["analysis"] = self.analysis
            self.pool = fork_pool(1)
            self.future = self.pool.submit(_measure_in_worker, todo)
            self.sent = todo

    def results(self, names: tuple[str, ...] | list[str]) -> dict[str, Measured]:
        """The metrics of ``names``: kept, measured apart, or measured here now; those
        measured now are kept."""
        self._recall(names)
        new = {name: measured(self.analysis, name) for name in names if name not in self.found and name not in self.sent}
        if self.pool is not None:
            try:
                new.update(self.future.result())
            finally:
                self.pool.shutdown()
                self.pool = None
                _SHARED.clear()
        if self.kept is not None:
            for name, value in new.items():
                self.kept.put(self.keys[name], value)
        return {name: self.found[name] if name in self.found else new[name] for name in names}

    def _recall(self, names: tuple[str, ...] | list[str]) -> list[str]:
        """Look up the kept metrics of ``names`` not looked up yet (into :attr:`found`);
        returns those not kept."""
        todo = [name for name in names if name not in self.asked]
        self.asked.update(todo)
        if self.kept is None:
            return todo
        missing = []
        for name in todo:
            self.keys[name] = key = metrics_key(name, self.analysis.graphs[name])
            value = _measured_from_json(self.kept.get(key))
            if value is None:
                missing.append(name)
            else:
                self.found[name] = value
        return missing


def metrics_key(name: str, graph: nx.Graph) -> str:
    """All the metrics of projection ``name`` depend on: the code that measures them and
    the libraries it calls, the name (which metrics it gets), and the graph: its nodes and
    each node's neighbours with the edge weights, in the order the graph holds them (a
    float sum follows it)."""
    names, weights = [], []
    for u, nbrs in graph.adjacency():
        names.append(f"\x00{u}")
        names.extend(map(str, nbrs))
        weights.extend([d.get("weight", 1) for d in nbrs.values()])
    h = digest(("analyze/metrics.py", "analyze/analysis.py"), ("networkx", "igraph", "scipy", "numpy"))
    h.update(f"{name}\x00{graph.is_directed()}".encode())
    h.update("\x01".join(names).encode("utf-8", "surrogatepass"))
    h.update(array("d", weights).tobytes())
    return h.hexdigest()[:32]


def _measured_from_json(value: Any) -> Measured | None:
    """Kept metrics as :func:`measured` gives them, or ``None`` if they are not of that shape."""
    if not (isinstance(value, list) and len(value) == 3):
        return None
    metrics, parts, bridges = value
    if isinstance(metrics, dict) and isinstance(parts, list) and isinstance(bridges, list):
        return metrics, parts, bridges
    return None


__all__ = ["APART_SIZE", "Measured", "Measuring", "measured", "metrics_key"]
