"""Modality of a relation cue: asserted, claimed, hypothetical or negated.

Rules (DESIGN.md, "Modality and attribution"), read along the path from
the cue up to the root of its sentence:

- ``negated``: a negation ("not", "never", "no") on the cue's clause;
- ``hypothetical``: a modal ("may", "could", "would" outside reported
  speech), an ``if``/``unless`` clause, or a governing verb of intention,
  request or invitation ("intends to", "urged X to", "invited to join");
- ``claimed``: inside what someone else claims, says or alleges (the
  speaker is returned for ``attributed_to``); a speaker reporting their own
  side's act ("Algeria said it was cutting ties") asserts it;
- ``deny``: inside a denial ("denied backing the M23"), returned so that the
  caller can record the denial.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.relations.lexicon import Lexicon, lemma_of

__all__ = ["Modality", "modality_of"]

_TEMPORAL = {"after", "before", "since", "when", "while", "until", "once", "as"}
_CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "pcomp", "conj", "relcl", "acl", "csubj", "parataxis"}


@dataclass(frozen=True)
class Modality:
    modality: str = "asserted"
    speaker: Token | None = None  # head of the speaker phrase for claimed / deny
    deny: bool = False
    reported: bool = False  # claimed only because a third party reports it ("..., officials said")


def _children(token: Token, deps: set[str]) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _negated(token: Token, lex: Lexicon) -> bool:
    negs = lex.modality["negation"]
    for child in token.children:
        if child.dep_ == "neg" or (child.dep_ in ("advmod", "det", "preconj") and child.lower_ in negs and child.lower_ != "no"):
            return True
    return False


def _contrasted(token: Token) -> bool:
    """A coordinated verb that does not share its head's negation: "did not sign the treaty but
    supported X", "did not attend and instead condemned X" (a finite verb after "did not V")."""
    if token.dep_ != "conj" or token.pos_ not in ("VERB", "AUX"):
        return False
    contrast = any(c.dep_ == "advmod" and c.lower_ == "instead" for c in token.children) or any(
        c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in token.head.children if c.i < token.i)
    return contrast or (token.tag_ in ("VBD", "VBZ", "VBP") and token.head.tag_ == "VB")


def _modal(token: Token, lex: Lexicon) -> str | None:
    for child in token.children:
        if child.dep_ == "aux" and child.lower_ in lex.modality["modal"]:
            return child.lower_
    return None


def _conditional(token: Token, lex: Lexicon) -> bool:
    """The clause has an if-clause, or is one."""
    if any(c.dep_ == "mark" and c.lower_ in lex.modality["conditional"] for c in token.children):
        return True
    for child in token.children:
        if child.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in lex.modality["conditional"] for m in child.children):
            return True
        if child.dep_ == "prep" and child.lower_ == "if":
            return True
    return False


def _past(token: Token) -> bool:
    return token.tag_ in ("VBD", "VBN") or any(c.dep_ == "aux" and c.tag_ == "VBD" for c in token.children)


def _future(token: Token, lex: Lexicon) -> bool:
    """'will cut', 'is going to cut', 'is about to cut', 'is set to cut'."""
    if any(c.dep_ == "aux" and c.lower_ in lex.modality["future"] for c in token.children):
        return True
    return token.dep_ == "xcomp" and lemma_of(token.head) in lex.modality["imminent"]


