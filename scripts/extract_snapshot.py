"""Is ``kg extract``'s output on the evaluation sets and the example corpus byte-identical to the recorded one?

A speed change must not change what is read. This script runs the
extraction of ``kg extract`` (same settings, same JSON Lines) on
``eval/dev.jsonl``, ``eval/real.jsonl`` and ``kg/data/examples.jsonl`` and
compares a SHA-256 of each document's output lines with
``tests/data/extract_hashes.json``:

    python scripts/extract_snapshot.py check    # exit 1 and name the documents whose output changed
    python scripts/extract_snapshot.py write    # record the present output (after a deliberate reading change)
    python scripts/extract_snapshot.py dump DIR # write the full outputs, to diff two checkouts

Only hashes are recorded: the outputs quote the evaluation texts, which stay
out of the repository's code and tests.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {"dev": ROOT / "eval" / "dev.jsonl", "real": ROOT / "eval" / "real.jsonl", "examples": ROOT / "kg" / "data" / "examples.jsonl"}
HASHES = ROOT / "tests" / "data" / "extract_hashes.json"


def outputs() -> dict[str, dict[str, list[str]]]:
    """Output lines of ``kg extract`` (the command, in a process of its own) per set and document id, in order."""
    found: dict[str, dict[str, list[str]]] = {}
    for name, path in SETS.items():
        run = subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", "extract", str(path)],
                             capture_output=True, text=True, check=True)
        lines: dict[str, list[str]] = {}
        for line in run.stdout.splitlines():
            lines.setdefault(json.loads(line)["doc"], []).append(line)
        found[name] = lines
    return found


def digests(found: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, str]]:
    return {
        name: {doc: hashlib.sha256("\n".join(lines).encode()).hexdigest() for doc, lines in sorted(docs.items())}
        for name, docs in found.items()
    }


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    found = outputs()
    if command == "dump":
        folder = Path(argv[1])
        folder.mkdir(parents=True, exist_ok=True)
        for name, docs in found.items():
            (folder / f"{name}.jsonl").write_text("".join(line + "\n" for lines in docs.values() for line in lines), encoding="utf-8")
        return 0
    now = digests(found)
    if command == "write":
        HASHES.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {sum(map(len, now.values()))} documents in {HASHES.relative_to(ROOT)}")
        return 0
    recorded = json.loads(HASHES.read_text(encoding="utf-8"))
    changed = [
        f"{name}:{doc}"
        for name in sorted(set(now) | set(recorded))
        for doc in sorted(set(now.get(name, {})) | set(recorded.get(name, {})))
        if now.get(name, {}).get(doc) != recorded.get(name, {}).get(doc)
    ]
    if changed:
        print(f"output changed for {len(changed)} documents: {', '.join(changed)}")
        return 1
    print(f"identical: {sum(map(len, now.values()))} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
