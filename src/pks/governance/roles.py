"""Who may do what in governance, derived from the organisation tree (R-06, R-41, R-53).

A user acts through the nodes they are responsible for: a first-line manager through the
nodes listed for them (a unit for a unit manager, an area for an area head, a division for a
division head), a strategist through the root (the regional director's office). A planner is
staff without a line responsibility: they see and prepare, but do not propose or agree.

Rules (checked on the server by every governance write, never only by hiding a button):

* **propose** a plan for node *n*: responsible for *n* or one of its ancestors;
* **agree**, **send back** or **adopt** the plan of *n*: responsible for a *strict* ancestor
  of *n* — the manager one level up or higher. So a unit manager proposes, the area head
  agrees; division allocations to areas are agreed by the division head, a division's by the
  regional director (the level above a division is political, acted for by the strategist);
  the plan of the root is agreed and adopted by the strategist only;
* **edit measures and comments** of *n*: responsible for *n* or an ancestor.

The code does not import the dashboard: any object with ``username``, ``role`` and ``units``
(such as :class:`pks.dashboard.access.Principal`) is an :class:`Actor`.
"""

from __future__ import annotations

from typing import Protocol

from pks.data.tree import OrgTree

STRATEGIST = "strategist"
FIRST_LINE_MANAGER = "first_line_manager"
REGIONAL_DIRECTOR = "regiondirektor"
"""Line role shown for a strategist (acts for the whole region)."""
STAFF = "planerare"
"""Line role shown for users without line responsibility."""


class Actor(Protocol):
    """A signed-in user: name, dashboard role and the nodes they are responsible for."""

    @property
    def username(self) -> str:
        """Login name."""

    @property
    def role(self) -> str:
        """Dashboard role (strategist, planner, first_line_manager)."""

    @property
    def units(self) -> tuple[str, ...]:
        """Nodes the user is responsible for."""


class GovernanceDenied(PermissionError):
    """The user's role does not give the right to this governance action."""


def responsibility_nodes(actor: Actor, tree: OrgTree) -> tuple[str, ...]:
    """The nodes the actor answers for (root for a strategist, none for a planner)."""
    if actor.role == STRATEGIST:
        return (tree.root,) if tree.root else ()
    if actor.role == FIRST_LINE_MANAGER:
        return tuple(u for u in actor.units if u in tree.nodes.index)
    return ()


def line_role(actor: Actor, tree: OrgTree) -> str:
    """The actor's line role: the owner role of their highest responsibility node."""
    if actor.role == STRATEGIST:
        return REGIONAL_DIRECTOR
    nodes = responsibility_nodes(actor, tree)
    if not nodes:
        return STAFF
    top = min(nodes, key=tree.depth)
    return str(tree.nodes.at[top, "owner_role"])


def may_propose(actor: Actor, tree: OrgTree, node_id: str) -> bool:
    """Responsible for ``node_id`` or an ancestor of it."""
    if node_id not in tree.nodes.index:
        return False
    scope = {node_id, *tree.ancestors(node_id)}
    return any(n in scope for n in responsibility_nodes(actor, tree))


def may_agree(actor: Actor, tree: OrgTree, node_id: str) -> bool:
    """Responsible for a strict ancestor of ``node_id`` (the root: strategist only)."""
    if node_id not in tree.nodes.index:
        return False
    if node_id == tree.root:
        return actor.role == STRATEGIST
    above = set(tree.ancestors(node_id))
    return any(n in above for n in responsibility_nodes(actor, tree))


def approver_role(tree: OrgTree, node_id: str) -> str:
    """Owner role of the node whose manager agrees ``node_id``.

    The parent's owner role, or the regional director when the parent is political or
    ``node_id`` is the root.
    """
    parent = tree.parent(node_id)
    if parent is None or str(tree.nodes.at[parent, "pks_level"]) == "political":
        return REGIONAL_DIRECTOR
    return str(tree.nodes.at[parent, "owner_role"])


def require(allowed: bool, actor: Actor, action: str, node_id: str) -> None:
    """Raise :class:`GovernanceDenied` unless ``allowed``."""
    if not allowed:
        raise GovernanceDenied(f"{actor.username} ({actor.role}) may not {action} {node_id}")
