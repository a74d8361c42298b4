"""Node positions for drawing a graph: fast, deterministic, for thousands of nodes.

Input: a networkx graph. Output: ``{node: (x, y)}`` in units of about one edge length.

``networkx.spring_layout`` takes about 30 s for 5,000 nodes on this class of machine (it
repels every pair of nodes). Here each connected component starts from a pivot MDS
embedding (Brandes & Pich 2006: shortest-path distances to ~50 pivot nodes, reduced to
two dimensions; sparse and linear in the size of the graph). Large components are then
shaped by ForceAtlas2-style forces whose repulsion is summed over a grid (each node feels
the nodes of its own and neighbouring cells one by one, farther cells through their
centres of mass), small ones are tidied by local forces only. Components are then packed
in rows, largest first. The graph is handled as integer arrays throughout (no networkx
subgraphs), so 5,000 nodes take a few tenths of a second.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx
import numpy as np

from kg.kept import Kept, digest

PIVOTS = 50
#: Components of at least this many nodes get global (ForceAtlas2-style) forces.
LARGE = 100
SEED = 42
_FAR = 1.0e6  # components are laid out this far apart, then packed


def pivot_mds(graph: nx.Graph, pivots: int = PIVOTS) -> np.ndarray:
    """Two-dimensional pivot MDS of a connected graph, rows in ``graph.nodes`` order.

    >>> xy = pivot_mds(nx.path_graph(5))
    >>> xy.shape, bool(abs(xy[0, 0] - xy[4, 0]) > abs(xy[0, 0] - xy[1, 0]))
    ((5, 2), True)
    """
    index = {v: i for i, v in enumerate(graph.nodes)}
    edges = np.array([(index[u], index[v]) for u, v in graph.edges], dtype=np.int64).reshape(-1, 2)
    return _pivot_mds(len(index), edges, pivots)


def _pivot_mds(n: int, edges: np.ndarray, pivots: int = PIVOTS) -> np.ndarray:
    """Pivot MDS of the connected graph on nodes ``0 .. n-1`` with ``edges`` (pairs)."""
    from scipy.sparse.csgraph import shortest_path

    matrix = _matrix(n, edges)
    if n <= 4 * pivots:  # every node a pivot (classical MDS): one call for all distances
        rows = shortest_path(matrix, directed=False, unweighted=True)
    else:
        chosen = 0
        found = []
        nearest = np.full(n, np.inf)
        for _ in range(pivots):  # each pivot the node farthest from those chosen before
            d = shortest_path(matrix, directed=False, unweighted=True, indices=chosen)
            found.append(d)
            nearest = np.minimum(nearest, d)
            chosen = int(np.argmax(nearest))
            if nearest[chosen] == 0:
                break
        rows = np.array(found)
    d2 = rows.T ** 2  # n x k
    c = -0.5 * (d2 - d2.mean(axis=0) - d2.mean(axis=1)[:, None] + d2.mean())
    # The two leading left singular vectors times their singular values, from the small
    # k x k eigenproblem (C^T C = V S^2 V^T, so C V = U S): an SVD of the n x k matrix
    # costs far more for the two columns used.
    values, vectors = np.linalg.eigh(c.T @ c)
    top = np.argsort(values)[::-1][:2]
    out = np.zeros((n, 2))
    out[:, : len(top)] = c @ vectors[:, top]
    return out


def _matrix(n: int, edges: np.ndarray) -> object:
    """The symmetric adjacency matrix (CSR) of ``edges`` on ``n`` nodes."""
    from scipy.sparse import csr_array

    both = np.concatenate([edges, edges[:, ::-1]]) if len(edges) else np.zeros((0, 2), dtype=np.int64)
    return csr_array((np.ones(len(both)), (both[:, 0], both[:, 1])), shape=(n, n))


def _initial(n: int, edges: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Starting positions of a connected component on nodes ``0 .. n-1``."""
    if n == 1:
        return np.zeros((1, 2))
    if n <= 6:
        angles = np.arange(n) * 2 * math.pi / n
        return np.column_stack([np.cos(angles), np.sin(angles)]) * 0.8
    degree = np.bincount(edges.ravel(), minlength=n)
    # Leaves (commenters of one post, authors naming one concept) say nothing about the
    # global shape and make MDS collapse them onto one point: the core is embedded, and
    # each leaf is set beside its one neighbour.
    is_core = degree > 1
    if is_core.sum() < 3:
        is_core[:] = True
    core = np.flatnonzero(is_core)
    local = np.full(n, -1)
    local[core] = np.arange(len(core))
    inner = edges[is_core[edges[:, 0]] & is_core[edges[:, 1]]]
    xy_core = _pivot_mds(len(core), local[inner])
    if len(inner):
        d = xy_core[local[inner[:, 0]]] - xy_core[local[inner[:, 1]]]
        scale = float(np.median(np.sqrt((d * d).sum(axis=1))))
    else:
        scale = 1.0
    xy_core = xy_core / (scale if scale > 1e-9 else 1.0)
    # Small-world graphs embed in a small disc; spread them to about one node per unit
    # of area so that the local repulsion below starts from few overlaps.
    spread = math.sqrt(float((xy_core * xy_core).sum(axis=1).mean())) or 1.0
    xy_core *= max(1.0, 0.6 * math.sqrt(len(core)) / spread)
    # Nodes with the same distances to every pivot start together: a jitter lets the
    # forces separate them.
    xy_core += rng.normal(scale=0.3, size=xy_core.shape)
    xy = np.zeros((n, 2))
    xy[core] = xy_core
    leaves = np.flatnonzero(~is_core)
    if len(leaves):
        # each leaf's one neighbour (its hub), then its rank among the leaves of that hub
        ends = edges[~is_core[edges[:, 0]] | ~is_core[edges[:, 1]]]
        hub_of = np.zeros(n, dtype=np.int64)
        hub_of[ends[:, 0]] = ends[:, 1]
        hub_of[ends[:, 1]] = ends[:, 0]
        hubs = hub_of[leaves]
        order = np.argsort(hubs, kind="stable")
        first = np.searchsorted(hubs[order], hubs[order], side="left")
        rank = np.empty(len(leaves), dtype=np.int64)
        rank[order] = np.arange(len(leaves)) - first
        # a sunflower disc around the hub: evenly spread however many leaves it has
        golden = math.pi * (3 - math.sqrt(5))
        r = 0.9 * np.sqrt(rank + 1.0)
        xy[leaves] = xy[hubs] + np.column_stack([r * np.cos(rank * golden), r * np.sin(rank * golden)])
    return xy