def modality_of(cue: Token, lex: Lexicon, subject_ids: set[str], speaker_ids, performative: str | None = None,
                content_clause: bool = False) -> Modality:
    """Modality of the relation signalled by ``cue``.

    ``subject_ids`` are the relation's subjects; ``speaker_ids(token)`` gives
    the actor ids (state level) of a speaker phrase. A relation that is
    ``performative`` "decision" is done by deciding or announcing it
    ("decided to cut ties", "said it will restore relations"); one that is
    "announcement" by announcing it ("said it would send troops"), not by
    agreeing to it; any other relation in the future is hypothetical.
    """
    negated = hypothetical = False
    claimed: Token | None = None
    reported = ongoing = unattributed = False
    token = cue
    # the nominal cue of a light verb or copula takes its clause from the verb
    steps = 0
    own_polarity = False
    while steps < 12:
        steps += 1
        if _negated(token, lex) and not own_polarity:
            negated = True
        own_polarity = _contrasted(token)
        source = _according_to(token) if claimed is None and token.pos_ in ("VERB", "AUX") else None
        if source is not None and (speakers := set(speaker_ids(source))) and not speakers & subject_ids:
            claimed, reported = source, True  # "According to Syria, Israeli jets struck ..."
        modal = _modal(token, lex)
        announced = token.dep_ == "ccomp" and lex.speech_kind(lemma_of(token.head)) in ("report", "claim")
        if modal:
            reported = modal in ("would", "could") and token.dep_ == "ccomp" and _past(token.head) and lex.speech_kind(lemma_of(token.head))
            if not (modal == "would" and reported and performative):
                hypothetical = True  # "would" after a past speech verb is a reported future ("said it would cut ties")
        if _future(token, lex) and not (performative == "decision" or (performative and announced)):
            hypothetical = True
        if _conditional(token, lex) and not (token == cue and content_clause):
            hypothetical = True  # a threat's if-clause is its content: "threatened X if Y strikes"
        head = token.head
        if head == token:
            break
        head_lemma = lemma_of(head)
        particle = next((c.lower_ for c in head.children if c.dep_ == "prt"), "")
        if token.dep_ in ("dobj", "nsubjpass") and head.pos_ == "VERB" and (
                head_lemma in lex.modality["cancel"] or f"{head_lemma} {particle}" in lex.modality["cancel"]):
            negated = True  # "cancelled a planned meeting", "the talks were called off"
        if token.dep_ in ("advcl", "ccomp") and any(c.dep_ == "mark" and c.lower_ in _TEMPORAL for c in token.children):
            # "twelve days after a bomber killed 40 policemen": presupposed background
            break
        if token.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children):
            # "..., but Moon's government accused Abe's cabinet": a clause of its own
            break
        if token.dep_ == "pcomp" and token.tag_ == "VBG" and head.dep_ == "prep":
            if head.lower_ == "against":
                hypothetical = True  # "warned X against sending troops", "voted against joining": opposed, not done
            elif head.lower_ == "without" or (head.lower_ == "of" and "instead" in (head.head.lower_, *(c.lower_ for c in head.children))):
                negated = True  # "instead of imposing an embargo", "without consulting X"
        governor = head.head if token.dep_ in ("pcomp", "pobj") and head.dep_ == "prep" else head
        if token.dep_ in ("xcomp", "ccomp", "pcomp", "advcl", "acl", "pobj") and governor is not None:
            kind = lex.speech_kind(lemma_of(governor))
            if kind == "report" and governor.dep_ == "advcl" and lex.speech_kind(lemma_of(governor.head)) == "factive":
                kind = None  # "confirmed the strike, saying X fired ...": what is confirmed is a fact
            if kind == "deny" and not negated and not (token.dep_ == "ccomp" and token.i < governor.i) and token.dep_ != "advcl":
                # "denied the report, saying X ...": the participle is the speaker's own claim, not what is denied
                return Modality("negated", _speaker(governor), deny=True)
            if kind in ("claim", "report") and claimed is None:
                speaker = _speaker(governor)
                if speaker is not None:
                    speakers = set(speaker_ids(speaker))
                    if kind == "claim" or (speakers and not speakers & subject_ids):
                        claimed = speaker
                        reported = kind == "report"
                elif kind == "claim":
                    unattributed = True  # "X was accused of raids on Y": a claim whose maker is not named
            if token.dep_ in ("xcomp", "ccomp") and head_lemma in lex.modality["governor"] and not lex.speech_kind(head_lemma):
                hypothetical = True
            if token.dep_ == "xcomp" and head_lemma in lex.modality["continuing"]:
                ongoing = True  # "agreed to keep talking": the talks are going on
            if token.dep_ in ("xcomp", "ccomp") and head_lemma in lex.modality["decision"] and not (performative == "decision" or ongoing):
                hypothetical = True  # "agreed to hold talks" is not yet talks; "decided to cut ties" is the cut
        if token.dep_ == "acl" and head.pos_ == "NOUN" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
            head_noun = head.lemma_.lower()
            if head_noun in lex.modality["intent_noun"] or (head_noun in lex.modality["decision_noun"] and performative != "decision"):
                hypothetical = True  # "an offer to mediate", "a plan to attack": not done
        if token.dep_ in ("relcl", "acl") and head.pos_ in ("NOUN", "PROPN"):
            # a relative clause describes its noun; its modality is its own
            break
        token = head
    if negated:
        return Modality("negated")
    if hypothetical:
        return Modality("hypothetical")
    if claimed is not None:
        return Modality("claimed", claimed, reported=reported)
    if unattributed:
        return Modality("claimed")
    return Modality("asserted")


def _according_to(verb: Token) -> Token | None:
    """The source of "according to X" on a clause."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "according":
            return next((p for to in child.children if to.lower_ == "to" for p in to.children if p.dep_ == "pobj"), None)
    return None


def _speaker(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head != verb:
        return _speaker(verb.head)
    if verb.dep_ == "relcl":
        return verb.head
    return None
