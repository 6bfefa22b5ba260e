"""The relation lexicon: cue words, light verbs, actor nouns, speech and modality cues.

All of it is data in ``kg/data``; this module only reads it.

>>> lex = load_lexicon()
>>> lex.verb_class("accuse"), lex.noun_class("sanction"), lex.predicate("accuse")
('accuse', 'sanction', 'accuses')
>>> lex.is_light("impose"), sorted(lex.speech["deny"])[:2]
(True, ['deny', 'dismiss'])
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.data import data_path
from kg.resolve.tables import read_csv

__all__ = ["Cue", "Lexicon", "load_lexicon"]


@dataclass(frozen=True)
class Cue:
    """A class of cue words that signal one predicate."""

    name: str
    predicate: str
    verbs: frozenset[str]
    nouns: frozenset[str]
    preps: frozenset[str]
    verb_preps: dict
    verb_objects: dict
    reliability: float
    reciprocal_verbs: frozenset[str] = frozenset()


@dataclass
class Lexicon:
    cues: dict[str, Cue] = field(default_factory=dict)
    verbs: dict[str, str] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    light: set[str] = field(default_factory=set)
    actor_nouns: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    speech: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    modality: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def verb_class(self, lemma: str) -> str | None:
        return self.verbs.get(lemma)

    def noun_class(self, lemma: str) -> str | None:
        return self.nouns.get(lemma)

    def predicate(self, cue: str) -> str:
        return self.cues[cue].predicate

    def is_light(self, lemma: str) -> bool:
        return lemma in self.light

    def noun_kind(self, lemma: str, kind: str) -> bool:
        return lemma in self.actor_nouns[kind]

    def speech_kind(self, lemma: str) -> str | None:
        return next((kind for kind, lemmas in self.speech.items() if lemma in lemmas), None)


def _read_cues(path: Path, lexicon: Lexicon) -> None:
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if not line.strip():
                continue
            data = json.loads(line)
            cue = Cue(
                name=data["class"],
                predicate=data["predicate"],
                verbs=frozenset(data.get("verbs", ())),
                nouns=frozenset(n.split()[-1] for n in data.get("nouns", ())),
                preps=frozenset(data.get("preps", ())),
                verb_preps=data.get("verb_preps", {}),
                verb_objects=data.get("verb_objects", {}),
                reliability=float(data.get("reliability", 0.8)),
                reciprocal_verbs=frozenset(data.get("reciprocal_verbs", ())),
            )
            lexicon.cues[cue.name] = cue
            for verb in cue.verbs:
                lexicon.verbs.setdefault(verb, cue.name)
            for noun in cue.nouns:
                lexicon.nouns.setdefault(noun, cue.name)


def load_lexicon(data_dir: Path | None = None) -> Lexicon:
    path = (lambda name: Path(data_dir) / name) if data_dir else data_path
    lexicon = Lexicon()
    _read_cues(path("cues.jsonl"), lexicon)
    lexicon.light = {row["lemma"] for row in read_csv(path("light_verbs.csv"))}
    for row in read_csv(path("actor_nouns.csv")):
        lexicon.actor_nouns[row["kind"]].add(row["lemma"])
    for row in read_csv(path("speech_verbs.csv")):
        lexicon.speech[row["kind"]].add(row["lemma"])
    for row in read_csv(path("modality_cues.csv")):
        lexicon.modality[row["kind"]].add(row["lemma"])
    return lexicon


@lru_cache(maxsize=4)
def cached_lexicon(data_dir: str | None = None) -> Lexicon:
    return load_lexicon(Path(data_dir) if data_dir else None)
