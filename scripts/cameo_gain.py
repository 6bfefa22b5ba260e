#!/usr/bin/env python3
"""What the curated PETRARCH-2 cues add: relations per predicate with and without ``cues_cameo.csv``.

    python scripts/cameo_gain.py kg/data/examples.jsonl eval/real.jsonl

Runs the pipeline twice on the same documents, once on a copy of ``kg/data`` without the file, and
prints the relations only one of the runs finds (added / lost), per predicate.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def relations(paths: list[str], data_dir: str | None) -> set[tuple]:
    from kg.ingest import read_path
    from kg.nlp import Pipeline, build_nlp
    from kg.records import Document
    from kg.settings import Settings

    settings = Settings()
    pipeline = Pipeline(settings, build_nlp(settings.model, data_dir=data_dir))
    documents = [d for p in paths for d in read_path(p) if isinstance(d, Document)]
    return {(x.document.id, *r.key(), r.evidence.sentence if r.evidence else "") for x in pipeline.extract_many(documents) for r in x.relations}


def main() -> int:
    paths = sys.argv[1:] or [str(ROOT / "kg" / "data" / "examples.jsonl")]
    with_cues = relations(paths, None)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "kg" / "data", data)
        (data / "cues_cameo.csv").unlink()
        without = relations(paths, str(data))
    added, lost = with_cues - without, without - with_cues
    print(f"relations: {len(without)} without the PETRARCH-2 cues, {len(with_cues)} with them (+{len(added)}, -{len(lost)})")
    for name, rows in (("added", added), ("lost", lost)):
        counts = Counter(r[2] for r in rows)
        print(f"{name} by predicate: " + (", ".join(f"{p} {n}" for p, n in counts.most_common()) or "none"))
        for r in sorted(rows)[:40]:
            print(f"  {name} {r[0]}: {r[1]} {r[2]} {r[3]} ({r[4]})  | {r[5][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
