"""Who acts on a deviation: the owner role and PKS level of the node (R-02, R-15)."""

from __future__ import annotations

import pandas as pd


def tag_responsible(frame: pd.DataFrame, org_nodes: pd.DataFrame,
                    node_col: str = "node_id") -> pd.DataFrame:
    """Add the node responsible for acting on each row's deviation.

    A deviation measured at a node belongs to that node's owner: a unit's production
    deviation to its first-line manager (``forsta_linjens_chef``), a division's frame gap to
    the ``divisionschef``, the region's to the ``regiondirektor``.

    Returns
    -------
    DataFrame
        ``frame`` with ``responsible_node_id``, ``responsible_name``, ``responsible_role``,
        ``responsible_level`` and ``node_type`` columns.

    Examples
    --------
    >>> nodes = pd.DataFrame({"node_id": ["R", "U"], "name": ["Region", "Ortopedi"],
    ...     "node_type": ["region", "unit"], "owner_role": ["regiondirektor",
    ...     "forsta_linjens_chef"], "pks_level": ["strategic", "operative"]})
    >>> tag_responsible(pd.DataFrame({"node_id": ["U"]}), nodes)["responsible_role"].tolist()
    ['forsta_linjens_chef']
    """
    info = org_nodes[["node_id", "name", "node_type", "owner_role", "pks_level"]].rename(
        columns={"node_id": node_col, "name": "responsible_name",
                 "owner_role": "responsible_role", "pks_level": "responsible_level"})
    out = frame.drop(columns=[c for c in ("node_type",) if c in frame.columns]).merge(
        info, on=node_col, how="left")
    out["responsible_node_id"] = out[node_col]
    return out
