"""Dashboard users and roles in the store, administered with every change audited.

Table ``dashboard_users`` (its own ``sa.MetaData``, created with
``store.ensure_tables``): user name, role, units (JSON list), password hash (werkzeug
scrypt; never the password), active flag and session version. Raising the session
version revokes every session of the user (logout, disabling, a password reset), since a
session cookie carries the version it was issued under.

Every change (add, disable/enable, password reset, role and units) is written in one
transaction together with its record in the audit trail (:func:`pks.data.audit.record_audit`,
object type ``dashboard_user``; before/after hold role, units and active, never a hash).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pks.dashboard.access import ROLES, Principal, Role, UserRecord, hash_password
from pks.data.audit import ensure_audit_table, record_audit
from pks.data.store import Store

USERS_META = sa.MetaData()
USERS_TABLE = sa.Table(
    "dashboard_users", USERS_META,
    sa.Column("username", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("units_json", sa.Text, nullable=False),
    sa.Column("password_hash", sa.String(400), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("session_version", sa.Integer, nullable=False),
    sa.Column("updated_at_utc", sa.String(40), nullable=False),
)
OBJECT_TYPE = "dashboard_user"
MIN_PASSWORD_LENGTH = 8
"""Shortest password accepted for a dashboard user."""
MAX_USERNAME_LENGTH = 100


class UserAdminError(ValueError):
    """A user change that is not allowed (unknown user, bad role, short password...)."""


@dataclass(frozen=True)
class StoredUser:
    """A dashboard user as stored."""

    principal: Principal
    password_hash: str
    active: bool
    session_version: int

    def public(self) -> dict[str, Any]:
        """The user without secrets (for the audit trail and the admin page)."""
        return {"username": self.principal.username, "role": self.principal.role,
                "units": list(self.principal.units), "active": self.active}


def _row_user(row: Any) -> StoredUser:
    units = tuple(str(u) for u in json.loads(row.units_json or "[]"))
    return StoredUser(Principal(row.username, cast(Role, row.role), units), row.password_hash,
                      bool(row.active), int(row.session_version))


def check_user(username: str, role: str, units: tuple[str, ...]) -> None:
    """Raise :class:`UserAdminError` for a bad user name, role or units."""
    name = username.strip()
    if not name or len(name) > MAX_USERNAME_LENGTH or name != username or ":" in name:
        raise UserAdminError(f"user name {username!r}: 1–{MAX_USERNAME_LENGTH} characters, "
                             "no blanks at the ends, no ':'")
    if role not in ROLES:
        raise UserAdminError(f"role {role!r}: one of {', '.join(ROLES)}")
    if role == "first_line_manager" and not units:
        raise UserAdminError("a first_line_manager needs at least one unit")


def check_password(password: str) -> None:
    """Raise :class:`UserAdminError` for a password shorter than the minimum."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserAdminError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


