"""Property-based tests: arbitrary text never breaks ingest or extraction."""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import IngestError, clean_text, read_jsonl
from kg.records import Document

NEWSY = st.lists(
    st.sampled_from([
        "Russia", "Armenia and Azerbaijan", "Naka", "Asia and Afghanistan", "< p > < p >", "accused", "the other party",
        "may", "not", "sanctions on", "Iran", "President Vladimir Putin", "said", ",", ".", "White", "and", "Kigali",
        "\n\n", "the Kremlin", "<script>alert(1)</script>", "\u202e", "\u0000", "é", "NATO", "both sides",
    ]),
    max_size=40,
).map(" ".join)


@given(st.text())
def test_properties_clean_text_is_stable(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert "\x00" not in cleaned


@given(st.lists(st.text(max_size=50), max_size=5))
def test_properties_jsonl_never_raises(lines):
    for item in read_jsonl(io.StringIO("\n".join(lines)), "x.jsonl"):
        assert isinstance(item, (Document, IngestError))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(NEWSY, st.text(max_size=300)))
def test_properties_extraction_is_well_formed_and_deterministic(pipeline, text):
    document = Document("p", clean_text(text), "2020-10-08")
    first = pipeline.extract(document)
    ids = {e.id for e in first.entities}
    for entity in first.entities:
        for mention in entity.mentions:
            assert 0 <= mention.start <= mention.end <= len(document.text)
            assert document.text[mention.start:mention.end] == mention.text
    for relation in first.relations:
        assert {relation.subject, relation.object, *relation.denied_by} <= ids
        assert relation.attributed_to is None or relation.attributed_to in ids
        assert relation.modality in ("asserted", "claimed", "hypothetical", "negated")
        assert relation.evidence is None or document.text[relation.evidence.start:relation.evidence.end] == relation.evidence.sentence
    assert pipeline.extract(document).records() == first.records()
