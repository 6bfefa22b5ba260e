"""``kg serve STORE``: a read-only SPARQL endpoint (loopback by default), with ir-kg's page around it.

:class:`~kg.serve.backend.OxigraphProcess` runs :mod:`kg.serve.worker`
(pyoxigraph, the store opened read-only) in a child process on a private Unix socket;
:class:`~kg.serve.front.FrontServer` answers on ``host:port`` with the
query page, the named queries, the graph view, and ``/sparql`` passed
through to Oxigraph (updates and ``SERVICE`` refused), within the limits
of :class:`~kg.serve.front.ServeSettings`. :mod:`kg.serve.load` measures it.

    with serve("kg.store", port=0) as served:   # both started; both stopped on exit
        print(served.url)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["BackendError", "FrontServer", "OxigraphProcess", "ServeSettings", "Served", "check_host", "is_loopback", "serve"]

#: Names imported when first used: ``python -m kg.serve.worker`` (started at each restart) needs none of them.
_LAZY = {"BackendError": "kg.serve.backend", "OxigraphProcess": "kg.serve.backend", "FrontServer": "kg.serve.front",
         "ServeSettings": "kg.serve.policy", "check_host": "kg.serve.policy", "is_loopback": "kg.serve.policy"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Served:
    """A running ``kg serve``: the front server (in a thread) and the SPARQL process."""

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


def serve(
    store: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    title: str | None = None,
    settings: ServeSettings | None = None,
) -> Served:
    """Start the SPARQL process (read-only) on ``store`` and the front server on ``host:port`` (0: any free port).

    Raises ``ValueError`` for a host that is not a loopback address when
    ``settings`` has no token, and :class:`BackendError` when the SPARQL
    process cannot be started.
    """
    from kg.serve.backend import OxigraphProcess
    from kg.serve.front import FrontServer
    from kg.serve.policy import ServeSettings, check_host

    settings = settings or ServeSettings()
    check_host(host, settings.token)
    backend = OxigraphProcess(store, max_bytes=settings.max_result_bytes).start()
    try:
        front = FrontServer(host, port, backend, title=title or f"ir-kg: {Path(store).name}", settings=settings)
    except BaseException:
        backend.stop()
        raise
    front.start()
    return Served(front, backend)
