"""The relation lexicon: cue words, light verbs, actor nouns, speech and modality cues.

All of it is data in ``kg/data``; this module only reads it.

>>> lex = load_lexicon()
>>> lex.verb_class("accuse"), lex.noun_class("sanction"), lex.predicate("neighbour")
('accuse', 'sanction', 'neighbourOf')
>>> lex.is_light("impose"), sorted(lex.speech["deny"])[:2]
(True, ['deny', 'dismiss'])
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
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
    #: nouns that relate a holder to a relatum ("member", "ally", "neighbour"), not events
    relational: bool = False
    #: verbs whose object is the relation's subject ("the bloc includes Chile": Chile memberOf the bloc)
    inverse_verbs: frozenset[str] = frozenset()
    #: "decision": deciding or announcing it is doing it ("decided to cut ties", "will restore relations");
    #: "announcement": announcing it is ("said it would send troops"), deciding it is not ("agreed to deploy")
    performative: str | None = None
    #: the owner of the required object noun is the object ("expelled Peru's ambassador")
    object_owner: bool = False
    #: where the object comes from when none is named: "parties", "recent_organization", "clause_agent"
    default_object: str | None = None
    #: an event noun as object stands for its actor ("condemned the strike by Chile" -> Chile)
    event_targets: bool = False
    #: allowed entity types of subject and object (None: any actor but a region)
    subject_types: frozenset[str] | None = None
    object_types: frozenset[str] | None = None
    #: verbs that need a complement verb ("ordered the envoy to leave"): lemma -> complement lemmas
    verb_complements: dict = field(default_factory=dict)
    #: prepositions that cancel a verb's reading ("joined as an observer")
    blocking_preps: dict = field(default_factory=dict)
    #: what an object may carry that undoes the reading ("sent a ship with aid" sends no forces)
    blocking_cargo: frozenset[str] = frozenset()
    #: prepositions of a noun that differ from the class's ("a protest with X")
    noun_preps: dict = field(default_factory=dict)
    #: the reciprocal reading of a verb needs one of these prepositions ("agreed on a truce", not "agreed that")
    reciprocal_preps: dict = field(default_factory=dict)
    #: participles and adjectives that carry the cue ("neighbouring", "allied")
    adjectives: frozenset[str] = frozenset()
    #: a region or mission as object also stands for the state it lies in: "all", "undisputed" (a
    #: deployment to a disputed region is no deployment to the state that holds it), or "regions"
    #: (undisputed regions only: an armed group is never its host state)
    lift_places: str | None = None
    #: verbs whose listed objects apply only when they have an object ("shot down a jet" / "shot at X")
    optional_objects: frozenset[str] = frozenset()
    #: agentless passive: the state of the object's post acts ("X's ambassador to Y was expelled")
    passive_hosts: dict[str, list[str]] = field(default_factory=dict)
    #: a required object without an owner stands for the state it lies in ("struck targets in Lebanon")
    object_place: bool = False
    #: the object of a purpose clause is the object ("sent troops to reinforce KFOR")
    purpose_objects: bool = False
    #: a relational noun whose own name modifier is the holder ("Chile's Atacama region")
    holder_modifiers: bool = False
    #: sentences of the project's own with the relation each must give (run by the tests)
    examples: tuple = ()
    #: with no object named, the actor of its clause is ("warned that any move by X would ...",
    #: "threatened a response if X struck", "the accusation that X shelters ...")
    clause_objects: bool = False
    #: a noun in a prepositional phrase takes the clause's subject as its agent ("during a visit to X")
    clause_agents: bool = False
    #: a crowd's nationality is the subject ("thousands of Iranians rallied", "Chinese students marched")
    crowd_subjects: bool = False
    #: verbs that signal the cue only with their particle ("hit out at", "lash out at")
    verb_particles: dict = field(default_factory=dict)

    def preps_of(self, lemma: str, verbal: bool) -> frozenset[str]:
        """The prepositions that introduce the object of ``lemma``."""
        table = self.verb_preps if verbal else self.noun_preps
        return frozenset(table[lemma]) if lemma in table else self.preps


@dataclass
class Lexicon:
    cues: dict[str, Cue] = field(default_factory=dict)
    verbs: dict[str, str] = field(default_factory=dict)
    nouns: dict[str, str] = field(default_factory=dict)
    verb_cues: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    noun_cues: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    adjective_cues: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: (class, head noun) -> the modifier words a multi-word cue noun needs ("defence" of "defence pact"),
    #: for head nouns the class does not list alone
    noun_modifiers: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    light: set[str] = field(default_factory=set)
    actor_nouns: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    speech: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    modality: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def verb_class(self, lemma: str) -> str | None:
        return self.verbs.get(lemma)

    def noun_class(self, lemma: str) -> str | None:
        return self.nouns.get(lemma)

    def needs_modifier(self, cue: str, lemma: str) -> set[str]:
        """The modifier words a head noun needs to signal ``cue`` (empty: none needed)."""
        return self.noun_modifiers.get((cue, lemma), set())

    def cues_for(self, lemma: str, table: str) -> list[Cue]:
        """Every cue class of ``lemma`` as a verb, noun or adjective (``table``)."""
        names = {"verb": self.verb_cues, "noun": self.noun_cues, "adjective": self.adjective_cues}[table].get(lemma, ())
        return [self.cues[name] for name in names]

    def predicate(self, cue: str) -> str:
        return self.cues[cue].predicate

    def is_light(self, lemma: str) -> bool:
        return lemma in self.light

    def noun_kind(self, lemma: str, kind: str) -> bool:
        """Whether ``lemma`` is a noun of ``kind``; a capitalised plural the lemmatizer left alone counts
        by its singular ("the Defense Forces")."""
        nouns = self.actor_nouns[kind]
        return lemma in nouns or (lemma.endswith("s") and lemma[:-1] in nouns)

    def speech_kind(self, lemma: str) -> str | None:
        return next((kind for kind, lemmas in self.speech.items() if lemma in lemmas), None)


_SIBILANT_ENDS = ("s", "x", "z", "ch", "sh")


#: Irregular past forms, for prefixed verbs the lemmatizer leaves as they are ("retook", "unfroze").
_IRREGULAR = {"took": "take", "taken": "take", "froze": "freeze", "frozen": "freeze", "drew": "draw",
              "drawn": "draw", "shot": "shoot", "struck": "strike", "sent": "send", "fought": "fight",
              "broke": "break", "broken": "break", "held": "hold", "gave": "give", "given": "give",
              "sold": "sell", "built": "build", "won": "win", "wrote": "write", "written": "write"}
_PREFIXES = ("re", "un", "with", "over", "under")


def lemma_of(token) -> str:
    """A token's lemma, mended where the rule lemmatizer cuts a silent e off a verb ("hopes" -> "hop")
    or leaves a prefixed irregular past as it is ("retook" -> "retake").

    >>> class T: lemma_, lower_, tag_ = "hop", "hopes", "VBZ"
    >>> class U: lemma_, lower_, tag_ = "retook", "retook", "VBD"
    >>> lemma_of(T), lemma_of(U)
    ('hope', 'retake')
    """
    return mended_lemma(token.lemma_.lower(), token.lower_, token.tag_)


def mended_lemma(lemma: str, lower: str, tag: str) -> str:
    """:func:`lemma_of` from a token's lower-case lemma, lower-case form and tag."""
    if lemma == lower and tag in ("VBD", "VBN", "VBP"):  # the tagger takes unknown pasts for presents
        for prefix in ("", *_PREFIXES):
            if lower.startswith(prefix) and lower[len(prefix):] in _IRREGULAR:
                return prefix + _IRREGULAR[lower[len(prefix):]]
    if (tag == "VBZ" and lower.endswith("es") and lower[:-1] == lemma + "e"
            and lemma[-1:] not in "aeiouy" and not lemma.endswith(_SIBILANT_ENDS)):
        return lower[:-1]
    return lemma


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
                relational=bool(data.get("relational", False)),
                inverse_verbs=frozenset(data.get("inverse_verbs", ())),
                performative=data.get("performative") or None,
                object_owner=bool(data.get("object_owner", False)),
                default_object=data.get("default_object"),
                event_targets=bool(data.get("event_targets", False)),
                subject_types=frozenset(data["subject_types"]) if "subject_types" in data else None,
                object_types=frozenset(data["object_types"]) if "object_types" in data else None,
                verb_complements=data.get("verb_complements", {}),
                blocking_preps=data.get("blocking_preps", {}),
                blocking_cargo=frozenset(data.get("blocking_cargo", ())),
                noun_preps=data.get("noun_preps", {}),
                reciprocal_preps=data.get("reciprocal_preps", {}),
                adjectives=frozenset(data.get("adjectives", ())),
                lift_places=data.get("lift_places") or None,
                object_place=bool(data.get("object_place", False)),
                passive_hosts=data.get("passive_hosts", {}),
                optional_objects=frozenset(data.get("optional_objects", ())),
                purpose_objects=bool(data.get("purpose_objects", False)),
                holder_modifiers=bool(data.get("holder_modifiers", False)),
                examples=tuple(data.get("examples", ())),
                clause_objects=bool(data.get("clause_objects", False)),
                verb_particles=data.get("verb_particles", {}),
                clause_agents=bool(data.get("clause_agents", False)),
                crowd_subjects=bool(data.get("crowd_subjects", False)),
            )
            if cue.name in lexicon.cues:
                raise ValueError(f"{path}: cue class {cue.name!r} is defined twice")
            lexicon.cues[cue.name] = cue
            for verb in sorted(cue.verbs | cue.inverse_verbs):
                lexicon.verbs.setdefault(verb, cue.name)
                lexicon.verb_cues[verb].append(cue.name)
            for noun in sorted(cue.nouns):
                lexicon.nouns.setdefault(noun, cue.name)
                lexicon.noun_cues[noun].append(cue.name)
            listed = data.get("nouns", ())
            for phrase in listed:
                words = phrase.split()
                if len(words) > 1 and words[-1] not in listed:
                    lexicon.noun_modifiers[(cue.name, words[-1])].add(words[-2])
            for adjective in sorted(cue.adjectives):
                lexicon.adjective_cues[adjective].append(cue.name)


