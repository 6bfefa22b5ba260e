"""Files written whole or not at all: a temporary file beside the target, renamed on success.

A process killed while writing (SIGKILL, a full disk, Ctrl-C) leaves the old
file as it was — never half a file. The new file gets the permissions an
ordinary ``open(path, "w")`` would give it (the old file's, or 0o666 less
the umask), not ``mkstemp``'s owner-only ones.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_write(path) as stream:
...     _ = stream.write("whole")
>>> path.read_text()
'whole'
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_write"]


def _file_mode(path: Path) -> int:
    """The mode ``path`` gets: the old file's, or what ``open()`` would give under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """A stream (text in ``"w"``, bytes in ``"wb"``) whose content replaces ``path`` on success.

    The data is flushed to disk before the rename, so a crash leaves either
    the old file or the complete new one; on an exception the temporary
    file is removed and the old file is untouched.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if mode == "w" else {})) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
