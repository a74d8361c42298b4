"""Projections: facts read from the graph become networkx graphs (pure functions).

Input: plain records (citations, thread items, concept mentions, concept uses) as read by
:mod:`kg.analyze.analysis`. Output: networkx graphs whose node and edge attributes are
plain numbers and strings (so that GraphML and GEXF can hold them):

- the reference graph: citing author -> cited person, organisation or work, lifted to
  author -> author where the cited work or post has an author (directed, weighted by the
  number of citations);
- the post-to-post graph: citing post -> cited post of the corpus;
- the concept co-occurrence windows (weighted by PMI in :func:`kg.analyze.metrics.pmi_graph`);
- the discussion graph: comment -> the post or comment it replies to;
- the person-concept graph: author -- concept, weighted by the posts and comments in
  which the author names the concept.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

#: Citation kinds that are conversation in a thread, not references.
CONVERSATION = frozenset({"replies_to"})


@dataclass(frozen=True)
class CitationRecord:
    """One citation as the projections need it.

    Attributes:
        iri: the ``cito:Citation``.
        kind: ``cites``, ``quotes``, ``credits``, ``pingback``, ``links_to``, ``replies_to`` ...
        citing: the citing post, comment or (for a pingback) linking page.
        container: the post that holds the citing comment (the citing entity otherwise).
        source: the citing author (creator, else publisher, else the citing entity).
        targets: the cited entity, then the others the citation also names.
        date: the citing entity's date (or its post's), ``YYYY-MM-DD``, if known.
        evidence: the sentence behind the citation and its document, if known.
    """

    iri: str
    kind: str
    citing: str
    container: str
    source: str
    targets: tuple[str, ...]
    date: str | None = None
    evidence: tuple[tuple[str, str], ...] = field(default=())


def lift(entity: str, makers: Mapping[str, Sequence[str]]) -> list[str]:
    """Who a citation of ``entity`` reaches: the authors of a cited work or post (its
    publishers when no author is known), or the entity itself.

    ``makers`` maps a work or post to ``(creators, publishers)``.

    >>> makers = {"w1": (["irving"], []), "w2": ([], ["ceb"]), "w3": ([], [])}
    >>> lift("w1", makers), lift("w2", makers), lift("w3", makers), lift("prem", makers)
    (['irving'], ['ceb'], ['w3'], ['prem'])
    """
    creators, publishers = makers.get(entity, ((), ()))  # type: ignore[arg-type]
    return list(creators or publishers or [entity])


def reference_edges(records: Iterable[CitationRecord], makers: Mapping[str, Sequence[str]]
                    ) -> dict[tuple[str, str], list[CitationRecord]]:
    """The citations behind each edge of the reference graph (see :func:`reference_graph`)."""
    edges: dict[tuple[str, str], list[CitationRecord]] = defaultdict(list)
    for r in records:
        if r.kind in CONVERSATION:
            continue
        seen: set[str] = set()
        for t in r.targets:
            for target in lift(t, makers):
                if target in seen or target == r.source:
                    continue
                seen.add(target)
                edges[(r.source, target)].append(r)
    return dict(sorted(edges.items()))


def reference_graph(records: Iterable[CitationRecord], makers: Mapping[str, Sequence[str]]) -> nx.DiGraph:
    """Who references whom: citing author -> cited person, organisation or work, lifted
    to the work's (or post's) author; ``weight`` counts distinct citations. Replies in a
    thread are conversation and are left out; nobody references themselves.

    >>> cites = [CitationRecord("c1", "cites", "post1", "post1", "mitch", ("work1",)),
    ...          CitationRecord("c2", "quotes", "post1", "post1", "mitch", ("work1", "irving")),
    ...          CitationRecord("c3", "replies_to", "comment1", "post1", "munish", ("mitch",))]
    >>> g = reference_graph(cites, {"work1": (["irving"], [])})
    >>> sorted((u, v, d["weight"]) for u, v, d in g.edges(data=True))
    [('mitch', 'irving', 2)]
    """
    return weighted_digraph(reference_edges(records, makers))


def post_edges(records: Iterable[CitationRecord], posts: Iterable[str]) -> dict[tuple[str, str], list[CitationRecord]]:
    """The citations behind each edge of the post-to-post graph (see :func:`post_graph`)."""
    corpus = set(posts)
    edges: dict[tuple[str, str], list[CitationRecord]] = defaultdict(list)
    for r in records:
        if r.kind in CONVERSATION or r.container not in corpus:
            continue
        for target in dict.fromkeys(r.targets):
            if target in corpus and target != r.container:
                edges[(r.container, target)].append(r)
    return dict(sorted(edges.items()))


def post_graph(records: Iterable[CitationRecord], posts: Iterable[str]) -> nx.DiGraph:
    """Post-to-post citations: the post that cites (or holds the comment that cites) ->
    the post of the corpus it cites or links; ``weight`` counts citations. Posts that
    neither cite nor are cited by another post are left out.

    >>> cites = [CitationRecord("c1", "links_to", "a", "a", "x", ("b",)),
    ...          CitationRecord("c2", "cites", "a/comment/1", "a", "y", ("b", "w")),
    ...          CitationRecord("c3", "pingback", "c", "c", "z", ("a",))]
    >>> g = post_graph(cites, ["a", "b", "c"])
    >>> sorted((u, v, d["weight"]) for u, v, d in g.edges(data=True))
    [('a', 'b', 2), ('c', 'a', 1)]
    """
    return weighted_digraph(post_edges(records, posts))


def weighted_digraph(edges: Mapping[tuple[str, str], Sequence[object]]) -> nx.DiGraph:
    """A directed graph of ``edges`` in their order, ``weight`` the number of items behind each.

    >>> sorted(weighted_digraph({("a", "b"): [1, 2]}).edges(data=True))
    [('a', 'b', {'weight': 2})]
    """
    graph = nx.DiGraph()
    graph.add_edges_from((u, v, {"weight": len(items)}) for (u, v), items in edges.items())
    return graph


def discussion_graph(items: Iterable[tuple[str, str, str | None]]) -> nx.DiGraph:
    """How threads unfold: ``(node, kind, parent)`` items (posts have no parent) become
    reply edges ``comment -> parent``; ``kind`` is kept on each node.

    >>> g = discussion_graph([("p", "post", None), ("p/c1", "comment", "p"), ("p/c2", "comment", "p/c1")])
    >>> sorted(g.edges), g.nodes["p/c2"]["kind"]
    ([('p/c1', 'p'), ('p/c2', 'p/c1')], 'comment')
    """
    graph = nx.DiGraph()
    items = sorted(items, key=lambda x: x[0])
    graph.add_nodes_from((node, {"kind": kind}) for node, kind, _ in items)
    graph.add_edges_from((node, parent, {"weight": 1}) for node, _, parent in items if parent is not None and parent != node)
    return graph


def person_concept_graph(uses: Iterable[tuple[str, str, str]]) -> nx.Graph:
    """Who talks about what: ``(author, concept, writing)`` uses become a bipartite graph
    (``bipartite`` 0 for authors, 1 for concepts); ``weight`` is the number of distinct
    posts and comments in which the author names the concept.

    >>> g = person_concept_graph([("mitch", "cloud", "p1"), ("mitch", "cloud", "p1"), ("mitch", "cloud", "p2"),
    ...                           ("munish", "cloud", "p1/c1")])
    >>> g["mitch"]["cloud"]["weight"], g["munish"]["cloud"]["weight"], g.nodes["cloud"]["bipartite"]
    (2, 1, 1)
    """
    writings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for author, concept, writing in uses:
        writings[(author, concept)].add(writing)
    ordered = sorted(writings.items())
    side: dict[str, int] = {}  # in the order first named; a node named on both sides keeps the last
    for author, concept in (pair for pair, _ in ordered):
        side[author] = 0
        side[concept] = 1
    graph = nx.Graph()
    graph.add_nodes_from((n, {"bipartite": b}) for n, b in side.items())
    graph.add_edges_from((author, concept, {"weight": len(where)}) for (author, concept), where in ordered)
    return graph


@dataclass(frozen=True)
class WindowTable:
    """Which concepts each text window names, as two integer columns: one row per window
    and concept named in it, rows sorted by window then concept, windows and concepts
    numbered in sorted order (so that numbers compare as the names do). Counting pairs
    of concepts over tens of thousands of windows is then array work, not dict work.

    Attributes:
        keys: the windows, in order (``(context, j)``, or positions in a list).
        concepts: the concepts, sorted.
        window: each row's window number.
        concept: each row's concept number.
    """

    keys: list[Any]
    concepts: list[str]
    window: np.ndarray
    concept: np.ndarray

    @classmethod
    def of_mentions(cls, mentions: Iterable[tuple[str, str, int]], window: int = 1) -> WindowTable:
        """The windows of ``(concept, context, position)`` mentions (see :func:`concept_windows`)."""
        found = list(mentions)
        concepts = sorted({c for c, _, _ in found})
        contexts = sorted({x for _, x, _ in found})
        concept_no = {c: i for i, c in enumerate(concepts)}
        context_no = {x: i for i, x in enumerate(contexts)}
        concept = np.array([concept_no[c] for c, _, _ in found], dtype=np.int64)
        context = np.array([context_no[x] for _, x, _ in found], dtype=np.int64)
        position = np.array([i for _, _, i in found], dtype=np.int64)
        span = int(position.max()) + window + 1 if found else 1  # window (x, j) is number x * span + j + window
        codes = np.concatenate([context * span + position - d + window for d in range(window + 1)])
        rows = np.unique(codes * max(len(concepts), 1) + np.tile(concept, window + 1))
        code, concept = np.divmod(rows, max(len(concepts), 1))
        numbers, window_no = np.unique(code, return_inverse=True)
        keys = [(contexts[c // span], c % span - window) for c in numbers.tolist()]
        return cls(keys, concepts, window_no.reshape(-1), concept)

    @classmethod
    def of_windows(cls, windows: Mapping[Any, set[str]] | Sequence[set[str]]) -> WindowTable:
        """The table of windows given as sets: a mapping (its keys sorted) or a list (in order)."""
        keys = sorted(windows) if isinstance(windows, Mapping) else list(range(len(windows)))
        sets = [windows[k] for k in keys]
        concepts = sorted(set().union(*sets))
        concept_no = {c: i for i, c in enumerate(concepts)}
        window = np.repeat(np.arange(len(sets), dtype=np.int64), [len(s) for s in sets])
        concept = np.array([concept_no[c] for s in sets for c in s], dtype=np.int64)
        order = np.lexsort((concept, window))
        return cls(keys, concepts, window[order], concept[order])

    def to_dict(self) -> dict[Any, set[str]]:
        out: dict[Any, set[str]] = {}
        for w, c in zip(self.window.tolist(), self.concept.tolist()):
            out.setdefault(self.keys[w], set()).add(self.concepts[c])
        return out

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pair of concepts named in one window: columns ``a < b`` and the window,
        rows sorted by ``a``, ``b``, window."""
        n = len(self.window)
        starts = np.flatnonzero(np.r_[True, self.window[1:] != self.window[:-1]])
        sizes = np.diff(np.r_[starts, n])
        left = np.repeat(sizes, sizes) - (np.arange(n) - np.repeat(starts, sizes)) - 1  # rows after this one in its window
        a, b, w = [], [], []
        rows = np.flatnonzero(left > 0)
        d = 1
        while len(rows):
            a.append(self.concept[rows])
            b.append(self.concept[rows + d])
            w.append(self.window[rows])
            d += 1
            rows = rows[left[rows] >= d]
        if not a:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        a_, b_, w_ = np.concatenate(a), np.concatenate(b), np.concatenate(w)
        order = np.lexsort((w_, b_, a_))
        return a_[order], b_[order], w_[order]