class UserStore:
    """Users of one store; every change is audited under the acting principal."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.ensure_tables(USERS_META)
        ensure_audit_table(store)

    def users(self) -> dict[str, StoredUser]:
        """Every user by name."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(USERS_TABLE).order_by(USERS_TABLE.c.username)).all()
        return {r.username: _row_user(r) for r in rows}

    def get(self, username: str) -> StoredUser | None:
        """One user, or ``None``."""
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(USERS_TABLE).where(
                USERS_TABLE.c.username == username)).first()
        return None if row is None else _row_user(row)

    # -- changes (each one transaction with its audit record) -----------------------------

    def _current(self, conn: Connection, username: str) -> StoredUser:
        row = conn.execute(sa.select(USERS_TABLE).where(
            USERS_TABLE.c.username == username)).first()
        if row is None:
            raise UserAdminError(f"unknown user {username!r}")
        return _row_user(row)

    def _audit(self, conn: Connection, actor: Principal, action: str, username: str,
               before: StoredUser | None, after: StoredUser | None,
               extra: dict[str, Any] | None = None) -> None:
        record_audit(conn, user=actor.username, role=actor.role, action=action,
                     object_type=OBJECT_TYPE, object_id=username,
                     before=None if before is None else before.public(),
                     after=None if after is None else {**after.public(), **(extra or {})})

    def add(self, actor: Principal, username: str, role: str, units: tuple[str, ...],
            password: str, replace: bool = False) -> StoredUser:
        """Add a user (or, with ``replace``, overwrite one); the password is stored hashed."""
        check_user(username, role, units)
        check_password(password)
        return self._put(actor, username, role, units, hash_password(password), replace,
                         "user.add")

    def _put(self, actor: Principal, username: str, role: str, units: tuple[str, ...],
             password_hash: str, replace: bool, action: str) -> StoredUser:
        with self.store.transaction() as conn:
            row = conn.execute(sa.select(USERS_TABLE).where(
                USERS_TABLE.c.username == username)).first()
            before = None if row is None else _row_user(row)
            if before is not None and not replace:
                raise UserAdminError(f"user {username!r} exists already")
            version = 0 if before is None else before.session_version + 1
            values = dict(role=role, units_json=json.dumps(list(units), ensure_ascii=False),
                          password_hash=password_hash, active=True, session_version=version,
                          updated_at_utc=_now())
            if before is None:
                conn.execute(USERS_TABLE.insert().values(username=username, **values))
            else:
                conn.execute(USERS_TABLE.update().where(
                    USERS_TABLE.c.username == username).values(**values))
            after = StoredUser(Principal(username, cast(Role, role), units), password_hash,
                               True, version)
            if before is not None and action == "user.add":
                action = "user.replace"
            self._audit(conn, actor, action, username,
                        before, after, {"password_changed": True})
        return after

    def _change(self, actor: Principal, username: str, action: str, extra: dict[str, Any],
                **values: Any) -> StoredUser:
        with self.store.transaction() as conn:
            before = self._current(conn, username)
            values = dict(values, session_version=before.session_version + 1,
                          updated_at_utc=_now())
            conn.execute(USERS_TABLE.update().where(
                USERS_TABLE.c.username == username).values(**values))
            after = self._current(conn, username)
            self._audit(conn, actor, action, username, before, after, extra)
        return after

    def set_active(self, actor: Principal, username: str, active: bool) -> StoredUser:
        """Disable (revoking every session) or enable a user; nobody disables themself."""
        if not active and username == actor.username:
            raise UserAdminError("you cannot disable your own account")
        return self._change(actor, username, "user.enable" if active else "user.disable", {},
                            active=active)

    def reset_password(self, actor: Principal, username: str, password: str) -> StoredUser:
        """Set a new password (revokes the user's sessions)."""
        check_password(password)
        return self._change(actor, username, "user.reset_password", {"password_changed": True},
                            password_hash=hash_password(password))

    def assign(self, actor: Principal, username: str, role: str, units: tuple[str, ...]
               ) -> StoredUser:
        """Change a user's role and units (revokes the user's sessions)."""
        check_user(username, role, units)
        return self._change(actor, username, "user.assign", {}, role=role,
                            units_json=json.dumps(list(units), ensure_ascii=False))

    def revoke_sessions(self, username: str) -> None:
        """Invalidate every session of ``username`` (logout); not an administrative change."""
        with self.store.transaction() as conn:
            conn.execute(USERS_TABLE.update().where(USERS_TABLE.c.username == username).values(
                session_version=USERS_TABLE.c.session_version + 1))

    def import_records(self, actor: Principal, records: dict[str, UserRecord]) -> int:
        """Migrate users from a users file: add those not in the store yet; returns how many.

        Users already in the store are left alone, so a change made in the store (a
        password reset, a disabled account) is never undone by an old file.
        """
        n = 0
        for name, rec in records.items():
            if self.get(name) is not None:
                continue
            check_user(name, rec.principal.role, rec.principal.units)
            self._put(actor, name, rec.principal.role, rec.principal.units, rec.password_hash,
                      False, "user.import")
            n += 1
        return n


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
