"""Node positions for graphs too large for the browser's physics: fast, numpy only.

``networkx.spring_layout`` takes about 27 s on 5,000 nodes and vis-network's
own physics does not settle in 90 s, so large pages are drawn with physics
off from positions computed here, in well under a second:

1. each connected component is laid out alone, then the components are packed
   in rows, largest first;
2. inside a component, trees hanging off the core (degree-1 nodes, peeled
   repeatedly) are set aside; the core is placed by *pivot MDS* (Brandes and
   Pich 2007: breadth-first distances to a few dozen pivots, double-centred,
   two singular vectors), which costs a BFS per pivot;
3. a few rounds of spring smoothing along the edges and of spreading within
   grid cells pull neighbours together and push crowded nodes apart; the core
   is then scaled up until it has room for the trees, and (when small) its
   nodes are pushed apart pair by pair until their trees do not overlap;
4. the peeled trees go back as balloons around the node they hang from.

Measured on 5,000 nodes (hubs with leaves, a random core): 0.1 to 0.8 s.

The result is deterministic for a given ``seed``.

>>> pos = layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
>>> sorted(pos), all(len(xy) == 2 for xy in pos.values())
(['a', 'b', 'c', 'd'], True)
>>> round(abs(pos["a"][0] - pos["b"][0]) + abs(pos["a"][1] - pos["b"][1])) > 0
True
"""

from __future__ import annotations

import math
from collections import deque
from typing import Hashable, Iterable, Sequence

import numpy as np

__all__ = ["layout"]

#: Distance between linked nodes in the output (vis-network canvas units).
EDGE_LENGTH = 120.0
#: Largest core whose nodes are separated pair by pair (above it, grid spreading alone).
SEPARATE_LIMIT = 400


def layout(
    nodes: Sequence[Hashable],
    edges: Iterable[tuple[Hashable, Hashable]],
    *,
    seed: int = 0,
    pivots: int = 40,
    rounds: int = 30,
    edge_length: float = EDGE_LENGTH,
) -> dict[Hashable, tuple[float, float]]:
    """Positions ``{node: (x, y)}`` for every node; ``edges`` are read as undirected.

    ``pivots`` is the number of BFS sources of pivot MDS; ``rounds`` the
    number of smoothing and spreading rounds; ``edge_length`` the typical
    distance between linked nodes.
    """
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    neighbours: list[set[int]] = [set() for _ in nodes]
    for a, b in edges:
        i, j = index[a], index[b]
        if i != j:
            neighbours[i].add(j)
            neighbours[j].add(i)
    adjacency = [sorted(n) for n in neighbours]
    rng = np.random.default_rng(seed)
    pieces = [_component(members, adjacency, rng, pivots, rounds) for members in _components(adjacency)]
    placed = _pack(pieces)
    return {nodes[i]: (round(float(x) * edge_length, 1), round(float(y) * edge_length, 1)) for i, (x, y) in placed.items()}


def _components(adjacency: list[list[int]]) -> list[list[int]]:
    """Connected components as lists of node indices, largest first."""
    seen = [False] * len(adjacency)
    found = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = True
        members, queue = [start], deque([start])
        while queue:
            for j in adjacency[queue.popleft()]:
                if not seen[j]:
                    seen[j] = True
                    members.append(j)
                    queue.append(j)
        found.append(members)
    return sorted(found, key=lambda m: (-len(m), m[0]))


def _component(members: list[int], adjacency, rng, pivots: int, rounds: int) -> tuple[list[int], np.ndarray]:
    """Positions of one component (unit edge length), centred on the origin."""
    n = len(members)
    if n == 1:
        return members, np.zeros((1, 2))
    local = {g: i for i, g in enumerate(members)}
    adj = [[local[j] for j in adjacency[g]] for g in members]
    parent = _peel(adj)
    core = [i for i in range(n) if parent[i] == -1]  # never empty: the last node of a tree stays
    pos = np.zeros((n, 2))
    core_index = {c: k for k, c in enumerate(core)}
    core_adj = [[core_index[j] for j in adj[c] if j in core_index] for c in core]
    children = _children(parent)
    if len(core) > 1:
        core_pos = _refine(_pivot_mds(core_adj, pivots, rng), core_adj, rng, rounds)
        footprint = np.array([_Balloon(c, children, False).disc[c] if c in children else LEAF for c in core])
        core_pos = _make_room(core_pos, footprint)
        if len(core) <= SEPARATE_LIMIT:
            core_pos = _separate(core_pos, footprint, rng)
        pos[core] = core_pos
    _place_trees(children, core, pos)
    pos -= pos.mean(axis=0)
    return members, pos