def concept_windows(mentions: Iterable[tuple[str, str, int]], window: int = 1) -> dict[tuple[str, int], set[str]]:
    """Text windows and the concepts named in them, from ``(concept, context, position)``
    mentions (``position``: the sentence's rank in its document). Window ``(context, j)``
    holds sentences ``j .. j + window``; ``window=0`` is one sentence.

    >>> w = concept_windows([("a", "d", 0), ("b", "d", 1), ("c", "d", 3)])
    >>> {k: sorted(v) for k, v in sorted(w.items())}
    {('d', -1): ['a'], ('d', 0): ['a', 'b'], ('d', 1): ['b'], ('d', 2): ['c'], ('d', 3): ['c']}
    """
    return WindowTable.of_mentions(mentions, window).to_dict()


def shared_windows(windows: Mapping[tuple[str, int], set[str]] | WindowTable, limit: int = 3
                   ) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """For each pair of concepts, the first ``limit`` windows (in order) they share; the
    pairs in the order first met, window by window.

    >>> shared_windows({("d", 0): {"a", "b"}, ("d", 1): {"b"}, ("e", 0): {"b", "a"}})
    {('a', 'b'): [('d', 0), ('e', 0)]}
    """
    table = windows if isinstance(windows, WindowTable) else WindowTable.of_windows(windows)
    a, b, w = table.pairs()
    if not len(a):
        return {}
    starts = np.flatnonzero(np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])])
    counts = np.diff(np.r_[starts, len(a)])
    order = np.lexsort((b[starts], a[starts], w[starts]))  # first met: by first window, then names
    names, keys, first, second, found = table.concepts, table.keys, a.tolist(), b.tolist(), w.tolist()
    out = {}
    for start, count in zip(starts[order].tolist(), counts[order].tolist()):
        out[(names[first[start]], names[second[start]])] = [keys[x] for x in found[start:start + min(count, limit)]]
    return out


def attribute(begin: int, spans: Sequence[tuple[int, int, str]]) -> str | None:
    """The comment whose text span holds offset ``begin``; ``spans`` are sorted
    ``(begin, end, comment)`` triples of one document.

    >>> spans = [(100, 200, "c1"), (250, 300, "c2")]
    >>> attribute(120, spans), attribute(220, spans), attribute(10, spans)
    ('c1', None, None)
    """
    k = bisect.bisect_right(spans, (begin, float("inf"), "")) - 1
    if k >= 0 and spans[k][0] <= begin < spans[k][1]:
        return spans[k][2]
    return None


__all__ = [
    "CONVERSATION", "CitationRecord", "WindowTable", "attribute", "concept_windows", "discussion_graph", "lift",
    "person_concept_graph", "post_edges", "post_graph", "reference_edges", "reference_graph", "shared_windows",
    "weighted_digraph",
]
