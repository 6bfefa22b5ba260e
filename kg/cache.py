"""What is built from the tables, kept on disk between processes and keyed by what it is built from.

Every ``kg`` process reads the same tables and builds the same objects from
them (the gazetteer: 2,700 entries, 9,000 names, pycountry's names merged
in). :func:`built` keeps such an object as a pickle in the cache folder,
under a key that is the SHA-256 of its source files' bytes and of the
versions of the code that builds it: a changed table, a new ir-kg or a new
pycountry gives a new key, and the object is built afresh. Reading the pickle
takes a quarter of the time of building (see ``kg bench speed``'s start-up).

The folder is ``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/ir-kg``, else
``~/.cache/ir-kg``; ``KG_CACHE_DIR=`` (empty) turns the cache off. A cache
that cannot be read or written is passed over (the object is built, as
without a cache); a file is written under a temporary name and renamed, so
that a process never reads half a file; older versions of the same object
are removed when a new one is written. The files are the user's own, read
only by the user's own processes (pickle runs code: never point
``KG_CACHE_DIR`` at a folder that others write to).

>>> import tempfile, os
>>> os.environ[CACHE_ENV] = tempfile.mkdtemp()
>>> built("answer", [], ("1",), lambda: 42), built("answer", [], ("1",), lambda: 0)  # the second is read
(42, 42)
>>> del os.environ[CACHE_ENV]
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, TypeVar

__all__ = ["CACHE_ENV", "built", "cache_dir"]

log = logging.getLogger(__name__)

#: The environment variable naming the cache folder (empty: no cache).
CACHE_ENV = "KG_CACHE_DIR"

T = TypeVar("T")
_KEYED = re.compile(r"[0-9a-f]{32}\.pickle")


def cache_dir() -> Path | None:
    """The cache folder (see the module), or ``None`` when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ir-kg"


@contextmanager
def _no_collection():
    """Unpickling makes 100,000 objects, none of them garbage: the collector's passes over them are wasted."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _key(sources: Iterable[Path], versions: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for version in versions:
        digest.update(version.encode("utf-8") + b"\0")
    for source in sorted(Path(s) for s in sources):
        digest.update(source.name.encode("utf-8") + b"\0")
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


def built(name: str, sources: Iterable[Path], versions: Iterable[str], build: Callable[[], T]) -> T:
    """``build()``, or what an earlier process built from the same ``sources`` (files) and ``versions``."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{_key(sources, versions)}.pickle"
    try:
        with open(path, "rb") as stream, _no_collection():
            return pickle.load(stream)
    except FileNotFoundError:
        pass
    except Exception as error:  # a truncated or foreign file: build again, and replace it
        log.debug("cache %s unreadable (%s): building again", path, error)
    value = build()
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f".{name}-", suffix=".tmp", delete=False) as stream:
            temporary = Path(stream.name)
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        for older in folder.glob(f"{name}-*.pickle"):
            if older != path and _KEYED.fullmatch(older.name[len(name) + 1:]):  # not "gazetteer-names-" of "gazetteer-"
                older.unlink(missing_ok=True)
    except OSError as error:
        log.debug("cache %s not written (%s)", path, error)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return value
