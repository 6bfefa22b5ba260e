"""Records -> one knowledge graph, merged across documents.

A :class:`KnowledgeGraph` wraps a :class:`networkx.MultiDiGraph`:

- nodes are canonical entity ids with ``type``, ``label``, ``mentions`` (how
  many times the processed documents mention them), ``iso3`` for states and
  ``qid`` (Wikidata item) where the gazetteer has one;
- edges run subject -> object, keyed by ``(predicate, modality)``; a symmetric
  predicate is stored once per unordered pair, in canonical (sorted) order;
- an edge carries ``evidence``, a sorted tuple of :class:`Provenance` (one per
  sentence that states it), and what follows from it: ``support`` (distinct
  documents), ``first_seen`` / ``last_seen`` (dates) and ``confidence`` (max).

A document is added once: adding an extraction of a document already in the
graph (same id or same text) changes nothing.

>>> from kg.records import Document, Entity, Extraction, Mention, Relation
>>> def article(doc, date, subject, object):
...     ents = (Entity(doc, subject, "State", subject, (Mention(subject, 0, 3),)),
...             Entity(doc, object, "State", object))
...     rel = Relation(doc, subject, "neighbourOf", object, date=date, confidence=0.8)
...     return Extraction(Document(doc, f"{subject} and {object}.", date), ents, (rel,))
>>> kg = KnowledgeGraph(entries={})
>>> kg.add_extraction(article("d1", "2020-10-08", "GEO", "ARM"))
True
>>> kg.add_extraction(article("d2", "2021-01-05", "ARM", "GEO"))
True
>>> kg.add_extraction(article("d2", "2021-01-05", "ARM", "GEO"))
False
>>> edge = kg.edge("GEO", "neighbourOf", "ARM")
>>> edge["support"], edge["first_seen"], edge["last_seen"], kg.nodes["ARM"]["mentions"]
(2, '2020-10-08', '2021-01-05', 1)
>>> list(kg.graph.edges(keys=True))
[('ARM', 'GEO', ('neighbourOf', 'asserted'))]
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from datetime import date as Date
from typing import Iterable, Iterator, Mapping

from kg.records import ENTITY_TYPES, MODALITIES, Document, Entity, Extraction, Relation

__all__ = ["DocumentInfo", "Provenance", "KnowledgeGraph", "content_hash", "valid_date"]

log = logging.getLogger(__name__)


def content_hash(text: str) -> str:
    """The ``ir:contentHash`` of a document text.

    >>> content_hash("abc")[:15]
    'sha256:ba7816bf'
    """
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def valid_date(value: str | None) -> str | None:
    """``value`` if it is a calendar date ``YYYY-MM-DD``, else ``None``.

    >>> valid_date("2020-10-08"), valid_date("2020-13-45"), valid_date(None)
    ('2020-10-08', None, None)
    """
    if not value:
        return None
    try:
        return Date.fromisoformat(value).isoformat() if len(value) == 10 else None
    except ValueError:
        return None


@dataclass(frozen=True)
class DocumentInfo:
    """What the graph keeps of a document: its metadata and a hash of its text."""

    id: str
    content_hash: str
    date: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None

    @classmethod
    def of(cls, document: Document) -> "DocumentInfo":
        return cls(
            document.id,
            content_hash(document.text),
            valid_date(document.date),
            document.title,
            document.url,
            document.source,
        )

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Provenance:
    """One piece of evidence for an edge: where it was said, when, by whom, how sure."""

    doc: str
    start: int | None = None
    end: int | None = None
    sentence: str | None = None
    date: str | None = None
    url: str | None = None
    confidence: float = 0.5
    cameo: str | None = None
    attributed_to: str | None = None
    denied_by: tuple[str, ...] = ()

    def sort_key(self) -> tuple:
        return (
            self.date or "",
            self.doc,
            -1 if self.start is None else self.start,
            -1 if self.end is None else self.end,
            self.sentence or "",
            self.attributed_to or "",
            self.denied_by,
            self.cameo or "",
            self.confidence,
            self.url or "",
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data["denied_by"] = list(self.denied_by)
        return data


class KnowledgeGraph:
    """Entities and relations of many documents, merged (see the module docstring).

    ``entries`` maps entity ids to gazetteer entries (with a ``qid``); by
    default the bundled gazetteer (:func:`kg.resolve.tables.cached_gazetteer`)
    is read on first use. Pass ``entries={}`` to look nothing up.
    """

    def __init__(self, *, entries: Mapping | None = None) -> None:
        import networkx as nx  # here, not at import: valid_date and content_hash serve kg query without it

        self.graph = nx.MultiDiGraph()
        self.graph.graph["documents"] = {}
        self._entries = entries
        self._hashes: set[str] = set()
        self._symmetric: set[str] | None = None

    # -- reading ---------------------------------------------------------------

    @property
    def nodes(self):
        return self.graph.nodes

    @property
    def documents(self) -> dict[str, DocumentInfo]:
        return self.graph.graph["documents"]

    def has_document(self, doc_id: str, text_hash: str | None = None) -> bool:
        return doc_id in self.documents or (text_hash is not None and text_hash in self._hashes)

    def edge(self, subject: str, predicate: str, object: str, modality: str = "asserted") -> dict | None:
        """Attributes of one edge (either order for a symmetric predicate), or ``None``."""
        subject, object = self._orient(subject, predicate, object)
        return self.graph.get_edge_data(subject, object, (predicate, modality))

    def edges(self) -> Iterator[tuple[str, str, dict]]:
        """``(subject, object, attributes)`` of every edge, in a deterministic order."""
        for s, o, key, data in sorted(self.graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
            yield s, o, data

    def __len__(self) -> int:
        return self.graph.number_of_edges()

    def __repr__(self) -> str:
        return (
            f"<KnowledgeGraph {self.graph.number_of_nodes()} entities, "
            f"{self.graph.number_of_edges()} edges, {len(self.documents)} documents>"
        )

    def to_html(self, **options) -> str:
        """The graph as a self-contained interactive page (see :func:`kg.viz.to_html` for the filters)."""
        from kg.viz import to_html  # the view layer is optional: imported on use only

        return to_html(self, **options)

    def to_dict(self) -> dict:
        """Everything in the graph as plain, sorted data (equal graphs give equal dicts)."""
        return {
            "documents": [self.documents[d].to_dict() for d in sorted(self.documents)],
            "entities": [{"id": n, **dict(sorted(self.nodes[n].items()))} for n in sorted(self.nodes)],
            "edges": [
                {
                    "subject": s,
                    "object": o,
                    **{k: v for k, v in sorted(data.items()) if k != "evidence"},
                    "evidence": [p.to_dict() for p in data["evidence"]],
                }
                for s, o, data in self.edges()
            ],
        }

    def __eq__(self, other) -> bool:
        return isinstance(other, KnowledgeGraph) and self.to_dict() == other.to_dict()

    # -- building --------------------------------------------------------------

    @classmethod
    def from_extractions(cls, extractions: Iterable[Extraction], **options) -> "KnowledgeGraph":
        kg = cls(**options)
        for extraction in extractions:
            kg.add_extraction(extraction)
        return kg

    @classmethod
    def from_rows(cls, rows: Iterable[tuple], **options) -> "KnowledgeGraph":
        """A graph from ``(doc, date, subject, predicate, object[, modality])`` rows.

        For examples, notebooks and tests: each distinct ``doc`` becomes a
        document; entity types and labels come from the gazetteer.

        >>> kg = KnowledgeGraph.from_rows([("d1", "2020-09-27", "ARM", "neighbourOf", "AZE")])
        >>> kg.nodes["AZE"]["label"], kg.edge("AZE", "neighbourOf", "ARM")["support"]
        ('Azerbaijan', 1)
        """
        kg = cls(**options)
        by_doc: dict[tuple[str, str | None], list[Relation]] = {}
        for doc, date, subject, predicate, object, *modality in rows:
            relation = Relation(doc, subject, predicate, object, modality[0] if modality else "asserted", date=date)
            by_doc.setdefault((doc, date), []).append(relation)
        for (doc, date), relations in by_doc.items():
            ids = sorted({r.subject for r in relations} | {r.object for r in relations})
            entities = []
            for id in ids:
                entry = kg.entries.get(id)
                entities.append(Entity(doc, id, getattr(entry, "type", "Other"), getattr(entry, "label", id)))
            kg.add_extraction(Extraction(Document(doc, doc, date), tuple(entities), tuple(relations)))
        return kg

    def add_extraction(self, extraction: Extraction) -> bool:
        """Merge one document's entities and relations; ``False`` if the document is already in."""
        info = DocumentInfo.of(extraction.document)
        if self.has_document(info.id, info.content_hash):
            return False
        self.add_document(info)
        for entity in extraction.entities:
            self.add_entity(entity.id, entity.type, entity.label, mentions=len(entity.mentions))
        from kg.vocab import load_vocabulary

        vocabulary = load_vocabulary()
        for relation in extraction.relations:
            if relation.predicate not in vocabulary or relation.modality not in MODALITIES:
                log.warning("%s: unknown predicate or modality in %s, skipped", info.id, relation.key())
                continue
            evidence = relation.evidence
            self.add_evidence(
                relation.subject,
                relation.predicate,
                relation.object,
                relation.modality,
                Provenance(
                    doc=info.id,
                    start=evidence.start if evidence else None,
                    end=evidence.end if evidence else None,
                    sentence=evidence.sentence if evidence else None,
                    date=valid_date(relation.date) or info.date,
                    url=info.url,
                    confidence=round(float(relation.confidence), 3),
                    cameo=relation.cameo,
                    attributed_to=relation.attributed_to,
                    denied_by=tuple(sorted(set(relation.denied_by))),
                ),
            )
        return True

    def add_document(self, info: DocumentInfo) -> None:
        self.documents[info.id] = info
        self._hashes.add(info.content_hash)

    def add_entity(
        self, id: str, type: str, label: str, *, mentions: int = 0, qid: str | None = None
    ) -> None:
        """Add an entity or count more mentions of it; the first type and label seen stay."""
        if id in self.graph:
            self.graph.nodes[id]["mentions"] += mentions
            return
        if type not in ENTITY_TYPES:
            log.warning("entity %s: unknown type %r, stored as Other", id, type)
            type = "Other"
        entry = self.entries.get(id)
        attributes = {"type": type, "label": label or id, "mentions": mentions}
        if type == "State":
            attributes["iso3"] = id
        qid = qid or getattr(entry, "qid", None)
        if qid:
            attributes["qid"] = qid
        self.graph.add_node(id, **attributes)

    def add_evidence(self, subject: str, predicate: str, object: str, modality: str, provenance: Provenance) -> None:
        """Add one piece of evidence to the edge ``(subject, predicate, object, modality)``."""
        for actor in (subject, object, provenance.attributed_to, *provenance.denied_by):
            if actor and actor not in self.graph:
                entry = self.entries.get(actor)
                self.add_entity(actor, getattr(entry, "type", "Other"), getattr(entry, "label", actor))
        subject, object = self._orient(subject, predicate, object)
        key = (predicate, modality)
        data = self.graph.get_edge_data(subject, object, key)
        if data is None:
            self.graph.add_edge(subject, object, key=key, predicate=predicate, modality=modality, evidence=())
            data = self.graph.edges[subject, object, key]
        if provenance in data["evidence"]:
            return
        evidence = tuple(sorted((*data["evidence"], provenance), key=Provenance.sort_key))
        dates = [p.date for p in evidence if p.date]
        data.update(
            evidence=evidence,
            support=len({p.doc for p in evidence}),
            first_seen=min(dates) if dates else None,
            last_seen=max(dates) if dates else None,
            confidence=max(p.confidence for p in evidence),
        )

    # -- helpers ---------------------------------------------------------------

    @property
    def entries(self) -> Mapping:
        if self._entries is None:
            from kg.resolve.tables import cached_gazetteer

            self._entries = cached_gazetteer().entries
        return self._entries

    def _orient(self, subject: str, predicate: str, object: str) -> tuple[str, str]:
        """Canonical order of an edge: sorted for symmetric predicates."""
        if self._symmetric is None:
            from kg.vocab import symmetric_predicates

            self._symmetric = symmetric_predicates()
        if predicate in self._symmetric and object < subject:
            return object, subject
        return subject, object
