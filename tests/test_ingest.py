import io
import json

import pytest

from kg.ingest import IngestError, clean_text, html_to_document_fields, read_inputs, read_jsonl, read_path


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("stable. < p > < p > Iran is", "stable.\n\nIran is"),
        ("one<br/>two", "one\ntwo"),
        ("a &amp; b", "a & b"),
        ("x\u00a0\u00a0y", "x y"),
        ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
    ],
)
def test_clean_text_removes_tag_debris(raw, expected):
    assert clean_text(raw) == expected


def test_html_keeps_visible_text_title_and_date():
    page = (
        "<html><head><title>Summit ends</title><meta property='article:published_time' content='2023-03-17T10:00Z'>"
        "<style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><h1>Summit</h1><p>Japan and South Korea met.</p><noscript>x</noscript></body></html>"
    )
    fields = html_to_document_fields(page)
    assert fields["title"] == "Summit ends"
    assert fields["date"] == "2023-03-17"
    assert "alert" not in fields["text"] and "color" not in fields["text"]
    assert fields["text"] == "Summit\n\nJapan and South Korea met."


def test_read_jsonl_reports_bad_lines_and_keeps_good_ones():
    lines = [
        json.dumps({"id": "a", "text": "Chad and Sudan met.", "date": "2021-01-02T00:00:00"}),
        "{not json",
        json.dumps({"id": "b", "text": 5}),
        json.dumps(["x"]),
        json.dumps({"id": "c", "text": "  "}),
        json.dumps({"text": "No id here."}),
    ]
    items = list(read_jsonl(io.StringIO("\n".join(lines)), "in.jsonl"))
    docs = [i for i in items if not isinstance(i, IngestError)]
    errors = [str(i) for i in items if isinstance(i, IngestError)]
    assert [d.id for d in docs][0] == "a" and docs[0].date == "2021-01-02"
    assert docs[1].id.startswith("doc-")
    assert errors == [
        "in.jsonl:2: invalid JSON: Expecting property name enclosed in double quotes",
        "in.jsonl:3: field 'text' is missing or not a string",
        "in.jsonl:4: a line must be a JSON object",
        "in.jsonl:5: empty document",
    ]


def test_read_path_folder_binary_missing_and_html(tmp_path):
    (tmp_path / "a.txt").write_text("Egypt urged Ethiopia to negotiate.", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>Chile &amp; Peru met.</p>", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / ".hidden.txt").write_text("skip me")
    items = list(read_path(tmp_path, default_date="2020-01-01"))
    docs = {d.id: d for d in items if not isinstance(d, IngestError)}
    errors = [str(e) for e in items if isinstance(e, IngestError)]
    assert set(docs) == {"a", "b"}
    assert docs["b"].text == "Chile & Peru met." and docs["a"].date == "2020-01-01"
    assert errors == [f"{tmp_path / 'c.txt'}: binary file, skipped"]
    assert [str(e) for e in read_path(tmp_path / "nope.txt")] == [f"{tmp_path / 'nope.txt'}: no such file or folder"]


def test_read_inputs_stdin_text_and_jsonl():
    (doc,) = read_inputs(["-"], stdin=io.StringIO("Iran < p > borders Iraq."))
    assert doc.text == "Iran\n\nborders Iraq." and doc.id.startswith("doc-")
    docs = list(read_inputs(["-"], stdin=io.StringIO('{"id": "x", "text": "A."}\n{"id": "y", "text": "B."}\n')))
    assert [d.id for d in docs] == ["x", "y"]


def test_read_path_invalid_utf8_is_decoded_and_reported(tmp_path):
    bad = tmp_path / "latin.txt"
    bad.write_bytes("Côte d'Ivoire condemned Mali.".encode("latin-1"))
    items = list(read_path(bad))
    (warning,) = [i for i in items if isinstance(i, IngestError)]
    (doc,) = [i for i in items if not isinstance(i, IngestError)]
    assert not warning.skipped and "invalid UTF-8" in str(warning)
    assert "\ufffd" in doc.text and doc.text.endswith("condemned Mali.")


def test_screen_skips_other_languages_splits_long_documents_and_renames_duplicate_ids():
    from kg.ingest import screen
    from kg.records import Document

    german = "Russland und die Ukraine haben am Montag in Istanbul Gespräche geführt, teilte das Außenministerium in Kiew mit."
    english = "Egypt and Sudan urged the Security Council to act on the dam dispute with Ethiopia on Thursday."
    long_text = "\n\n".join(f"Paragraph {i}: Chad accused Sudan of backing rebels near the border." for i in range(3000))
    items = list(screen([
        Document("de", german), Document("a", english), Document("a", english), Document("a", english + " Again."),
        Document("big", long_text),
    ]))
    docs = [i for i in items if not isinstance(i, IngestError)]
    reports = [str(i) for i in items if isinstance(i, IngestError)]
    assert any("'de' is in language 'de'" in r for r in reports)
    assert any("'a' repeated, skipped" in r for r in reports)
    renamed = [d.id for d in docs if d.id.startswith("a~")]
    assert len(renamed) == 1
    parts = [d for d in docs if d.id.startswith("big#")]
    assert len(parts) >= 2 and all(len(p.text) <= 100_000 for p in parts)
    assert sum(len(p.text) for p in parts) >= len(long_text) - 2 * len(parts)


def test_ingest_bidi_overrides_and_nul_never_reach_a_document():
    """Explicit bidi controls (RLO, isolates) would make a label display other than it reads."""
    line = json.dumps({"id": "a\u202eb", "text": "Iran\u202e condemned\u2066 Israel\u0000.", "title": "x\u2067y\u202c"})
    (document,) = list(read_jsonl([line], "bidi.jsonl"))
    for value in (document.id, document.text, document.title):
        assert not any(c in value for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u0000"), value
    assert document.text == "Iran condemned Israel."


@pytest.mark.parametrize(
    "raw, expected",
    [
        # runs of <p> whose brackets were lost, glued to the next word
        ("Talks resumed.ppppppOSCE monitors left", "Talks resumed.\n\nOSCE monitors left"),
        ("the bloc said pEgypt would attend", "the bloc said Egypt would attend"),
        # real words are left alone
        ("a pH of 6 and the pKa of the acid", "a pH of 6 and the pKa of the acid"),
        ("the iPad and a pizza party", "the iPad and a pizza party"),
    ],
)
def test_clean_text_removes_glued_paragraph_debris(raw, expected):
    assert clean_text(raw) == expected
