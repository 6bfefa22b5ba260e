"""Instructions per document of the relation stage alone (``kg_relations``), counted by callgrind.

``kg bench speed --instructions`` counts whole ``kg extract`` processes; a change to
the relation stage moves that figure by a few parts in a hundred, under the rest of
the pipeline. This script counts the stage by itself, so that two versions of its
code can be compared exactly:

    python scripts/relation_instructions.py eval/dev.jsonl eval/real.jsonl   # about 2 minutes

It runs the pipeline up to ``kg_relations`` on the documents once (in this
process), keeps the Docs in a DocBin in a temporary folder, then counts, under
Valgrind's callgrind and with a fixed hash seed, a child process that reads them
and runs ``kg_relations`` on every one ``--rounds`` times, and the same child with
no rounds (start-up, reading), in parallel. The difference, divided by the
documents run, is the stage's instructions per document.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from kg.bench import count_processes

#: The counted child: read the Docs (and their texts, which the pipeline keeps), run the stage ``rounds`` times.
CHILD = """
import json, sys
import spacy
from spacy.tokens import DocBin
import kg.nlp.linker, kg.nlp.relations
from kg.nlp.relations import RelationComponent
from kg.relations.perdoc import keep_text
folder, rounds = sys.argv[1], int(sys.argv[2])
nlp = spacy.blank("en")
component = RelationComponent(nlp)
texts = json.loads(open(folder + "/texts.json", encoding="utf-8").read())
batches = [list(DocBin(store_user_data=True).from_disk(folder + "/docs.spacy").get_docs(nlp.vocab)) for _ in range(rounds)]
for docs in batches:
    for doc, text in zip(docs, texts):
        keep_text(doc, text)
for docs in batches:
    for doc in docs:
        component(doc)
"""


def prepare(paths: list[Path], folder: Path) -> int:
    """Run the pipeline up to ``kg_relations`` on the documents of ``paths``; keep the Docs and texts in ``folder``."""
    from spacy.tokens import DocBin

    from kg.ingest.files import read_path
    from kg.nlp import Pipeline

    pipeline = Pipeline()
    kept = DocBin(store_user_data=True)
    texts = []
    for path in paths:
        for document in read_path(path):
            if not hasattr(document, "text"):
                continue
            doc = pipeline._doc(document)
            with pipeline.nlp.select_pipes(disable=["kg_relations"]):
                doc = pipeline._process(doc)
            kept.add(doc)
            texts.append(doc.text)
    kept.to_disk(folder / "docs.spacy")
    (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    return len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="+", type=Path, help="JSON Lines with 'text' (and 'date')")
    parser.add_argument("--rounds", type=int, default=2, help="times each document is run (default 2)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-relation-count-") as name:
        folder = Path(name)
        documents = prepare(options.corpus, folder)
        child = [sys.executable, "-c", CHILD, str(folder)]
        counts = count_processes({"base": [*child, "0"], "run": [*child, str(options.rounds)]})
    per_document = (counts["run"] - counts["base"]) / (documents * options.rounds)
    print(f"kg_relations: {per_document / 1e6:.2f} M instructions a document "
          f"({documents} documents x {options.rounds} rounds, callgrind)")


if __name__ == "__main__":
    main()
