"""Run a ``kg`` command that SIGKILLs itself at a named point (used by tests/test_crash.py).

    python tests/crash_driver.py POINT -- build CORPUS --store STORE ...

The process (and, with ``--processes 2``, its whole process group: the
workers too) dies as ``kill -9`` would kill it: no ``finally``, no
``atexit``, no flush. Points:

opened          the store is open, nothing written yet
extracting      extraction of the second batch under way (first batch committed)
before-commit   the second batch's transaction built, not sent
during-commit   a forked child kills the process 0.5 ms into the second batch's ``store.update``
                (which takes a few ms): the transaction is cut off mid-way
after-commit    the second batch committed, before anything else
final-flush     before the last flush of the store's buffers (committed data only in the WAL)
workers         a two-process build, killed with its workers at the second commit
dask-shard      a Dask build: the first shard's statements bulk-loaded, its documents not yet committed
errors-report   half of the ``--errors`` report written
export          an export fully written to its temporary file, not yet renamed
"""

from __future__ import annotations

import os
import signal
import sys
import time

import kg.atomic
import kg.cli
import kg.nlp
import kg.rdf.store
import kg.scale.cluster


def die() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    if os.getpgid(0) == os.getpid():  # our own session (the test starts us so): take the workers along
        os.killpg(0, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def on_call(module, name: str, number: int, *, before: bool = True, during: bool = False) -> None:
    """Kill at the ``number``-th call of ``module.name`` (before it runs, while it runs, or after it returns)."""
    original = getattr(module, name)
    calls = 0

    def wrapper(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == number:
            if before:
                die()
            if during:
                args = (Killing(args[0]), *args[1:])
        result = original(*args, **kwargs)
        if calls == number and not before:
            die()
        return result

    setattr(module, name, wrapper)


class Killing:
    """A store whose ``update`` is cut off by a forked child 0.5 ms after it starts."""

    def __init__(self, store):
        self.store = store

    def update(self, *args, **kwargs):
        parent = os.getpid()
        if os.fork() == 0:  # the child does not need our GIL to kill us mid-call
            time.sleep(0.0005)
            os.kill(parent, signal.SIGKILL)
            os._exit(0)
        return self.store.update(*args, **kwargs)

    def __getattr__(self, attribute):
        return getattr(self.store, attribute)


def kill_mid_extraction(after: int) -> None:
    original = kg.nlp.Pipeline.extract_many

    def extract_many(self, documents, **options):
        for number, extraction in enumerate(original(self, documents, **options), 1):
            if number > after:
                die()
            yield extraction

    kg.nlp.Pipeline.extract_many = extract_many


def kill_mid_write(module, name: str) -> None:
    """Kill after the first write to a stream opened by ``module.name`` (a context manager)."""
    original = getattr(module, name)

    class Dying:
        def __init__(self, stream):
            self.stream = stream

        def write(self, text):
            self.stream.write(text)
            self.stream.flush()
            die()

        def __getattr__(self, attribute):
            return getattr(self.stream, attribute)

    from contextlib import contextmanager

    @contextmanager
    def wrapper(*args, **kwargs):
        with original(*args, **kwargs) as stream:
            yield Dying(stream)

    setattr(module, name, wrapper)


POINTS = {
    "opened": lambda: on_call(kg.cli, "_open_store", 1, before=False),
    "extracting": lambda: kill_mid_extraction(3),
    "before-commit": lambda: on_call(kg.rdf.store, "write_graph", 2),
    "during-commit": lambda: on_call(kg.rdf.store, "write_graph", 2, before=False, during=True),
    "after-commit": lambda: on_call(kg.rdf.store, "write_graph", 2, before=False),
    "final-flush": lambda: on_call(kg.rdf.store, "flush_store", 1),
    "workers": lambda: on_call(kg.rdf.store, "write_graph", 2),
    "dask-shard": lambda: on_call(kg.scale.cluster, "write_graph", 1),
    "errors-report": lambda: kill_mid_write(kg.cli, "_atomic_output"),
    "export": lambda: kill_before_rename(),
}


def kill_before_rename() -> None:
    """Kill when :func:`kg.atomic.atomic_write` is about to rename its finished temporary file."""
    original = os.replace

    def replace(source, target, **options):
        if os.path.basename(str(source)).startswith("."):
            die()
        return original(source, target, **options)

    kg.atomic.os.replace = replace  # kg.atomic calls os.replace; only this process is affected


def main(argv: list[str]) -> None:
    point, separator, *command = argv
    if point not in POINTS or separator != "--":
        raise SystemExit(f"usage: crash_driver.py {{{','.join(POINTS)}}} -- KG-ARGUMENTS")
    POINTS[point]()
    try:
        kg.cli.app(command, prog_name="kg")
    except SystemExit as end:
        print(f"{point}: the command ended (code {end.code}) without reaching the kill point", file=sys.stderr)
        raise SystemExit(3) from None


if __name__ == "__main__":
    main(sys.argv[1:])