def _peel(adj: list[list[int]]) -> list[int]:
    """Repeatedly remove degree-1 nodes; ``parent[i]`` is what ``i`` hung from, -1 for the core.

    A tree peels down to one node (the last has degree 0), so the core is never empty.
    """
    degree = [len(a) for a in adj]
    parent = [-1] * len(adj)
    removed = [False] * len(adj)
    queue = deque(i for i, d in enumerate(degree) if d == 1)
    while queue:
        i = queue.popleft()
        if removed[i] or degree[i] != 1:
            continue
        (j,) = [k for k in adj[i] if not removed[k]]
        removed[i], parent[i] = True, j
        degree[j] -= 1
        if degree[j] == 1:
            queue.append(j)
    return parent


def _bfs(adj: list[list[int]], source: int) -> np.ndarray:
    distance = np.full(len(adj), -1.0)
    distance[source] = 0.0
    queue = deque([source])
    while queue:
        i = queue.popleft()
        for j in adj[i]:
            if distance[j] < 0:
                distance[j] = distance[i] + 1.0
                queue.append(j)
    return distance


def _pivot_mds(adj: list[list[int]], pivots: int, rng) -> np.ndarray:
    """Pivot MDS: farthest-first pivots, BFS distances, double centring, top two singular vectors."""
    n = len(adj)
    k = min(pivots, n)
    columns = []
    nearest = np.full(n, np.inf)
    pivot = int(np.argmax([len(a) for a in adj]))
    for _ in range(k):
        d = _bfs(adj, pivot)
        columns.append(d)
        nearest = np.minimum(nearest, d)
        pivot = int(np.argmax(nearest))
    squared = np.stack(columns, axis=1) ** 2
    centred = squared - squared.mean(axis=0) - squared.mean(axis=1, keepdims=True) + squared.mean()
    centred *= -0.5
    left, values, _ = np.linalg.svd(centred, full_matrices=False)
    pos = left[:, :2] * np.sqrt(np.maximum(values[:2], 1e-9))
    if pos.shape[1] < 2:
        pos = np.hstack([pos, np.zeros((n, 1))])
    return pos + rng.normal(scale=0.05, size=pos.shape)


def _refine(pos: np.ndarray, adj: list[list[int]], rng, rounds: int) -> np.ndarray:
    """Springs along edges (unit length) and spreading of crowded grid cells."""
    n = len(adj)
    sources = np.repeat(np.arange(n), [len(a) for a in adj])
    targets = np.fromiter((j for a in adj for j in a), dtype=int, count=len(sources))
    if len(sources):  # scale so that the median edge is one unit long
        lengths = np.linalg.norm(pos[sources] - pos[targets], axis=1)
        pos = pos / max(float(np.median(lengths)), 1e-6)
    for step in range(rounds):
        cooling = 1.0 - step / max(rounds, 1)
        if len(sources):
            delta = pos[targets] - pos[sources]
            length = np.linalg.norm(delta, axis=1, keepdims=True) + 1e-9
            pull = delta * ((length - 1.0) / length) * 0.25 * cooling
            force = np.zeros_like(pos)
            np.add.at(force, sources, pull)
            degree = np.maximum(np.bincount(sources, minlength=n), 1)[:, None]
            pos = pos + force / np.sqrt(degree)
        pos = _spread(pos, cell=1.0, shift=0.5 * (step % 2), strength=0.5 * cooling + 0.1, rng=rng)
    return pos


def _spread(pos: np.ndarray, *, cell: float, shift: float, strength: float, rng) -> np.ndarray:
    """Push the nodes of each crowded grid cell away from the cell's centre of mass."""
    keys = np.floor(pos / cell + shift).astype(np.int64)
    _, group, counts = np.unique(keys[:, 0] * 1_000_003 + keys[:, 1], return_inverse=True, return_counts=True)
    crowd = counts[group]
    if crowd.max() <= 1:
        return pos
    centre = np.zeros((counts.size, 2))
    np.add.at(centre, group, pos)
    centre /= counts[:, None]
    offset = pos - centre[group]
    norm = np.linalg.norm(offset, axis=1, keepdims=True)
    direction = np.where(norm > 1e-6, offset / np.maximum(norm, 1e-9), rng.normal(size=pos.shape))
    push = direction * (np.sqrt(crowd - 1.0)[:, None] * 0.3 * strength)
    return pos + np.where(crowd[:, None] > 1, push, 0.0)


