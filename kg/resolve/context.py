"""Aliases that hold only in a context (DESIGN.md, "Canonical identifiers").

Machine translation from Chinese shortens names to one character, which comes
back as another country's name: "Asia and Afghanistan" for Armenia and
Azerbaijan in a Nagorno-Karabakh text, "Russia and White" for Russia and
Belarus. Each :class:`~kg.resolve.tables.ContextRule` says which ids must
(or must not) be in the document, and whether the mention must be paired
with another state ("X and Y", "X-Y") or be a "side". A rule that does not
hold never fires; the surface then keeps its ordinary meaning, if any.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.resolve.tables import ContextRule, Gazetteer

__all__ = ["Candidate", "resolve_candidates", "rule_holds"]

_COORDINATION = {"and", "&", "-", "–", "—", "/", ",", "or", "with", "versus", "vs", "vs."}
_SIDE = {"side", "sides", "'s", "’s"}


@dataclass(frozen=True)
class Candidate:
    """A surface of one or more context rules found at tokens ``start:end``."""

    text: str
    start: int
    end: int
    rules: tuple[ContextRule, ...]


def _paired(doc: Doc, start: int, end: int, partners: list[tuple[int, int, str]], allowed: tuple[str, ...]) -> bool:
    """True if tokens ``start:end`` are coordinated with a partner state mention."""
    for p_start, p_end, p_id in partners:
        if (p_start, p_end) == (start, end) or (allowed and p_id not in allowed):
            continue
        if p_end <= start:
            between = doc[p_end:start]
        elif p_start >= end:
            between = doc[end:p_start]
        else:
            continue
        if len(between) <= 2 and all(t.lower_ in _COORDINATION for t in between):
            return True
    return False


def rule_holds(rule: ContextRule, candidate: Candidate, doc: Doc, present: set[str], partners) -> bool:
    """Whether ``rule`` holds for ``candidate`` given the ids ``present`` in the document."""
    if rule.context and not present.intersection(rule.context):
        return False
    if rule.context_all and not present.issuperset(rule.context_all):
        return False
    if rule.context_none and present.intersection(rule.context_none):
        return False
    if rule.context_any_text and not any(t in doc.text for t in rule.context_any_text):
        return False
    if rule.paired or rule.paired_with:
        return _paired(doc, candidate.start, candidate.end, partners, rule.paired_with)
    if rule.paired_or_side:
        after = doc[candidate.end].lower_ if candidate.end < len(doc) else ""
        return (
            candidate.text.lower().endswith(" side")
            or after in _SIDE
            or _paired(doc, candidate.start, candidate.end, partners, ())
        )
    return True


def resolve_candidates(candidates: list[Candidate], plain: list[Span], gaz: Gazetteer, doc: Doc) -> dict[tuple[int, int], str]:
    """Map each candidate's ``(start, end)`` to the id of the first rule that holds.

    Rules are applied until nothing changes, since one alias can supply the
    context of another ("Naka" makes the text a Nagorno-Karabakh one, which
    makes "Asia and Afghanistan" Armenia and Azerbaijan).
    """
    present = {span.id_ for span in plain}
    state_spans = [(s.start, s.end, s.id_) for s in plain if gaz.entries[s.id_].type == "State"]
    resolved: dict[tuple[int, int], str] = {}
    changed = True
    while changed:
        changed = False
        partners = state_spans + [
            (c.start, c.end, resolved.get((c.start, c.end), "")) for c in candidates
            if any(gaz.entries[r.id].type == "State" for r in c.rules)
        ]
        for candidate in candidates:
            key = (candidate.start, candidate.end)
            if key in resolved:
                continue
            for rule in candidate.rules:
                if rule_holds(rule, candidate, doc, present, partners):
                    resolved[key] = rule.id
                    present.add(rule.id)
                    changed = True
                    break
    return resolved