def _sum_into(target: np.ndarray, index: np.ndarray, force: np.ndarray) -> None:
    """Add the rows of ``force`` to the rows ``index`` of ``target`` (np.add.at is slow;
    bincount sums per node in one pass)."""
    n = len(target)
    target[:, 0] += np.bincount(index, weights=force[:, 0], minlength=n)
    target[:, 1] += np.bincount(index, weights=force[:, 1], minlength=n)


def _neighbours(xy: np.ndarray, k: int, radius: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``: each node and its ``k - 1`` nearest others (closer than ``radius``)."""
    from scipy.spatial import cKDTree

    n = len(xy)
    _, near = cKDTree(xy).query(xy, k=k, distance_upper_bound=radius)
    rows = np.repeat(np.arange(n), k - 1)
    cols = near[:, 1:].ravel()
    ok = cols < n
    return rows[ok], cols[ok]


def _refine(xy: np.ndarray, edges: np.ndarray, iterations: int, radius: float = 2.5, neighbours: int = 12,
            refresh: int = 3) -> np.ndarray:
    """Fruchterman-Reingold steps with local repulsion: each node is pushed away only by
    its ``neighbours`` nearest nodes closer than ``radius`` (a KD-tree query, renewed
    every ``refresh`` steps), so a step costs O(n) even where many nodes start in one
    place."""
    xy = xy.copy()
    n = len(xy)
    k = min(neighbours + 1, n)
    # The first steps may cross a tenth of the widest component; the last ones tidy.
    widest = max((float(np.ptp(xy[:, 1])), 2.0))
    step = max(2.0, widest / 10)
    cooling = (0.1 / step) ** (1 / max(iterations - 1, 1))
    rows = cols = np.zeros(0, dtype=np.int64)
    for i in range(iterations):
        move = np.zeros_like(xy)
        if k > 1:
            if i % refresh == 0:
                rows, cols = _neighbours(xy, k, radius)
            d = xy[rows] - xy[cols]
            _sum_into(move, rows, d / ((d * d).sum(axis=1) + 1e-3)[:, None])
        if len(edges):
            d = xy[edges[:, 0]] - xy[edges[:, 1]]
            force = d * np.sqrt((d * d).sum(axis=1))[:, None]
            _sum_into(move, edges[:, 0], -force)
            _sum_into(move, edges[:, 1], force)
        length = np.sqrt((move * move).sum(axis=1)) + 1e-9
        xy += move / length[:, None] * np.minimum(length, step)[:, None]
        step *= cooling
    return xy


_AROUND = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def _grid_repulsion(xy: np.ndarray, mass: np.ndarray, cells: int) -> np.ndarray:
    """Repulsion ``mass_i * mass_j / distance`` on every node from all others, through a
    grid of ``cells`` x ``cells``: the nodes of a node's own cell (with the node's mass
    taken out) and of the eight around it push from their cells' centres of mass, seen
    from the node; every farther cell pushes all the nodes of a cell alike, seen from
    that cell's centre of mass (a one-level Barnes-Hut). O(n + cells^4) per call."""
    low = xy.min(axis=0)
    size = float(np.ptp(xy, axis=0).max()) / cells + 1e-9
    cell = np.minimum(((xy - low) / size).astype(np.int64), cells - 1)
    cid = cell[:, 0] * cells + cell[:, 1]
    cm = np.bincount(cid, weights=mass, minlength=cells * cells)
    used = np.flatnonzero(cm)
    centre = np.zeros((cells * cells, 2))
    centre[used, 0] = np.bincount(cid, weights=mass * xy[:, 0], minlength=cells * cells)[used] / cm[used]
    centre[used, 1] = np.bincount(cid, weights=mass * xy[:, 1], minlength=cells * cells)[used] / cm[used]
    # far cells, cell to cell
    gx, gy = used // cells, used % cells
    far = np.maximum(np.abs(gx[:, None] - gx[None, :]), np.abs(gy[:, None] - gy[None, :])) >= 2
    dx = centre[used, 0][:, None] - centre[used, 0][None, :]
    dy = centre[used, 1][:, None] - centre[used, 1][None, :]
    f = np.where(far, cm[used][None, :] / (dx * dx + dy * dy + 1e-2), 0.0)
    field = np.zeros((cells * cells, 2))
    field[used, 0] = (dx * f).sum(axis=1)
    field[used, 1] = (dy * f).sum(axis=1)
    move = field[cid] * mass[:, None]
    # near cells, node by node
    for ox, oy in _AROUND:
        x, y = cell[:, 0] + ox, cell[:, 1] + oy
        inside = (x >= 0) & (x < cells) & (y >= 0) & (y < cells)
        other = np.where(inside, x * cells + y, 0)
        m = np.where(inside, cm[other], 0.0)
        if ox == 0 and oy == 0:
            m = m - mass
        d = xy - centre[other]
        move += d * (mass * m / ((d * d).sum(axis=1) + 1e-2))[:, None]
    return move