def _read_cameo_cues(path: Path, lexicon: Lexicon) -> None:
    """Merge the curated PETRARCH-2 verbs (``cues_cameo.csv``) into their cue classes."""
    if not path.is_file():
        return
    for row in read_csv(path):
        cue = lexicon.cues[row["class"]]
        lemma = row["lemma"]
        verbs = cue.verbs | {lemma}
        verb_preps, verb_objects, particles = dict(cue.verb_preps), dict(cue.verb_objects), dict(cue.verb_particles)
        if row["target_prep"] and (lemma not in cue.verbs or lemma in cue.verb_preps):
            verb_preps[lemma] = sorted(set(verb_preps.get(lemma, ())) | {row["target_prep"]})
        if row["object"] and (lemma not in cue.verbs or lemma in cue.verb_objects):
            verb_objects[lemma] = sorted(set(verb_objects.get(lemma, ())) | {row["object"]})
        if row["particle"]:
            particles[lemma] = sorted(set(particles.get(lemma, ())) | {row["particle"]})
        lexicon.cues[cue.name] = replace(cue, verbs=verbs, verb_preps=verb_preps, verb_objects=verb_objects, verb_particles=particles)
        lexicon.verbs.setdefault(lemma, cue.name)
        if cue.name not in lexicon.verb_cues[lemma]:
            lexicon.verb_cues[lemma].append(cue.name)


def load_lexicon(data_dir: Path | None = None) -> Lexicon:
    path = (lambda name: Path(data_dir) / name) if data_dir else data_path
    lexicon = Lexicon()
    _read_cues(path("cues.jsonl"), lexicon)
    _read_cameo_cues(path("cues_cameo.csv"), lexicon)
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
