"""The Django secret key: from the environment, or generated once per workspace and kept there."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

FILE_NAME = "secret_key"


def load_secret_key(workspace: Path | None) -> str:
    """``FRONTDESK_SECRET_KEY`` if set; else ``<workspace>/secret_key``, created (mode 0600) if missing.

    Without a workspace the key lives only in this process: sessions end when it stops, which is
    right for tests and throw-away shells and never the case for ``frontdesk serve``.
    """
    if key := os.environ.get("FRONTDESK_SECRET_KEY"):
        return key
    if workspace is None:
        return secrets.token_urlsafe(50)
    path = workspace / FILE_NAME
    if not path.exists():
        _create(path)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ValueError(f"{path} is empty; delete it to generate a new secret key")
    return key


def _create(path: Path) -> None:
    # mkstemp makes the file 0600; link() publishes it whole, and loses cleanly to a concurrent writer.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(50) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