def _force_atlas(xy: np.ndarray, edges: np.ndarray, iterations: int = 40, cells: int = 20, refresh: int = 8) -> np.ndarray:
    """ForceAtlas2-style steps for one large connected component: linear attraction
    along edges, repulsion between all nodes in proportion to (degree + 1) of both
    (:func:`_grid_repulsion`, plus the 12 nearest nodes exactly, found anew every
    ``refresh`` steps), and a weak gravity to the centre, so that hubs do not pull
    everything into one clump. Returns positions scaled to a median edge length of 1."""
    xy = xy.copy()
    n = len(xy)
    mass = np.bincount(edges.ravel(), minlength=n).astype(float) + 1.0
    k = min(13, n)
    step = max(2.0, float(np.ptp(xy, axis=0).max()) / 10)
    cooling = (0.05 / step) ** (1 / max(iterations - 1, 1))
    rows = cols = np.zeros(0, dtype=np.int64)
    for i in range(iterations):
        move = _grid_repulsion(xy, mass, cells)
        if i % refresh == 0:
            rows, cols = _neighbours(xy, k)
        d = xy[rows] - xy[cols]
        _sum_into(move, rows, (mass[rows] * mass[cols] / ((d * d).sum(axis=1) + 1e-2))[:, None] * d)
        d = xy[edges[:, 0]] - xy[edges[:, 1]]
        _sum_into(move, edges[:, 0], -d)
        _sum_into(move, edges[:, 1], d)
        centre = xy - xy.mean(axis=0)
        distance = np.sqrt((centre * centre).sum(axis=1)) + 1e-9
        move -= (mass / distance)[:, None] * centre
        length = np.sqrt((move * move).sum(axis=1)) + 1e-9
        xy += move / length[:, None] * np.minimum(length, step)[:, None]
        step *= cooling
    lengths = np.sqrt(((xy[edges[:, 0]] - xy[edges[:, 1]]) ** 2).sum(axis=1)) if len(edges) else np.ones(1)
    scale = float(np.median(lengths)) or 1.0
    return (xy - xy.mean(axis=0)) / scale


def _pack(boxes: list[tuple[float, float]], margin: float = 1.5) -> list[tuple[float, float]]:
    """Offsets placing boxes ``(width, height)`` in rows (largest first, as given)."""
    area = sum((w + margin) * (h + margin) for w, h in boxes)
    row_width = max(math.sqrt(area) * 1.3, max((w for w, _ in boxes), default=0.0))
    out = []
    x = y = row_height = 0.0
    for w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        out.append((x, y))
        x += w + margin
        row_height = max(row_height, h)
    return out


def _components(n: int, edges: np.ndarray) -> list[np.ndarray]:
    """The connected components (sorted node indices each), largest first, ties by their
    first node."""
    from scipy.sparse.csgraph import connected_components

    _, label = connected_components(_matrix(n, edges), directed=False)
    order = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.diff(label[order])) + 1
    parts = np.split(order, bounds)
    return sorted(parts, key=lambda c: (-len(c), int(c[0])))


