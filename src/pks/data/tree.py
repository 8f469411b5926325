"""Organisation-tree helpers: parents, ancestors, descendants and roll-ups (R-01, R-24)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


class OrgTree:
    """Read-only view of ``org_nodes`` as a tree.

    Examples
    --------
    >>> nodes = pd.DataFrame({"node_id": ["R", "D", "U1", "U2"],
    ...                       "parent_id": [None, "R", "D", "D"]})
    >>> t = OrgTree(nodes)
    >>> t.ancestors("U1")
    ['D', 'R']
    >>> sorted(t.leaves_under("R"))
    ['U1', 'U2']
    """

    def __init__(self, org_nodes: pd.DataFrame) -> None:
        parent = org_nodes.set_index("node_id")["parent_id"]
        self._parent: dict[str, str | None] = {
            str(k): (None if pd.isna(v) or v == "" else str(v)) for k, v in parent.items()
        }
        self._children: dict[str, list[str]] = {n: [] for n in self._parent}
        for n, p in self._parent.items():
            if p is not None and p in self._children:
                self._children[p].append(n)
        roots = [n for n, p in self._parent.items() if p is None]
        self.root: str | None = roots[0] if len(roots) == 1 else None
        self.nodes = org_nodes.set_index("node_id", drop=False)

    def parent(self, node: str) -> str | None:
        """Parent of ``node`` (``None`` for the root)."""
        return self._parent[node]

    def children(self, node: str) -> list[str]:
        """Direct children of ``node`` in table order."""
        return list(self._children[node])

    def ancestors(self, node: str) -> list[str]:
        """Ancestors of ``node`` from its parent up to the root."""
        out: list[str] = []
        p = self._parent[node]
        while p is not None:
            out.append(p)
            p = self._parent[p]
        return out

    def path(self, node: str) -> list[str]:
        """Root-to-node path, node included."""
        return [*reversed(self.ancestors(node)), node]

    def descendants(self, node: str) -> list[str]:
        """All nodes below ``node`` (depth first)."""
        out: list[str] = []
        stack = list(reversed(self._children[node]))
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(self._children[n]))
        return out

    def leaves_under(self, node: str) -> list[str]:
        """Leaves of the subtree rooted at ``node`` (the node itself if it is a leaf)."""
        sub = [node, *self.descendants(node)]
        return [n for n in sub if not self._children[n]]

    def ancestor_of_type(self, node: str, node_type: str) -> str | None:
        """Nearest node of ``node_type`` on the path from ``node`` to the root."""
        for n in [node, *self.ancestors(node)]:
            if self.nodes.at[n, "node_type"] == node_type:
                return n
        return None

    def depth(self, node: str) -> int:
        """Number of edges from the root to ``node``."""
        return len(self.ancestors(node))

    def node_unit_pairs(self, nodes: Iterable[str] | None = None) -> pd.DataFrame:
        """Long table ``(node_id, unit_id)``: every node paired with every leaf under it.

        Joining a per-unit table on ``unit_id`` and grouping by ``node_id`` rolls any
        figure up the tree exactly (the sum at a node is the sum of its leaves).
        """
        nodes = list(self._parent) if nodes is None else list(nodes)
        rows = [(n, leaf) for n in nodes for leaf in self.leaves_under(n)]
        return pd.DataFrame(rows, columns=["node_id", "unit_id"])


def roll_up(per_unit: pd.DataFrame, tree: OrgTree, value_cols: list[str],
            by: list[str] | None = None) -> pd.DataFrame:
    """Sum ``value_cols`` of a per-unit frame to every node of the tree.

    Parameters
    ----------
    per_unit : frame with a ``unit_id`` column and the value columns.
    tree : the organisation tree.
    value_cols : columns to sum.
    by : further grouping columns kept in the result (e.g. ``["week"]``).
    """
    by = by or []
    pairs = tree.node_unit_pairs()
    merged = pairs.merge(per_unit, on="unit_id", how="inner")
    return merged.groupby(["node_id", *by], as_index=False, sort=True)[value_cols].sum()
