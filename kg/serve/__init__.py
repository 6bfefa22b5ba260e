"""``kg serve STORE``: a read-only SPARQL endpoint on loopback, with ir-kg's page around it.

:class:`~kg.serve.backend.OxigraphProcess` runs ``oxigraph serve-read-only``
on the store (never opened read-write here) on a free loopback port;
:class:`~kg.serve.front.FrontServer` answers on ``host:port`` with the
query page, the named queries, the graph view, and ``/sparql`` passed
through to Oxigraph (updates refused).

    with serve("kg.store", port=0) as served:   # both started; both stopped on exit
        print(served.url)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.serve.backend import BackendError, OxigraphProcess
from kg.serve.front import FrontServer, is_loopback

__all__ = ["BackendError", "FrontServer", "OxigraphProcess", "Served", "is_loopback", "serve"]


@dataclass
class Served:
    """A running ``kg serve``: the front server (in a thread) and the Oxigraph process."""

    front: FrontServer
    backend: OxigraphProcess

    @property
    def url(self) -> str:
        return self.front.url

    def close(self) -> None:
        self.front.shutdown()
        self.front.server_close()
        self.backend.stop()

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve(store: str | Path, *, host: str = "127.0.0.1", port: int = 7878, title: str | None = None) -> Served:
    """Start Oxigraph (read-only) on ``store`` and the front server on ``host:port`` (0: any free port).

    Raises ``ValueError`` for a host that is not a loopback address and
    :class:`BackendError` when Oxigraph cannot be started.
    """
    if not is_loopback(host):
        raise ValueError(f"kg serve listens on loopback addresses only, not {host!r}")
    backend = OxigraphProcess(store).start()
    try:
        front = FrontServer(host, port, backend.url, title=title or f"ir-kg: {Path(store).name}")
    except BaseException:
        backend.stop()
        raise
    front.start()
    return Served(front, backend)
