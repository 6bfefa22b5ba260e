"""Memory and time on huge lines: a bounded parser input, bounded batches, an unchanged text.

A 5 MB line once drove ``kg extract`` to 9 GB: its 100,000-character parts went
to ``nlp.pipe`` 32 at a time, one "sentence" each. Now no sentence longer than
``kg.nlp.sentences.MAX_TOKENS`` reaches the parser, batches hold at most
``kg.nlp.BATCH_TOKENS`` tokens, a longer document runs in pieces, and a run
without whitespace reaches the tokenizer ``kg.nlp.MAX_RUN`` characters at a time.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

import pytest
import spacy

import kg.nlp
from kg.nlp import make_doc
from kg.nlp.sentences import MAX_TOKENS, cap_sentences
from kg.records import Document

pytestmark = pytest.mark.model

_WORDS = "the talks went on and delegates said nothing new about water trade roads ports grain prices while observers waited".split()
_NEWS = (
    "Chad accused Sudan of shelling border villages near Adre. "
    "The foreign minister of Chad said the attack broke the truce, and Sudan denied it.\n\n"
    "Qatar urged both sides to return to talks in Doha."
)

# the child measures its own children's peak resident memory: exact, and blind to the rest of the session
_PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _words(count: int, seed: int = 7) -> str:
    chooser = random.Random(seed)
    return " ".join(chooser.choice(_WORDS) for _ in range(count))


@pytest.mark.slow
def test_memory_a_5mb_line_stays_under_1gb(tmp_path):
    """5,000,000 characters on one line: prose without a full stop, then one run of letters.

    Before: 1,457 MB peak (the reported case, all prose, reached 9 GB); after: about 580 MB.
    """
    prose = _NEWS + " " + _words(70_000)
    line = prose + " " + "qz" * ((5_000_000 - len(prose)) // 2)
    source = tmp_path / "line.txt"
    source.write_text(line + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    kg_command = [sys.executable, "-c", "from kg.cli import app; app()", "extract", str(source), "-o", str(output)]
    done = subprocess.run([sys.executable, "-c", _PEAK, *kg_command], capture_output=True, text=True, timeout=900)
    code, peak_kb = map(int, done.stdout.split())
    assert code == 0, done.stderr[-2000:]
    assert "split into parts" in done.stderr
    assert peak_kb < 1024 * 1024, f"peak resident memory {peak_kb // 1024} MB"

    records = [json.loads(row) for row in output.read_text(encoding="utf-8").splitlines()]
    first = [r for r in records if r["doc"] == "line#1"]  # the first part starts where the line does
    assert {r["id"] for r in first if r["kind"] == "entity"} >= {"TCD", "SDN", "QAT"}
    for record in first:
        for mention in record.get("mentions", []):
            assert line[mention["start"]:mention["end"]] == mention["text"]
        if record["kind"] == "relation":
            evidence = record["evidence"]
            assert line[evidence["start"]:evidence["end"]] == evidence["sentence"]
    assert any(r["kind"] == "relation" and r["subject"] == "TCD" and r["object"] == "SDN" for r in first)


def test_memory_no_parsed_sentence_is_longer_than_the_cap(pipeline):
    text = _NEWS + " " + _words(1_500) + ", " + _words(400, seed=2) + ". " + "Chad and Sudan met."
    doc = pipeline.nlp(make_doc(pipeline.nlp, text))
    assert doc.text == text
    assert max(len(sentence) for sentence in doc.sents) <= MAX_TOKENS
    assert sum(1 for _ in doc.sents) >= 1_900 // MAX_TOKENS


def test_memory_ordinary_sentences_are_not_cut():
    nlp = spacy.blank("en")
    doc = cap_sentences(nlp(" ".join([_NEWS] * 20)))
    assert [t.i for t in doc if t.is_sent_start] == [0]  # only the first token, as always


@pytest.mark.parametrize("text", ["!" * 100_000, "Chad " + "x" * 5_000 + " and Sudan", "a " * 50_000, "é" * 3_001 + "\n"],
                         ids=["bangs", "long-word", "short-words", "accents"])
def test_memory_long_runs_are_tokenized_in_bounded_time_and_keep_the_text(text):
    nlp = spacy.blank("en")
    started = time.monotonic()
    doc = make_doc(nlp, text)
    assert time.monotonic() - started < 10  # "!" * 100_000 took most of an hour in one piece
    assert doc.text == text
    assert all(len(token) <= kg.nlp.MAX_RUN for token in doc)


def test_memory_a_long_document_in_pieces_gives_the_records_of_the_whole(pipeline, monkeypatch):
    documents = [Document(f"d{n}", " ".join([_NEWS] * n)) for n in (1, 4)]
    whole = [e.records() for e in pipeline.extract_many(documents)]
    pieces = []
    original = kg.nlp.Pipeline._long
    monkeypatch.setattr(kg.nlp, "BATCH_TOKENS", 60)
    monkeypatch.setattr(kg.nlp.Pipeline, "_long", lambda self, doc: pieces.append(len(doc)) or original(self, doc))
    cut = [e.records() for e in pipeline.extract_many(documents)]
    assert pieces and min(pieces) > 60  # both documents went through the pieces
    assert cut == whole
    assert any(r["kind"] == "relation" for r in whole[1])
