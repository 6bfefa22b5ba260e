"""The pipeline contract: frozen records that flow between stages.

Every record has ``to_dict`` / ``from_dict`` that follow the ``kg extract``
JSON Lines contract of DESIGN.md.

>>> m = Mention("Armenian", 412, 420)
>>> Entity("d1", "ARM", "State", "Armenia", (m,)).to_dict()["mentions"]
[{'text': 'Armenian', 'start': 412, 'end': 420}]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = [
    "ENTITY_TYPES",
    "MODALITIES",
    "Document",
    "Mention",
    "Entity",
    "Evidence",
    "Relation",
    "Extraction",
]

ENTITY_TYPES = ("State", "Organization", "Person", "Region", "Other")
MODALITIES = ("asserted", "claimed", "hypothetical", "negated")


@dataclass(frozen=True)
class Document:
    """One news document; ``text`` is the cleaned text all offsets refer to.

    ``origin`` is where it was read — ``(file, line)``, the line ``None`` for
    a whole file — so that a problem found later (language, duplicate id) is
    reported where the input is. It is not part of the output contract: not in
    ``to_dict`` and not compared.
    """

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    origin: tuple[str, int | None] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("id", "text", "date", "title", "url", "source")}

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        return cls(**{k: data.get(k) for k in ("id", "text", "date", "title", "url", "source")})


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict) -> "Mention":
        return cls(data["text"], int(data["start"]), int(data["end"]))


@dataclass(frozen=True)
class Entity:
    doc: str
    id: str
    type: str
    label: str
    mentions: tuple[Mention, ...] = ()

    def to_dict(self) -> dict:
        return {
            "kind": "entity",
            "doc": self.doc,
            "id": self.id,
            "type": self.type,
            "label": self.label,
            "mentions": [m.to_dict() for m in self.mentions],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Entity":
        mentions = tuple(Mention.from_dict(m) for m in data.get("mentions", ()))
        return cls(data["doc"], data["id"], data["type"], data.get("label", data["id"]), mentions)


@dataclass(frozen=True)
class Evidence:
    sentence: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict) -> "Evidence":
        return cls(data["sentence"], int(data["start"]), int(data["end"]))


@dataclass(frozen=True)
class Relation:
    doc: str
    subject: str
    predicate: str
    object: str
    modality: str = "asserted"
    attributed_to: str | None = None
    denied_by: tuple[str, ...] = ()
    date: str | None = None
    confidence: float = 0.5
    cameo: str | None = None
    evidence: Evidence | None = None

    def key(self) -> tuple[str, str, str, str]:
        return (self.subject, self.predicate, self.object, self.modality)

    def to_dict(self) -> dict:
        return {
            "kind": "relation",
            "doc": self.doc,
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "modality": self.modality,
            "attributed_to": self.attributed_to,
            "denied_by": list(self.denied_by),
            "date": self.date,
            "confidence": round(self.confidence, 3),
            "cameo": self.cameo,
            "evidence": self.evidence.to_dict() if self.evidence else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Relation":
        evidence = data.get("evidence")
        return cls(
            doc=data.get("doc", ""),
            subject=data["subject"],
            predicate=data["predicate"],
            object=data["object"],
            modality=data.get("modality", "asserted"),
            attributed_to=data.get("attributed_to"),
            denied_by=tuple(data.get("denied_by") or ()),
            date=data.get("date"),
            confidence=float(data.get("confidence", 0.5)),
            cameo=data.get("cameo"),
            evidence=Evidence.from_dict(evidence) if evidence else None,
        )

    def replace(self, **changes) -> "Relation":
        return replace(self, **changes)


@dataclass(frozen=True)
class Extraction:
    """What the pipeline found in one document."""

    document: Document
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = field(default_factory=tuple)

    def records(self) -> list[dict]:
        """Entity records then relation records, in a deterministic order."""
        ents = sorted(self.entities, key=lambda e: e.id)
        rels = sorted(
            self.relations,
            key=lambda r: (r.subject, r.predicate, r.object, r.modality, r.evidence.start if r.evidence else -1),
        )
        return [e.to_dict() for e in ents] + [r.to_dict() for r in rels]

    def entity(self, id: str) -> Entity | None:
        return next((e for e in self.entities if e.id == id), None)

    @classmethod
    def from_records(cls, document: Document, records: list[dict]) -> "Extraction":
        ents = tuple(Entity.from_dict(r) for r in records if r.get("kind") == "entity")
        rels = tuple(Relation.from_dict(r) for r in records if r.get("kind") == "relation")
        return cls(document, ents, rels)
