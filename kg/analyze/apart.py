"""Metrics measured apart: a forked worker process measures the projections finished
first while the reader goes on with the others.

Input: an :class:`~kg.analyze.analysis.Analysis` whose named graphs are complete. Output:
their metrics, communities and bridges, the same as :meth:`Analysis.measure` gives here.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time

from kg.analyze.analysis import Analysis
from kg.analyze.metrics import edge_count
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


class Apart:
    """Projections measured in a forked worker process while this one reads on; without
    fork or a second CPU, or for small graphs, measured here when their result is asked
    for."""

    def __init__(self, analysis: Analysis, names: list[str]):
        self.names = names
        self.analysis = analysis
        self.pool = None
        size = sum(analysis.graphs[n].number_of_nodes() + edge_count(analysis.graphs[n]) for n in names)
        if size >= APART_SIZE and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods():
            import igraph  # noqa: F401  (imported before the fork: the worker takes no import lock)
            import scipy.sparse  # noqa: F401

            _SHARED["analysis"] = analysis
            self.pool = fork_pool(1)
            self.future = self.pool.submit(_measure_in_worker, names)

    def result(self) -> dict[str, Measured]:
        if self.pool is None:
            return {name: measured(self.analysis, name) for name in self.names}
        try:
            return self.future.result()
        finally:
            self.pool.shutdown()
            _SHARED.clear()


__all__ = ["APART_SIZE", "Apart", "Measured", "measured"]
