"""Users, roles and what each may see (enforced server-side in :mod:`pks.dashboard.data`).

Roles:

* ``strategist`` — everything, all scenarios, may start simulations and re-plans;
* ``planner`` — everything, may upload actuals and start re-plans and simulations;
* ``first_line_manager`` — only the units listed for the user (and nodes entirely within
  them); may upload actuals for those units;
* ``admin`` — sees everything and administers dashboard users (page ``/admin``).

Users live in the store (:mod:`pks.dashboard.auth.users`); a YAML users file (below) is
imported into the store when the dashboard starts with ``--users``.

The YAML users file::

    users:
      - username: anna
        role: first_line_manager
        units: [NLL-RS-DIVNS-KIR-ORT]
        password_hash: "scrypt:32768:8:1$..."   # werkzeug.security.generate_password_hash

Passwords are stored hashed only (:func:`hash_password`).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from werkzeug.security import check_password_hash, generate_password_hash

from pks.data.tree import OrgTree

Role = Literal["strategist", "planner", "first_line_manager", "admin"]
ROLES: tuple[Role, ...] = ("strategist", "planner", "first_line_manager", "admin")


class AccessDenied(PermissionError):
    """The user may not see or change this node."""


@dataclass(frozen=True)
class Principal:
    """A signed-in user (or the local single user when login is off)."""

    username: str
    role: Role
    units: tuple[str, ...] = ()
    """Nodes the user is responsible for (only used for first-line managers)."""

    @property
    def restricted(self) -> bool:
        """True when the user only sees their own units."""
        return self.role == "first_line_manager"

    @property
    def may_run(self) -> bool:
        """Starting re-plans and simulations."""
        return self.role in ("strategist", "planner")

    @property
    def may_admin(self) -> bool:
        """Administering dashboard users (add, disable, reset password, assign units)."""
        return self.role == "admin"


LOCAL_USER = Principal("lokal", "strategist")
"""The user of a dashboard served on loopback without login."""


@dataclass(frozen=True)
class UserRecord:
    """A user as stored in the users file."""

    principal: Principal
    password_hash: str


def hash_password(password: str) -> str:
    """Hash a password for the users file (werkzeug scrypt)."""
    return generate_password_hash(password)


def load_users(path: str | Path) -> dict[str, UserRecord]:
    """Read the users file; raises ``ValueError`` listing every bad entry."""
    content = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: dict[str, UserRecord] = {}
    problems: list[str] = []
    for i, u in enumerate(content.get("users", []) or [], start=1):
        name, role, pw = u.get("username"), u.get("role"), u.get("password_hash")
        if not name or role not in ROLES or not pw:
            problems.append(f"user {i}: needs username, role in {ROLES} and password_hash")
            continue
        units = tuple(str(x) for x in (u.get("units") or []))
        if role == "first_line_manager" and not units:
            problems.append(f"user {name}: a first_line_manager needs units")
        out[str(name)] = UserRecord(Principal(str(name), role, units), str(pw))
    if problems:
        raise ValueError("; ".join(problems))
    return out


def write_users(path: str | Path, users: dict[str, UserRecord]) -> None:
    """Write the users file (hashes only), readable by its owner only (mode 0600)."""
    from pks.dashboard.auth.files import write_private

    rows = [{"username": r.principal.username, "role": r.principal.role,
             "units": list(r.principal.units), "password_hash": r.password_hash}
            for r in users.values()]
    write_private(path, yaml.safe_dump({"users": rows}, allow_unicode=True, sort_keys=False))


@cache
def _dummy_hash() -> str:
    """A hash of a random password, checked for unknown users (same cost as a real one)."""
    return generate_password_hash(secrets.token_urlsafe(24))


def authenticate(users: Mapping[str, UserRecord], username: str, password: str
                 ) -> Principal | None:
    """The principal when the password matches, else ``None``.

    An unknown user name costs the same time as a known one (a dummy hash is checked), so
    answer times do not tell which user names exist.
    """
    rec = users.get(username)
    ok = check_password_hash(rec.password_hash if rec else _dummy_hash(), password)
    return rec.principal if rec is not None and ok else None


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; equal time when there is no hash."""
    return check_password_hash(password_hash or _dummy_hash(), password) and bool(password_hash)


def allowed_units(principal: Principal, tree: OrgTree) -> set[str] | None:
    """Leaf units the principal may see; ``None`` means all."""
    if not principal.restricted:
        return None
    out: set[str] = set()
    for node in principal.units:
        if node in tree.nodes.index:
            out.update(tree.leaves_under(node))
    return out


def visible_nodes(principal: Principal, tree: OrgTree) -> list[str]:
    """Nodes the principal may open: all, or the nodes whose every leaf is theirs."""
    all_nodes = list(tree.nodes.index)
    units = allowed_units(principal, tree)
    if units is None:
        return all_nodes
    return [n for n in all_nodes if set(tree.leaves_under(n)) <= units]


def require_node(principal: Principal, tree: OrgTree, node_id: str) -> None:
    """Raise :class:`AccessDenied` unless the principal may see ``node_id``."""
    if node_id not in tree.nodes.index:
        raise AccessDenied(f"unknown node {node_id!r}")
    units = allowed_units(principal, tree)
    if units is not None and not set(tree.leaves_under(node_id)) <= units:
        raise AccessDenied(f"{principal.username} may not see {node_id}")
