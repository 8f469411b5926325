"""Where the browser may be sent after login: same-site relative paths only."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f\s\\]")
"""Control characters, blanks and backslashes: browsers drop or reinterpret them, which
turns ``/\\evil`` or ``/<tab>/evil`` into ``//evil`` (another site)."""


def safe_next(target: str | None, default: str = "/") -> str:
    r"""``target`` when it is a same-site path (``/operativ?node=X``), else ``default``.

    Accepted: text starting with a single ``/`` followed by anything but ``/``, without
    a scheme or host, without backslashes, blanks or control characters (also after
    percent-decoding once, since ``/%09/evil`` becomes a tab before ``/evil``).

    >>> safe_next("/operativ?node=NLL"), safe_next("//evil.example"), safe_next("/\t/evil")
    ('/operativ?node=NLL', '/', '/')
    >>> safe_next("https://evil.example/"), safe_next("/\\evil.example")
    ('/', '/')
    """
    if not target:
        return default
    for text in (target, unquote(target)):
        if _CONTROL.search(text) or not text.startswith("/") or text.startswith("//"):
            return default
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return default
    return target
