"""Atomic file writing: a reader never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class RefusedOverwrite(Exception):
    """The target exists and --force was not given."""


def atomic_write(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Refuses to replace an existing file unless ``force``.
    """
    with atomic_output(path, force=force) as handle:
        handle.write(text)


@contextmanager
def atomic_output(path: Path, *, force: bool = False, binary: bool = False) -> Iterator[TextIO]:
    """Stream into a temporary file next to ``path``, renamed over it only on success."""
    if path.exists() and not force:
        raise RefusedOverwrite(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600; the result gets the usual mode (0666 less the umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(fd, 0o666 & ~umask)
        mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, **mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
