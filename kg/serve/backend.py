"""The Oxigraph server behind ``kg serve``: started read-only on loopback, watched, stopped.

``oxigraph serve-read-only --location STORE --bind 127.0.0.1:PORT`` (the
``oxigraph`` package on PyPI) speaks the SPARQL 1.1 protocol. It opens the
store read-only; nothing in ``kg serve`` opens it read-write. A watcher
thread restarts it if it dies (at most ``max_restarts`` times), and
:meth:`OxigraphProcess.stop` ends it.

``query_timeout`` is Oxigraph's ``--timeout-s`` (whole seconds). Oxigraph
checks it while it scans the store, so it stops most long queries (and
then ends an answer it has begun with "The SPARQL operation has been
cancelled", under status 200); it does not stop every one: an aggregate
over a three-way cross join runs on, on one core, after its client has
gone. :meth:`OxigraphProcess.restart` is the remedy the front server uses
for those.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

__all__ = ["BackendError", "OxigraphProcess", "free_port", "oxigraph_binary"]

log = logging.getLogger(__name__)


class BackendError(RuntimeError):
    """The Oxigraph server cannot be found, started or reached."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str:
    """The ``oxigraph`` command: on PATH or beside this Python."""
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if not found:
        raise BackendError("the oxigraph server is not installed: pip install oxigraph")
    return found


class OxigraphProcess:
    """``oxigraph serve-read-only`` on ``127.0.0.1:port`` for the store folder ``location``."""

    def __init__(
        self,
        location: str | Path,
        *,
        port: int | None = None,
        max_restarts: int = 3,
        timeout: float = 30.0,
        query_timeout: int | None = None,
    ):
        self.location = Path(location)
        self.port = port or free_port()
        self.max_restarts = max_restarts
        self.timeout = timeout
        self.query_timeout = query_timeout
        self.restarts = 0
        #: Launches so far: a query started under one generation and still running under the next was cut off.
        self.generation = 0
        self.restarting = False
        self._lock = threading.RLock()
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self._log = None

    @property
    def url(self) -> str:
        """The SPARQL query endpoint."""
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def _launch(self) -> None:
        command = [oxigraph_binary(), "serve-read-only", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        if self.query_timeout:
            command += ["--timeout-s", str(int(self.query_timeout))]
        if self._log is None:
            self._log = tempfile.TemporaryFile()  # not a pipe: a chatty server must never block on a full one
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        self.generation += 1
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                message = self._log.read().decode("utf-8", errors="replace").strip()
                raise BackendError(f"oxigraph exited with code {self._process.returncode}: {message[-500:]}")
            try:
                query = urllib.parse.urlencode({"query": "ASK {}"})
                with urllib.request.urlopen(f"{self.url}?{query}", timeout=2) as response:
                    response.read()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        self._kill()
        raise BackendError(f"oxigraph did not answer on port {self.port} within {self.timeout:g} s")

    def start(self) -> "OxigraphProcess":
        if not (self.location / "CURRENT").is_file():
            raise BackendError(f"{self.location}: no such store")
        self._stopping.clear()
        self._launch()
        self._watcher = threading.Thread(target=self._watch, name="oxigraph-watcher", daemon=True)
        self._watcher.start()
        return self

    def _watch(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                process = self._process
                if process is not None and process.poll() is not None and not self._stopping.is_set():
                    if self.restarts >= self.max_restarts:
                        log.error("oxigraph exited with code %s; not restarted again", process.returncode)
                        return
                    self.restarts += 1
                    log.warning("oxigraph exited with code %s; restarting (%d)", process.returncode, self.restarts)
                    try:
                        self._launch()
                    except BackendError as error:
                        log.error("%s", error)
            self._stopping.wait(0.5)

    def restart(self, generation: int | None = None) -> bool:
        """Stop Oxigraph and start it again (same port), ending every query it runs.

        With ``generation``, only if Oxigraph has not been restarted since that
        generation (several requests that outlived their time restart it once).
        Returns whether it restarted; blocks until the new process answers.
        """
        with self._lock:
            if self._stopping.is_set() or (generation is not None and generation != self.generation):
                return False
            self.restarting = True
            try:
                self._kill()
                self._launch()
            finally:
                self.restarting = False
            return True

    def wait_ready(self) -> None:
        """Return once no restart is in progress."""
        with self._lock:
            pass

    def _kill(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            self._kill()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "OxigraphProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
