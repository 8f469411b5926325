"""Private files and folders: readable by the serving user only."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def write_private(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, atomically (temporary file, then rename).

    The file is never readable by others, not even for a moment: the temporary file is
    created 0600 in the same folder and renamed over the old one.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (mode 0700) or check an existing one; return it.

    Raises ``PermissionError`` when the folder belongs to another user or is a symbolic
    link (someone prepared it to read or plant files), and tightens its mode to 0700
    otherwise.
    """
    p = Path(path)
    p.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    st = os.lstat(p)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise PermissionError(f"{p} is not a plain folder")
    if st.st_uid != os.getuid():
        raise PermissionError(f"{p} belongs to another user (uid {st.st_uid})")
    if stat.S_IMODE(st.st_mode) != PRIVATE_DIR_MODE:
        os.chmod(p, PRIVATE_DIR_MODE)
    return p


def default_cache_dir(db_url: str) -> Path:
    """The background-job cache of one store: a per-user folder, not the shared /tmp.

    ``$XDG_CACHE_HOME/pks/dashboard-<hash of the store URL>`` (default ``~/.cache``); the
    folder is created 0700 by :func:`private_dir` when the app starts.
    """
    import hashlib

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(db_url.encode("utf-8")).hexdigest()[:12]
    return base / "pks" / f"dashboard-{digest}"