def _children(parent: list[int]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for i, p in enumerate(parent):
        if p >= 0:
            children.setdefault(p, []).append(i)
    return children


#: Radius of a leaf's disc, in edge lengths: siblings sit at least twice that apart.
LEAF = 0.2


class _Balloon:
    """Balloon layout of the tree hanging from one core node.

    Bottom up, each node's children sit on a ring just wide enough for their
    own discs; top down, each child gets an angle proportional to its disc.
    The root's children fan out in a half circle facing away from the core
    (all round for a lone root or a hub); deeper children in three quarters
    of a circle facing away from their parent.
    """

    def __init__(self, root: int, children: dict[int, list[int]], lone: bool):
        self.root, self.children = root, children
        order, stack = [], [root]
        while stack:
            p = stack.pop()
            order.append(p)
            stack.extend(children.get(p, ()))
        root_kids = len(children.get(root, ()))
        self.root_arc = 2 * math.pi if lone or root_kids > 6 else math.pi
        self.ring: dict[int, float] = {}
        self.disc: dict[int, float] = {}
        for p in reversed(order):
            kids = children.get(p, ())
            if not kids:
                self.disc[p] = LEAF
                continue
            self.ring[p] = max(1.0, sum(2 * self.disc[k] for k in kids) / self.arc(p))
            self.disc[p] = self.ring[p] + max(self.disc[k] for k in kids)

    def arc(self, node: int) -> float:
        return self.root_arc if node == self.root else 2 * math.pi

    def place(self, pos: np.ndarray, outward: float) -> None:
        stack = [(self.root, outward)]
        while stack:
            p, facing = stack.pop()
            kids = sorted(self.children.get(p, ()))
            if not kids:
                continue
            arc, total = self.arc(p), sum(self.disc[k] for k in kids)
            low = facing - arc / 2
            for k in kids:
                width = arc * self.disc[k] / total
                angle = low + width / 2
                pos[k] = pos[p] + self.ring[p] * np.array([math.cos(angle), math.sin(angle)])
                stack.append((k, angle))
                low += width


def _make_room(pos: np.ndarray, footprint: np.ndarray, packing: float = 2.0) -> np.ndarray:
    """Scale the core up until its area holds the discs of its footprints ``packing`` times over."""
    centre = np.median(pos, axis=0)
    spread = float(np.percentile(np.linalg.norm(pos - centre, axis=1), 90)) + 0.5
    needed = math.sqrt(packing * float((footprint**2).sum()))
    return centre + (pos - centre) * max(1.0, needed / spread)


def _separate(pos: np.ndarray, radius: np.ndarray, rng, rounds: int = 60, block: int = 256) -> np.ndarray:
    """Push apart core nodes whose footprints (discs of ``radius``) overlap; pairwise, in blocks."""
    n = len(pos)
    pos = pos + rng.normal(scale=1e-3, size=pos.shape)
    for _ in range(rounds):
        moved = np.zeros_like(pos)
        worst = 0.0
        for start in range(0, n, block):
            rows = slice(start, min(start + block, n))
            delta = pos[rows, None, :] - pos[None, :, :]
            distance = np.sqrt((delta**2).sum(axis=-1))
            overlap = np.clip(radius[rows, None] + radius[None, :] - distance, 0.0, None)
            overlap[np.arange(rows.stop - start), np.arange(start, rows.stop)] = 0.0
            worst = max(worst, float(overlap.max(initial=0.0)))
            moved[rows] = (delta / np.maximum(distance, 1e-9)[..., None] * overlap[..., None]).sum(axis=1)
        if worst < 0.05:
            break
        pos = pos + 0.3 * moved
    return pos


def _place_trees(children: dict[int, list[int]], core: list[int], pos: np.ndarray) -> None:
    """Balloon layout of each tree hanging from a core node, facing away from the core's centre."""
    centre = pos[core].mean(axis=0)
    for root in core:
        if root in children:
            outward = pos[root] - centre
            facing = math.atan2(outward[1], outward[0]) if np.linalg.norm(outward) > 1e-6 else 0.0
            _Balloon(root, children, len(core) == 1).place(pos, facing)


def _pack(pieces: list[tuple[list[int], np.ndarray]]) -> dict[int, tuple[float, float]]:
    """Place components in rows (largest first) with a margin of one edge length."""
    boxes = []
    for members, pos in pieces:
        low, high = pos.min(axis=0), pos.max(axis=0)
        boxes.append((members, pos - low, high - low + 1.0))
    area = sum(float(size[0] * size[1]) for _, _, size in boxes)
    width_limit = max(math.sqrt(area) * 1.3, max(float(size[0]) for _, _, size in boxes))
    placed: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members, pos, size in boxes:
        if x > 0 and x + size[0] > width_limit:
            x, y, row_height = 0.0, y + row_height, 0.0
        for i, (px, py) in zip(members, pos):
            placed[i] = (px + x, py + y)
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    total = np.array(list(placed.values()))
    middle = (total.min(axis=0) + total.max(axis=0)) / 2 if len(total) else np.zeros(2)
    return {i: (p[0] - middle[0], p[1] - middle[1]) for i, p in placed.items()}
