"""The SPARQL process behind ``kg serve``: started on a private Unix socket, watched, stopped.

:class:`OxigraphProcess` runs ``python -m kg.serve.worker`` (:mod:`kg.serve.worker`:
pyoxigraph on the store, read-only) in a child process that answers on a Unix
socket in a folder only this user can open, and only to requests carrying a
per-run key that it reads from a pipe: no TCP port to find in ``ps``, nothing
for another process to call past the front server's checks. The child exits
when that pipe closes (this process ended, even by SIGKILL).

A watcher thread restarts the child whenever it dies (a crash on a hostile
query, a kill), for as long as the server runs, waiting a little longer after
each crash in a row (:attr:`OxigraphProcess.backoff`, up to
:attr:`OxigraphProcess.max_backoff` seconds). pyoxigraph has no query timeout:
:meth:`OxigraphProcess.restart` is how the front server ends a query that
outlives its deadline.

:func:`oxigraph_binary` finds the ``oxigraph`` server (PyPI ``oxigraph``), which
tests and ``kg.rdf.remote``'s users run as a remote store.
"""

from __future__ import annotations

import http.client
import logging
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

__all__ = ["BackendError", "OxigraphProcess", "UnixHTTPConnection", "free_port", "oxigraph_binary"]

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


class UnixHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection over the Unix socket ``path``."""

    def __init__(self, path: str, timeout: float | None = None):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.unix_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class OxigraphProcess:
    """The SPARQL child process (:mod:`kg.serve.worker`) for the store folder ``location``.

    :meth:`connection` opens a connection to it and :attr:`headers` are the
    headers every request needs (the per-run key); :attr:`url` is the path of
    its endpoint as the front server asks for it.
    """

    def __init__(
        self,
        location: str | Path,
        *,
        timeout: float = 30.0,
        max_bytes: int = 64 * 1024 * 1024,
        backoff: float = 0.2,
        max_backoff: float = 10.0,
    ):
        self.location = Path(location)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.backoff, self.max_backoff = backoff, max_backoff
        self.restarts = 0
        #: Launches so far: a query started under one generation and still running under the next was cut off.
        self.generation = 0
        self.restarting = False
        self._key = secrets.token_urlsafe(32)
        self._folder: str | None = None
        self._lock = threading.RLock()
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self._log = None

    @property
    def socket_path(self) -> str:
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="kg-serve-")  # mode 0700: this user only
        return str(Path(self._folder) / "sparql.sock")

    @property
    def url(self) -> str:
        """The endpoint, as ``http+unix://SOCKET/query`` (for messages; :meth:`connection` reaches it)."""
        return f"http+unix://{urllib.parse.quote(self.socket_path, safe='')}/query"

    @property
    def headers(self) -> dict[str, str]:
        from kg.serve.worker import KEY_HEADER

        return {KEY_HEADER: self._key}

    def connection(self, timeout: float | None = None) -> UnixHTTPConnection:
        return UnixHTTPConnection(self.socket_path, timeout)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def _ready(self) -> bool:
        connection = self.connection(2)
        try:
            connection.request("POST", "/query", b"query=ASK%20%7B%7D",
                               {**self.headers, "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            return response.status == 200
        finally:
            connection.close()

    def _launch(self) -> None:
        command = [sys.executable, "-m", "kg.serve.worker", str(self.location), self.socket_path,
                   "--max-bytes", str(self.max_bytes)]
        if self._log is None:
            self._log = tempfile.TemporaryFile()  # not a pipe: a chatty process must never block on a full one
        self._log.seek(0)
        self._log.truncate()
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=self._log, stderr=self._log)
        self._process.stdin.write(self._key.encode() + b"\n")  # on a pipe: never in ps or /proc/PID/environ
        self._process.stdin.flush()  # kept open: the child ends when it closes
        self.generation += 1
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                message = self._log.read().decode("utf-8", errors="replace").strip()
                raise BackendError(f"the SPARQL process exited with code {self._process.returncode}: {message[-500:]}")
            try:
                if self._ready():
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        self._kill()
        raise BackendError(f"the SPARQL process did not answer within {self.timeout:g} s")

    def start(self) -> "OxigraphProcess":
        if not (self.location / "CURRENT").is_file():
            raise BackendError(f"{self.location}: no such store")
        self._stopping.clear()
        self._launch()
        self._watcher = threading.Thread(target=self._watch, name="sparql-watcher", daemon=True)
        self._watcher.start()
        return self

    def _watch(self) -> None:
        """Restart the child whenever it has died, for ever, waiting longer after each failure in a row."""
        delay, started = self.backoff, time.monotonic()
        while not self._stopping.is_set():
            process = self._process
            if process is not None and process.poll() is not None and not self.restarting:
                if time.monotonic() - started > 60:  # it had been up a while: not a crash loop
                    delay = self.backoff
                log.warning("the SPARQL process exited with code %s; restarting it in %.1f s",
                            process.returncode, delay)
                if self._stopping.wait(delay):
                    return
                with self._lock:
                    if self._stopping.is_set() or self._process is not process:
                        continue  # stopped, or restarted meanwhile
                    self.restarts += 1
                    try:
                        self._launch()
                    except Exception as error:  # tried again after the next delay
                        log.error("%s", error)
                started, delay = time.monotonic(), min(delay * 2, self.max_backoff)
                continue
            self._stopping.wait(0.1)

    def restart(self, generation: int | None = None) -> bool:
        """Stop the child and start it again, ending every query it runs.

        With ``generation``, only if it has not been restarted since that
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
        if process is None:
            return
        if process.poll() is None:
            process.kill()  # nothing to save: the store is open read-only
            process.wait()
        if process.stdin is not None:
            try:
                process.stdin.close()
            except OSError:
                pass

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
        with self._lock:
            self._kill()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> "OxigraphProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
