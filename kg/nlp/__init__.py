"""The spaCy pipeline of ir-kg and the records it produces.

``build_nlp`` loads a spaCy English pipeline and adds the registered
components: ``kg_gazetteer`` before ``ner``, then ``kg_linker`` and
``kg_relations`` after it. :class:`Pipeline` turns Documents into
:class:`kg.records.Extraction` records.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.records import Document, Entity, Extraction, Mention, Relation
from kg.relations.perdoc import keep_text, text_of
from kg.settings import Settings

__all__ = ["build_nlp", "Pipeline", "load_pipeline", "doc_to_extraction", "make_doc"]

log = logging.getLogger(__name__)


def build_nlp(model: str | None = None, *, data_dir: str | None = None, relations: bool = True) -> Language:
    """Load spaCy ``model`` and add the ir-kg components.

    ``model`` is any installed English pipeline with a parser and ``ner``
    (default: the ``Settings().model``).
    """
    # importing registers the factories
    from kg.nlp import dateline, gazetteer, linker, sentences  # noqa: F401

    name = model or Settings().model
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise RuntimeError(
            f"spaCy model {name!r} is not installed; install it (see README) or choose another with --model/KG_MODEL"
        ) from error
    if "ner" not in nlp.pipe_names or "parser" not in nlp.pipe_names:
        raise RuntimeError(f"spaCy model {name!r} needs a parser and ner")
    nlp.add_pipe("kg_dateline", before="parser")
    nlp.add_pipe("kg_sentence_cap", before="parser")  # after the dateline: its boundaries count
    nlp.add_pipe("kg_gazetteer", before="ner", config={"data_dir": data_dir})
    nlp.add_pipe("kg_linker", after="ner", config={"data_dir": data_dir})
    if relations:
        try:
            from kg.nlp import relations as _relations  # noqa: F401
        except ImportError:  # pragma: no cover - relation stage not installed
            log.debug("no relation component")
        else:
            nlp.add_pipe("kg_relations", last=True, config={"data_dir": data_dir})
    return nlp


def doc_to_extraction(doc: Doc, document: Document) -> Extraction:
    """Entity (and relation) records of a processed Doc."""
    mentions: dict[str, list[Mention]] = {}
    known = doc._.kg_entities or {}
    text = text_of(doc)  # Span.text joins its tokens on every read
    for ent in doc.ents:
        ent_id = ent.ent_id_
        if ent_id and ent_id in known:
            start, end = ent.start_char, ent.end_char
            mentions.setdefault(ent_id, []).append(Mention(text[start:end], start, end))
    entities = tuple(
        Entity(document.id, ent_id, info["type"], info["label"], tuple(mentions.get(ent_id, ())))
        for ent_id, info in sorted(known.items())
    )
    raw = (doc._.get("kg_relations") or ()) if Doc.has_extension("kg_relations") else ()
    relations = tuple(Relation.from_dict({**r, "doc": document.id}) for r in raw)
    return Extraction(document, entities, relations)


#: Characters of a run without whitespace that the tokenizer reads at once: its time grows with the square.
MAX_RUN = 1_000
#: Tokens in one ``nlp.pipe`` batch at most (one document may hold more): the parser and
#: tok2vec take about 15 kB a token, so memory follows the tokens of a batch, not its documents.
BATCH_TOKENS = 20_000
#: Components that need the whole document (document-wide names, coreference, relations); the
#: ones before them run on pieces of at most ``BATCH_TOKENS`` tokens of a longer document.
DOCUMENT_COMPONENTS = ("kg_linker", "kg_relations")


def make_doc(nlp: Language, text: str, max_run: int = MAX_RUN) -> Doc:
    """``nlp.make_doc(text)``, with each run of more than ``max_run`` non-space characters tokenized ``max_run`` at a time.

    The text is unchanged (every offset is the input's); only the tokenizer,
    whose prefix and suffix rules are quadratic in the length of a run
    ("!!!!…" of 100,000 characters takes most of an hour), never sees a
    longer one.

    >>> import spacy
    >>> doc = make_doc(spacy.blank("en"), "Chad " + "!" * 25 + " Sudan", max_run=10)
    >>> doc.text == "Chad " + "!" * 25 + " Sudan", len(doc)
    (True, 27)
    """
    long_run = re.compile(r"\S{%d,}" % (max_run + 1))
    if not long_run.search(text):
        return nlp.make_doc(text)
    pieces, position = [], 0
    for match in long_run.finditer(text):
        end = match.end() + (text[match.end():match.end() + 1] == " ")  # the space after the run stays with it
        pieces.append(text[position:match.start()])
        pieces.extend(text[i:min(i + max_run, end)] for i in range(match.start(), end, max_run))
        position = end
    pieces.append(text[position:])
    return Doc.from_docs([nlp.make_doc(piece) for piece in pieces if piece], ensure_whitespace=False)


def _batches(pairs: Iterable[tuple[Doc, Document]], size: int, tokens: int) -> Iterator[list[tuple[Doc, Document]]]:
    """Consecutive batches of at most ``size`` documents and ``tokens`` tokens (or one longer document)."""
    batch: list[tuple[Doc, Document]] = []
    count = 0
    for pair in pairs:
        if batch and (len(batch) >= size or count + len(pair[0]) > tokens):
            yield batch
            batch, count = [], 0
        batch.append(pair)
        count += len(pair[0])
    if batch:
        yield batch


class Pipeline:
    """A built ``nlp`` and the settings it was built with.

    Memory stays bounded whatever the input: documents go to ``nlp.pipe`` in
    batches of at most :data:`BATCH_TOKENS` tokens, and a longer document is
    run through the components before :data:`DOCUMENT_COMPONENTS` in pieces
    cut at sentence-like boundaries (:func:`kg.nlp.sentences.cuts`), then
    joined into one Doc for the rest, so that its offsets, names and
    relations are those of the whole document.
    """

    def __init__(self, settings: Settings | None = None, nlp: Language | None = None):
        self.settings = settings or Settings()
        self.nlp = nlp or build_nlp(self.settings.model)

    def _doc(self, document: Document) -> Doc:
        doc = make_doc(self.nlp, document.text)
        keep_text(doc, document.text)
        doc.user_data["date"] = document.date
        doc.user_data["doc_id"] = document.id
        return doc

    def _long(self, doc: Doc) -> Doc:
        """``nlp(doc)`` for a document of more than :data:`BATCH_TOKENS` tokens, in pieces."""
        from kg.nlp.sentences import cuts

        names = self.nlp.pipe_names
        split = min((names.index(name) for name in DOCUMENT_COMPONENTS if name in names), default=len(names))
        bounds = [0, *cuts(doc, BATCH_TOKENS), len(doc)]
        pieces = []
        for start, end in zip(bounds, bounds[1:]):
            piece = doc[start:end].as_doc(copy_user_data=True)
            for _, component in self.nlp.pipeline[:split]:
                piece = component(piece)
            pieces.append(piece)
        joined = Doc.from_docs(pieces, ensure_whitespace=False, exclude=["user_data"])
        joined.user_data.update({key: doc.user_data[key] for key in ("date", "doc_id")})
        if "dateline" in pieces[0].user_data:
            joined.user_data["dateline"] = pieces[0].user_data["dateline"]
        for _, component in self.nlp.pipeline[split:]:
            joined = component(joined)
        return joined

    def _process(self, doc: Doc) -> Doc:
        return self._long(doc) if len(doc) > BATCH_TOKENS else self.nlp(doc)

    def extract(self, document: Document) -> Extraction:
        return doc_to_extraction(self._process(self._doc(document)), document)

    def extract_many(self, documents: Iterable[Document], *, batch_size: int | None = None, n_process: int | None = None) -> Iterator[Extraction]:
        """Extractions in input order, through ``nlp.pipe`` in batches of bounded size (see the class)."""
        pairs = ((self._doc(d), d) for d in documents)
        size = batch_size or self.settings.batch_size
        n_process = n_process or self.settings.processes
        if n_process > 1:  # spaCy's own processes (API callers only; the CLI uses kg.scale.parallel): spaCy's batches
            for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=size, n_process=n_process):
                yield doc_to_extraction(doc, document)
            return
        for batch in _batches(pairs, size, BATCH_TOKENS):
            if len(batch) == 1:
                doc, document = batch[0]
                yield doc_to_extraction(self._process(doc), document)
                continue
            for doc, document in self.nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
                yield doc_to_extraction(doc, document)


@lru_cache(maxsize=2)
def load_pipeline(settings: Settings) -> Pipeline:
    """A :class:`Pipeline` built once per settings (for :func:`kg.extract`)."""
    return Pipeline(settings)