def layout(graph: nx.Graph, iterations: int = 60, seed: int = SEED) -> dict[Hashable, tuple[float, float]]:
    """Positions of every node, about one unit per edge, deterministic for the same graph
    whatever the order its nodes and edges were added in.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> pos = layout(g)
    >>> sorted(pos) == ["a", "b", "c", "x", "y"], pos == layout(g)
    (True, True)
    >>> round(math.dist(pos["a"], pos["b"]), 0) <= 2
    True
    """
    nodes, edges = _indexed(graph)
    return dict(zip(nodes, _positions(len(nodes), edges, iterations, seed)))


def _indexed(graph: nx.Graph) -> tuple[list[Hashable], np.ndarray]:
    """The nodes in an order of their own, and the node pairs joined (``i < j``, sorted):
    the force sums (and so the positions) must not depend on the order the graph was built
    in, which follows set iteration (string hashing differs from one process to the next)."""
    nodes = sorted(graph.nodes, key=str)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = {(i, j) if i < j else (j, i) for i, j in ((index[u], index[v]) for u, v in graph.edges) if i != j}
    return nodes, np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def _positions(n: int, edges: np.ndarray, iterations: int = 60, seed: int = SEED) -> list[tuple[float, float]]:
    """The positions of nodes ``0 .. n-1`` joined by ``edges`` (see :func:`layout`)."""
    if n == 0:
        return []
    components = _components(n, edges)
    where = np.empty(n, dtype=np.int64)  # a node's row in the stacked components
    local = np.empty(n, dtype=np.int64)  # its index within its component
    component_of = np.empty(n, dtype=np.int64)
    start = 0
    for k, members in enumerate(components):
        where[members] = np.arange(start, start + len(members))
        local[members] = np.arange(len(members))
        component_of[members] = k
        start += len(members)
    edge_component = component_of[edges[:, 0]]
    order = np.argsort(edge_component, kind="stable")
    edge_bounds = np.searchsorted(edge_component[order], np.arange(len(components) + 1))
    rng = np.random.default_rng(seed)
    xy = np.zeros((n, 2))
    for k, members in enumerate(components):
        own = local[edges[order[edge_bounds[k]:edge_bounds[k + 1]]]]
        part = _initial(len(members), own, rng)
        if len(members) >= LARGE:
            part = _force_atlas(part, own)
        part[:, 0] += k * _FAR  # far apart: the local forces never mix two components
        xy[where[members]] = part
    # The small components are tidied together: local forces are enough for them.
    small = sum(len(c) for c in components if len(c) >= LARGE)
    if small < n:
        rest = edges[component_of[edges[:, 0]] >= next(k for k, c in enumerate(components) if len(c) < LARGE)]
        xy[small:] = _refine(xy[small:], where[rest] - small, iterations)
    # Pack the components in rows.
    boxes, spans = [], []
    start = 0
    for members in components:
        block = xy[start:start + len(members)]
        low = block.min(axis=0)
        spans.append((start, len(members), low))
        boxes.append(tuple(block.max(axis=0) - low))
        start += len(members)
    for (begin, size, low), (ox, oy) in zip(spans, _pack(boxes)):
        xy[begin:begin + size] += np.array([ox, oy]) - low
    xy -= xy.mean(axis=0)
    return [(p[0], p[1]) for p in np.round(xy[where], 3).tolist()]


class KeptLayouts(Kept):
    """Layouts kept between runs by all they depend on (the nodes, the node pairs joined,
    this module's code, numpy's and scipy's versions), so that a view or a report picture
    whose graph did not change is not laid out again."""

    def layout(self, graph: nx.Graph) -> dict[Hashable, tuple[float, float]]:
        """:func:`layout`, read from the folder when kept there, else computed and kept."""
        nodes, edges = _indexed(graph)
        key = _key(nodes, edges)
        positions = self.get(key)
        if not (isinstance(positions, list) and len(positions) == len(nodes)
                and all(isinstance(p, list) and len(p) == 2 for p in positions)):
            positions = _positions(len(nodes), edges)
            self.put(key, positions)  # floats read back as the same floats: the same page
        return {v: (p[0], p[1]) for v, p in zip(nodes, positions)}


def _key(nodes: list[Hashable], edges: np.ndarray) -> str:
    h = digest(("layout.py",), ("numpy", "scipy"))
    h.update(f"{len(nodes)}\n".encode())
    h.update("\x00".join(map(str, nodes)).encode("utf-8", "surrogatepass"))
    h.update(edges.tobytes())
    return h.hexdigest()[:32]


__all__ = ["KeptLayouts", "layout", "pivot_mds"]
