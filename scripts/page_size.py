"""The size of the ``kg viz`` page of a made-up news-like graph (kg.viz.synthetic).

    python scripts/page_size.py                 # 5,000 entities
    python scripts/page_size.py --entities 1000 --entities 5000 --save /tmp/page.html

Prints, per size: the page's bytes, bytes per entity, what the inlined
libraries (vis-network, tom-select) take, the graph's data without them, and
the seconds ``to_html`` took.
"""

from __future__ import annotations

import argparse
import time

from kg.viz import to_html
from kg.viz.html import _ASSETS, _asset
from kg.viz.synthetic import news_like_graph


def measure(entities: int, seed: int, save: str | None = None) -> dict:
    kg = news_like_graph(entities, seed)
    started = time.perf_counter()
    page = to_html(kg)
    seconds = time.perf_counter() - started
    if save:
        with open(save, "w", encoding="utf-8") as stream:
            stream.write(page)
    size = len(page.encode("utf-8"))
    libraries = sum(len(_asset(path).encode("utf-8")) for path in _ASSETS.values())
    return {"entities": len(kg.nodes), "relations": len(kg), "documents": len(kg.documents), "bytes": size,
            "libraries": libraries, "data": size - libraries, "escapes": page.count("\\u003c"), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, action="append", help="entities in the graph (repeatable; 5000)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--save", help="write the (last) page here")
    args = parser.parse_args()
    print("| entities | relations | documents | page bytes | bytes / entity | libraries | the rest | \\u003c | to_html s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for entities in args.entities or [5000]:
        m = measure(entities, args.seed, args.save)
        print(f"| {m['entities']:,} | {m['relations']:,} | {m['documents']:,} | {m['bytes']:,} | "
              f"{m['bytes'] / m['entities']:,.0f} | {m['libraries']:,} | {m['data']:,} | {m['escapes']:,} | "
              f"{m['seconds']:.2f} |")


if __name__ == "__main__":
    main()
