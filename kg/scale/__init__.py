"""Scale: streaming builds on every core, Dask for clusters, benchmarks.

- :mod:`kg.scale.inputs`: JSON Lines read a line at a time; document counts for an ETA.
- :mod:`kg.scale.parallel`: :func:`~kg.scale.parallel.extract_partition`, the unit of
  work, mapped over a local process pool in input order.
- :mod:`kg.scale.build`: :func:`~kg.scale.build.build_local`, ``kg build`` on one machine.
- :mod:`kg.scale.cluster`: :func:`~kg.scale.cluster.build_dask`, ``kg build --dask``
  (N-Triples shards, each committed with its documents in one transaction).
- :mod:`kg.scale.progress`: a progress bar on a terminal, log lines elsewhere.
- :mod:`kg.scale.bench`: ``kg bench scale``.

Dask is imported only by the functions that use it.
"""

__all__ = ["bench", "build", "cluster", "inputs", "parallel", "progress"]
