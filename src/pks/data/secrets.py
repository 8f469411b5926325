"""Keep passwords out of every output: database URLs masked, secrets redacted from text.

A store URL such as ``postgresql+psycopg://planner:s3cret@db.region.se/pks`` is shown as
``postgresql+psycopg://planner:***@db.region.se/pks`` (SQLAlchemy's
``render_as_string(hide_password=True)``). :func:`redact` removes the password part of any
URL inside free text (an error message from a driver, a log line) and, optionally, given
secret strings wherever they occur. :class:`RedactingFilter` applies :func:`redact` to
log records.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import sqlalchemy as sa

MASK = "***"
"""What a hidden password is shown as."""

_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)(?P<pw>[^\s@]*)@")
"""``scheme://user:password@`` inside any text (the password may hold ``:``)."""

_SECRET_PARAMS = re.compile(r"(?i)\b(?P<key>password|passwd|pwd)=(?P<val>[^\s&;'\"]+)")
"""``password=...`` query or DSN parameters (``?password=x``, ``password=x host=...``)."""


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (any text that is not a URL: redacted).

    >>> mask_url("postgresql+psycopg://anna:hemligt@db:5432/pks")
    'postgresql+psycopg://anna:***@db:5432/pks'
    >>> mask_url("sqlite:///var/pks.db")
    'sqlite:///var/pks.db'
    """
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError, TypeError):
        return redact(url)
    return redact(parsed.render_as_string(hide_password=True))


def url_password(url: str) -> str | None:
    """The password in ``url``, or ``None`` (used to redact it from drivers' messages)."""
    try:
        return sa.engine.make_url(url).password
    except (sa.exc.ArgumentError, ValueError, TypeError):
        m = _URL_PASSWORD.search(url)
        return m.group("pw") if m else None


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without URL passwords, ``password=`` parameters or any of ``secrets``.

    >>> redact("cannot connect to postgresql://u:pw@h/db: timeout")
    'cannot connect to postgresql://u:***@h/db: timeout'
    """
    out = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + "@", text)
    out = _SECRET_PARAMS.sub(lambda m: m.group("key") + "=" + MASK, out)
    for s in secrets:
        if s and len(s) >= 3:  # a one- or two-letter "secret" would mangle every message
            out = out.replace(s, MASK)
    return out


class RedactingFilter(logging.Filter):
    """A logging filter that redacts URL passwords from the formatted message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; never drops a record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Add a :class:`RedactingFilter` to every handler of ``logger`` (root) and the last resort.

    Called by the entry points (CLI, dashboard), never by library code; idempotent.
    """
    target = logger or logging.getLogger()
    handlers = list(target.handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for h in handlers:
        if not any(isinstance(f, RedactingFilter) for f in h.filters):
            h.addFilter(RedactingFilter())
