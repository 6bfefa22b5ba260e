#!/usr/bin/env python3
"""Curated cues from the PETRARCH-2 CAMEO verb dictionary -> ``kg/data/cues_cameo.csv``.

    python scripts/cameo_cues.py              # writes kg/data/cues_cameo.csv
    python scripts/cameo_cues.py --check      # exit 1 if the file is not what the sources give

``kg/data/cameo_verbs.csv`` (made by ``scripts/cameo_verbs.py``) holds every verb pattern of the
dictionary; ``kg/data/sources/cameo_keep.csv`` is the curation: which of them ir-kg reads, as which cue
class of ``kg/data/cues.jsonl``, and with which preposition the target follows. Each kept row must match
a dictionary pattern (lemma, particle, object noun) whose CAMEO code lies under the class's predicate
(``ir:defaultCameoCode`` in ``ontology/ir.ttl``); the code and the pattern go into the output for
provenance. ``@force`` stands for any force noun of ``actor_nouns.csv`` (the dictionary's troop,
army, force ... synonym set).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "kg" / "data"
COLUMNS = ["class", "lemma", "particle", "object", "target_prep", "cameo", "pattern", "source"]
#: CAMEO roots a class may take its verbs from, beyond its predicate's own root (18 assault, 20 mass violence)
EXTRA_ROOTS = {"attacks": ("18", "19", "20")}


def _roots(predicate_code: str | None, predicate: str) -> tuple[str, ...]:
    if predicate in EXTRA_ROOTS:
        return EXTRA_ROOTS[predicate]
    code = predicate_code or ""
    return (code[:3],) if code.startswith("11") else (code[:2],)


def build(verbs_path: Path, keep_path: Path, cues_path: Path) -> str:
    sys.path.insert(0, str(ROOT))
    from kg.vocab import load_vocabulary

    vocab = load_vocabulary()
    classes = {json.loads(line)["class"]: json.loads(line)["predicate"] for line in cues_path.open(encoding="utf-8") if line.strip()}
    verbs = list(csv.DictReader(verbs_path.open(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    problems = []
    for row in csv.DictReader(keep_path.open(encoding="utf-8")):
        predicate = classes.get(row["class"])
        if predicate is None:
            problems.append(f"{row['class']}: no such cue class")
            continue
        roots = _roots(vocab[predicate].cameo, predicate)
        wanted_object = "" if row["object"].startswith("@") else row["object"]
        matches = sorted(
            (v for v in verbs
             if v["lemma"] == row["lemma"] and v["particle"] == row["particle"] and v["cameo"].startswith(roots)
             and (v["object"] == wanted_object or (row["object"].startswith("@") and v["object"] in ("", "force", "troop", "army", "soldier")))),
            key=lambda v: (v["object"] != wanted_object, v["cameo"], v["pattern"]),
        )
        if not matches:
            problems.append(f"{row['class']} {row['lemma']} {row['particle']} {row['object']}: no dictionary pattern under CAMEO {roots}")
            continue
        best = matches[0]
        writer.writerow({"class": row["class"], "lemma": row["lemma"], "particle": row["particle"], "object": row["object"],
                         "target_prep": row["target_prep"], "cameo": best["cameo"], "pattern": best["pattern"], "source": best["source"]})
    if problems:
        raise SystemExit("cameo_cues: " + "; ".join(problems))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbs", type=Path, default=DATA / "cameo_verbs.csv")
    parser.add_argument("--keep", type=Path, default=DATA / "sources" / "cameo_keep.csv")
    parser.add_argument("--cues", type=Path, default=DATA / "cues.jsonl")
    parser.add_argument("-o", "--output", type=Path, default=DATA / "cues_cameo.csv")
    parser.add_argument("--check", action="store_true", help="compare with the output file instead of writing it")
    args = parser.parse_args(argv)
    text = build(args.verbs, args.keep, args.cues)
    if args.check:
        same = args.output.is_file() and args.output.read_text(encoding="utf-8") == text
        print("cues_cameo.csv is " + ("up to date" if same else "out of date"))
        return 0 if same else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {text.count(chr(10)) - 1} cues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
