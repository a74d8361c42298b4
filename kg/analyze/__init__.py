"""Analysis: the written graph becomes networkx projections and metrics.

Input: a pyoxigraph store (the graph of record). Output: an :class:`Analysis` with five
projections (who references whom, post-to-post citations, which ideas connect, how
threads unfold, who talks about what), the metrics of each (degree, PageRank,
betweenness, communities, bridges), co-citation, figures per year, and the names,
documents and evidence sentences the views show; :meth:`Analysis.to_stats` gives the
figures of ``stats.json``.

- :mod:`kg.analyze.projections`: facts -> graphs (pure functions)
- :mod:`kg.analyze.metrics`: graphs -> numbers (pure functions)
- :mod:`kg.analyze.analysis`: the store -> :class:`Analysis` (a handful of SPARQL queries)
- :mod:`kg.analyze.reader`: the rows -> the projections, names, facts and documents
- :mod:`kg.analyze.evidence`: the sentences behind nodes and edges, read when first asked for
- :mod:`kg.analyze.apart`: metrics kept from an earlier build, or measured in a worker
  process while the reader goes on
- :mod:`kg.analyze.stats`: :class:`Analysis` -> ``stats.json``
"""

from kg.analyze.analysis import EVIDENCE_LIMIT, PROJECTIONS, Analysis, analyze, load_query
from kg.analyze.metrics import (
    BETWEENNESS_EXACT_LIMIT, betweenness_sample_size, bridges, centrality, co_citation, communities, community_of,
    per_year, pmi_graph,
)
from kg.analyze.projections import (
    CitationRecord, attribute, concept_windows, discussion_graph, lift, person_concept_graph, post_graph,
    reference_graph, shared_windows,
)
from kg.analyze.stats import COUNTED, to_stats

__all__ = [
    "BETWEENNESS_EXACT_LIMIT", "COUNTED", "EVIDENCE_LIMIT", "PROJECTIONS", "Analysis", "CitationRecord", "analyze", "attribute",
    "betweenness_sample_size", "bridges", "centrality", "co_citation", "communities", "community_of",
    "concept_windows", "discussion_graph", "lift", "load_query", "per_year", "person_concept_graph", "pmi_graph", "post_graph",
    "reference_graph", "shared_windows", "to_stats",
]
