"""A made-up, news-like :class:`~kg.graph.KnowledgeGraph` of any size, to measure the page with.

:func:`news_like_graph` gives ``entities`` entities (a fifth of them states, the
rest persons who lead or serve one), relations among them in every modality,
claims with their claimant and denials, and documents with a title, a site, a
URL and a publication date; evidence sentences are 120 to 300 characters long,
as in the news. The text is random words: only the sizes are realistic.
``scripts/page_size.py`` measures the ``kg viz`` page of such a graph.

>>> kg = news_like_graph(50)
>>> len(kg.nodes), len(kg) > 50, len(kg.documents) > 10
(50, True, True)
"""

from __future__ import annotations

import random

from kg.graph.knowledge import DocumentInfo, KnowledgeGraph, Provenance
from kg.vocab import load_vocabulary, role_predicates

__all__ = ["news_like_graph"]

_WORDS = (
    "the minister said talks would resume after the border clashes and that both sides had agreed to a "
    "ceasefire monitored by observers from the regional organisation while officials in the capital denied "
    "reports of troop movements near the disputed province and called on the government to withdraw its "
    "forces before the summit next week where leaders are expected to discuss embargoes trade and security"
).split()
_SITES = ("The Harbour Times", "Daily Meridian", "World Wire", "The Northern Ledger", "Capital Post",
          "Evening Courier", "Global Dispatch", "The Continental", "Press Agency Weekly", "The Observer Line")


def _text(rng: random.Random, low: int, high: int) -> str:
    words, size = [], rng.randint(low, high)
    while sum(len(w) + 1 for w in words) < size:
        words.append(rng.choice(_WORDS))
    text = " ".join(words)
    return text[0].upper() + text[1:]


def news_like_graph(entities: int = 5000, seed: int = 3) -> KnowledgeGraph:
    """``entities`` entities with about 1.7 relations each, from ``entities // 4`` documents (deterministic)."""
    rng = random.Random(seed)
    kg = KnowledgeGraph(entries={})
    states = [f"S{i:04d}" for i in range(max(2, entities // 5))]
    people = [f"person-{i}" for i in range(entities - len(states))]
    for state in states:
        kg.add_entity(state, "State", f"Republic of {_text(rng, 6, 14).split()[0].title()} {state}",
                      mentions=rng.randint(1, 40))
    for person in people:
        kg.add_entity(person, "Person", " ".join(w.title() for w in _text(rng, 10, 18).split()[:2]) + " " + person[7:],
                      mentions=rng.randint(1, 5))
    documents = [f"doc-{i:05d}" for i in range(max(1, entities // 4))]
    for i, doc in enumerate(documents):
        site = _SITES[i % len(_SITES)]
        date = f"202{i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        slug = "-".join(_text(rng, 30, 50).lower().split()[:6])
        kg.add_document(DocumentInfo(doc, f"hash-{i}", date=date, title=_text(rng, 40, 90),
                                     url=f"https://news{i % len(_SITES)}.example/world/{date[:4]}/{slug}-{i}",
                                     source=site))

    def evidence(**more) -> Provenance:
        doc = rng.choice(documents)
        published = kg.documents[doc].date
        return Provenance(doc=doc, sentence=_text(rng, 120, 300) + ".", date=published,
                          confidence=round(rng.uniform(0.4, 0.95), 2), **more)

    vocabulary = load_vocabulary()  # the predicates of the ontology in use, none named here
    roles = sorted(role_predicates())
    for i, person in enumerate(people):
        kg.add_evidence(person, roles[i % len(roles)], rng.choice(states), "asserted", evidence())
    predicates = sorted(p.name for p in vocabulary.values() if p.cameo)
    mutual = next(p.name for p in sorted(vocabulary.values(), key=lambda p: p.name) if p.cameo and p.symmetric)
    modalities = ["asserted", "asserted", "asserted", "claimed", "hypothetical", "negated"]
    for _ in range(len(states) * 4):
        a, b = rng.sample(states, 2)
        predicate, modality = rng.choice(predicates), rng.choice(modalities)
        more = {}
        if modality == "claimed":
            more["attributed_to"] = rng.choice(people or states)
            if rng.random() < 0.3:
                more["denied_by"] = (b,)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            kg.add_evidence(a, predicate, b, modality, evidence(**more))
    for _ in range(len(people) // 5):
        a, b = rng.sample(people, 2)
        kg.add_evidence(a, mutual, b, "asserted", evidence())
    return kg
