"""Benchmarks that print figures as ratios against a baseline in the same run.

``speed`` is modelled on ``spacy benchmark speed``: words per second of the
full ir-kg pipeline and of the bare spaCy pipeline on the same documents,
alternating runs so that both see the same machine state.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from kg.data import data_path

__all__ = ["SpeedResult", "bench_speed", "sample_texts"]


@dataclass
class SpeedResult:
    documents: int
    words: int
    bare_wps: float
    full_wps: float
    components: dict[str, float]

    @property
    def overhead(self) -> float:
        """Extra time of ir-kg over bare spaCy, as a fraction (0.2 = 20% slower)."""
        return self.bare_wps / self.full_wps - 1.0

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "words": self.words,
            "bare_spacy_words_per_s": round(self.bare_wps),
            "ir_kg_words_per_s": round(self.full_wps),
            "ratio_full_to_bare": round(self.full_wps / self.bare_wps, 3),
            "overhead": round(self.overhead, 3),
            "component_seconds": {k: round(v, 3) for k, v in self.components.items()},
        }


def sample_texts(path: Path | None = None, copies: int = 1) -> list[str]:
    """Texts of a JSON Lines file (default: the bundled example corpus), repeated ``copies`` times."""
    with open(path or data_path("examples.jsonl"), encoding="utf-8") as stream:
        texts = [json.loads(line)["text"] for line in stream if line.strip()]
    return texts * copies


def bench_speed(texts: list[str], model: str, *, repeats: int = 3, batch_size: int = 32) -> SpeedResult:
    """Median words/s of bare spaCy and of ir-kg over ``repeats`` alternating runs."""
    import spacy

    from kg.nlp import build_nlp

    bare = spacy.load(model)
    full = build_nlp(model)
    for nlp in (bare, full):  # warm-up: lazy tables, caches
        list(nlp.pipe(texts[:4]))
    bare_times, full_times = [], []
    words = 0
    for _ in range(repeats):
        start = time.perf_counter()
        words = sum(len(doc) for doc in bare.pipe(texts, batch_size=batch_size))
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        list(full.pipe(texts, batch_size=batch_size))
        full_times.append(time.perf_counter() - start)
    components = _component_times(full, texts, batch_size)
    return SpeedResult(len(texts), words, words / statistics.median(bare_times), words / statistics.median(full_times), components)


def _component_times(nlp, texts: list[str], batch_size: int) -> dict[str, float]:
    """Seconds spent in each ir-kg component on ``texts``."""
    docs = [nlp.make_doc(t) for t in texts]
    times: dict[str, float] = {}
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        if name.startswith("kg_"):
            times[name] = time.perf_counter() - start
    return times
