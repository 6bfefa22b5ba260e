"""Bad input never stops a build and is never silent (issue 7, item 1).

A corpus folder holds one of each kind of bad input beside 20 good short
English news documents. ``kg extract`` and ``kg build`` must report each bad
one (file, and line where there is one) in ``--errors FILE``, exit 1 because
something was skipped, and still process every good document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.ingest import IngestError, read_inputs, read_path, screen
from kg.ingest.screening import MAX_CHARS

#: Good documents: (id, text, entity ids the extraction must find).
GOOD = [
    ("good-01", "France and Germany signed a defence agreement in Paris on Monday.", {"FRA", "DEU"}),
    ("good-02", "Japan condemned North Korea after a missile test over the Sea of Japan.", {"JPN", "PRK"}),
    ("good-03", "India accused Pakistan of shelling border villages in Kashmir.", {"IND", "PAK"}),
    ("good-04", "Turkey and Russia held talks on the war in Syria.", {"TUR", "RUS", "SYR"}),
    ("good-05", "The United States imposed sanctions on Iran over its nuclear programme.", {"USA", "IRN"}),
    ("good-06", "Armenia and Azerbaijan agreed to a ceasefire brokered by Russia.", {"ARM", "AZE", "RUS"}),
    ("good-07", "China and India held talks after a clash in the Galwan Valley.", {"CHN", "IND"}),
    ("good-08", "Egypt urged Ethiopia to resume negotiations on the Nile dam.", {"EGY", "ETH"}),
    ("good-09", "Poland asked NATO to send more troops to its eastern border.", {"POL", "NATO"}),
    ("good-10", "Brazil and Argentina restored trade talks after a long dispute.", {"BRA", "ARG"}),
    ("good-11", "Greece criticised Turkey over drilling in the eastern Mediterranean.", {"GRC", "TUR"}),
    ("good-12", "Saudi Arabia and Qatar restored diplomatic relations in January.", {"SAU", "QAT"}),
    ("good-13", "Israel and the United Arab Emirates established diplomatic relations.", {"ISR", "ARE"}),
    ("good-14", "Ukraine accused Russia of attacking its ports on the Black Sea.", {"UKR", "RUS"}),
    ("good-15", "Canada and Mexico held talks on a new trade agreement.", {"CAN", "MEX"}),
    ("good-16", "Kenya sent troops to Somalia to fight armed groups.", {"KEN", "SOM"}),
    ("good-17", "Australia and New Zealand signed a security pact on Friday.", {"AUS", "NZL"}),
    ("good-18", "Morocco cut diplomatic ties with Iran, the foreign minister said.", {"MAR", "IRN"}),
    ("good-19", "Vietnam protested after China deployed ships near the Paracel Islands.", {"VNM", "CHN"}),
    ("good-20", "Sweden and Finland applied to join NATO after the invasion of Ukraine.", {"SWE", "FIN", "NATO"}),
]

GERMAN = (
    "Die Bundesregierung hat am Montag neue Gespräche mit Frankreich angekündigt. Der Außenminister "
    "sagte, beide Länder wollten ihre Zusammenarbeit in der Verteidigung vertiefen und die Hilfe für "
    "die Ukraine verstärken. Die Opposition kritisierte die Pläne als zu teuer."
)
FRENCH = (
    "Le gouvernement français a annoncé lundi de nouvelles discussions avec l'Allemagne. Le ministre des "
    "Affaires étrangères a déclaré que les deux pays souhaitaient renforcer leur coopération militaire "
    "et augmenter leur aide à l'Ukraine. L'opposition a critiqué ces projets."
)
#: One short sentence, repeated to make long documents that split at sentence boundaries.
LONG_SENTENCE = "Armenia accused Azerbaijan of shelling villages near the border. "
HTML_PAGE = """<!DOCTYPE html><html><head><title>Talks in Ankara</title>
<style>body { color: red } .STYLEMARKER { display: none }</style>
<script>var leak = "SCRIPTMARKER in head";</script></head>
<body><article><p>Turkey and Azerbaijan held talks in Ankara on Tuesday.</p>
<script type="text/javascript">document.write("SCRIPTMARKER in body")</script>
<style>p { font-weight: bold; STYLEMARKER: 1 }</style>
<p>Both sides pledged closer cooperation.</p></article></body></html>
"""
#: Lines of the JSON Lines file: 1 good, 2 malformed, 3 text a number, 4 id a list, 5 not an object,
#: 6 good, 7 same id as 6 with another text (renamed), 8 an exact repeat of 6 (skipped), 9 empty text.
JSONL_LINES = [
    json.dumps({"id": GOOD[0][0], "text": GOOD[0][1], "date": "2021-03-01", "title": "Defence"}),
    '{"id": "broken", "text": "France and Spain',
    json.dumps({"id": "numeric-text", "text": 42}),
    json.dumps({"id": ["a", "list"], "text": "Italy and Spain held talks in Rome."}),
    json.dumps(["not", "an", "object"]),
    json.dumps({"id": "dup", "text": GOOD[1][1]}),
    json.dumps({"id": "dup", "text": GOOD[2][1]}),
    json.dumps({"id": "dup", "text": GOOD[1][1]}),
    json.dumps({"id": "blank", "text": "   \n  "}),
]
TEXT_LATIN1 = "Iran and Iraq held talks in Baghdad on the caf\xe9 strike."  # not UTF-8 once encoded
LONG_CHARS = 150_000  # > MAX_CHARS: split into parts by the CLI; small enough for the pipeline in a test


def long_text(chars: int) -> str:
    return LONG_SENTENCE * (chars // len(LONG_SENTENCE) + 1)


def make_corpus(folder: Path, long_chars: int = LONG_CHARS) -> Path:
    """The bad-input corpus: each bad kind once, and the 20 good documents (2 in JSONL, 18 as .txt)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes(TEXT_LATIN1.encode("latin-1"))
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")  # not a kind kg reads
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: passed over in silence
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "whitespace.md").write_text("  \n\n\t \n", encoding="utf-8")
    (folder / "long.txt").write_text(long_text(long_chars), encoding="utf-8")
    (folder / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "german.txt").write_text(GERMAN, encoding="utf-8")
    (folder / "french.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "mixed.jsonl").write_text("\n".join(JSONL_LINES) + "\n", encoding="utf-8")
    # the other good documents, one file each (the id of a file is its name)
    for id, text, _ in GOOD[3:]:
        (folder / f"{id}.txt").write_text(text + "\n", encoding="utf-8")
    # a second file whose name repeats a good id: a duplicate id from another file
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / f"{GOOD[3][0]}.txt").write_text(GOOD[4][1], encoding="utf-8")
    return folder


#: Ids of documents that must reach the output, with the entities each must have.
EXPECTED = {
    GOOD[0][0]: GOOD[0][2],
    "dup": GOOD[1][2],
    **{id: entities for id, _, entities in GOOD[3:]},
    "latin1": {"IRN", "IRQ"},
    "page": {"TUR", "AZE"},
}

#: Each bad input: (file name, line or None, words the message must contain, skipped?).
REPORTED = [
    ("binary.txt", None, "binary", True),
    ("latin1.txt", 1, "UTF-8", False),
    ("scan.pdf", None, "unsupported file type '.pdf'", True),
    ("empty.txt", None, "empty", True),
    ("whitespace.md", None, "empty", True),
    ("long.txt", None, "split", False),
    ("german.txt", None, "'de'", True),
    ("french.txt", None, "'fr'", True),
    ("mixed.jsonl", 2, "invalid JSON", True),
    ("mixed.jsonl", 3, "'text'", True),
    ("mixed.jsonl", 4, "'id'", True),
    ("mixed.jsonl", 5, "object", True),
    ("mixed.jsonl", 7, "duplicate id 'dup'", False),
    ("mixed.jsonl", 8, "repeated", True),
    ("mixed.jsonl", 9, "empty", True),
    (f"sub/{GOOD[3][0]}.txt", None, f"duplicate id {GOOD[3][0]!r}", False),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("bad-input") / "corpus")


def _report(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_report(report: list[dict], corpus: Path) -> None:
    for name, line, words, skipped in REPORTED:
        path = str(corpus / name)
        found = [r for r in report if r["path"] == path and r["line"] == line and words in r["message"]]
        assert len(found) == 1, f"{name}:{line} ({words}) reported {len(found)} times; report: {report}"
        assert found[0]["kind"] == ("error" if skipped else "warning"), found[0]
    # nothing good is reported, and nothing is reported without a file
    listed = {str(corpus / name) for name, *_ in REPORTED}
    assert {r["path"] for r in report} <= listed, report
    assert sum(r["kind"] == "error" for r in report) == sum(s for *_, s in REPORTED), report


def test_ingest_screen_each_bad_input_reported_with_file_and_line(corpus):
    items = list(screen(read_inputs([str(corpus)])))
    errors = [i.to_dict() for i in items if isinstance(i, IngestError)]
    _check_report(errors, corpus)
    ids = {i.id for i in items if not isinstance(i, IngestError)}
    assert set(EXPECTED) <= ids
    assert {"broken", "numeric-text", "german", "french", "binary", "empty"}.isdisjoint(ids)
    assert any(i.startswith("dup~") for i in ids) and any(i.startswith(GOOD[3][0] + "~") for i in ids)


def test_ingest_html_scripts_and_styles_never_reach_the_text(corpus):
    (document,) = list(read_path(corpus / "page.html"))
    assert "Turkey and Azerbaijan held talks in Ankara" in document.text
    assert "cooperation" in document.text
    for marker in ("SCRIPTMARKER", "STYLEMARKER", "document.write", "color: red", "<p>", "<script"):
        assert marker not in document.text
    assert document.title == "Talks in Ankara"


def test_ingest_invalid_utf8_decoded_with_replacement(corpus):
    items = list(read_path(corpus / "latin1.txt"))
    (warning,) = [i for i in items if isinstance(i, IngestError)]
    (document,) = [i for i in items if not isinstance(i, IngestError)]
    assert not warning.skipped and f"byte {TEXT_LATIN1.index(chr(0xE9))}" in warning.message
    assert "caf\ufffd strike" in document.text


def test_ingest_ten_megabyte_document_split_not_dropped(tmp_path):
    path = tmp_path / "huge.txt"
    text = long_text(10 * 1024 * 1024)
    path.write_text(text, encoding="utf-8")
    items = list(screen(read_path(path)))
    errors = [i for i in items if isinstance(i, IngestError)]
    parts = [i for i in items if not isinstance(i, IngestError)]
    assert [(e.path, e.skipped) for e in errors] == [(str(path), False)]
    assert "split into parts" in errors[0].message
    assert len(parts) >= len(text) // MAX_CHARS
    assert [p.id for p in parts] == [f"huge#{n}" for n in range(1, len(parts) + 1)]
    assert all(0 < len(p.text) <= MAX_CHARS for p in parts)
    # split at sentence boundaries, and nothing lost but the spaces at the cuts
    assert all(p.text.startswith("Armenia") and p.text.endswith("border.") for p in parts)
    assert sum(len(p.text) for p in parts) == len(text.strip()) - (len(parts) - 1)


def _cli(*args: str):
    from kg.cli import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_extract_reports_bad_inputs_and_extracts_the_good(corpus, tmp_path):
    output, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    result = _cli("extract", str(corpus), "-o", str(output), "--errors", str(errors))
    assert result.exit_code == 1, result.output
    _check_report(_report(errors), corpus)
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    found: dict[str, set] = {}
    for record in records:
        if record["kind"] == "entity":
            found.setdefault(record["doc"], set()).add(record["id"])
    for id, entities in EXPECTED.items():
        assert entities <= found.get(id, set()), f"{id}: expected {entities}, found {found.get(id)}"
    # the long document is split, and every part is extracted
    parts = sorted(d for d in found if d.startswith("long#"))
    assert parts == [f"long#{n}" for n in range(1, len(parts) + 1)] and len(parts) >= LONG_CHARS // MAX_CHARS
    assert all({"ARM", "AZE"} <= found[p] for p in parts)
    # renamed duplicates are extracted too; nothing of a skipped input is
    assert any(d.startswith("dup~") for d in found) and any(d.startswith(GOOD[3][0] + "~") for d in found)
    assert {"broken", "numeric-text", "german", "french", "binary", "empty", "whitespace"}.isdisjoint(found)
    text = output.read_text(encoding="utf-8")
    assert "SCRIPTMARKER" not in text and "STYLEMARKER" not in text


def test_cli_build_reports_bad_inputs_and_stores_the_good(corpus, tmp_path):
    store, errors = tmp_path / "store", tmp_path / "errors.jsonl"
    result = _cli("build", str(corpus), "--store", str(store), "--errors", str(errors),
                  "--processes", "1", "--no-progress")
    assert result.exit_code == 1, result.output
    _check_report(_report(errors), corpus)
    from kg.rdf.convert import document_id

    opened = ox.Store.read_only(str(store))
    rows = opened.query("SELECT ?d WHERE { ?d a <https://ir-kg.org/ontology#Document> }")
    stored = {document_id(row["d"].value) for row in rows}
    assert set(EXPECTED) <= stored
    assert sum(d.startswith("long#") for d in stored) >= LONG_CHARS // MAX_CHARS
    assert {"broken", "numeric-text", "german", "french", "binary", "empty", "whitespace"}.isdisjoint(stored)


def test_cli_other_language_is_processed_when_the_model_is_said_to_read_it(tmp_path):
    """`--languages en,de` (or KG_LANGUAGES): the German document is extracted, not skipped."""
    path = tmp_path / "german.txt"
    path.write_text(GERMAN, encoding="utf-8")
    skipped = _cli("extract", str(path))
    assert skipped.exit_code == 1 and "'de'" in skipped.output
    read = _cli("extract", str(path), "--languages", "en,de")
    assert read.exit_code == 0, read.output
    records = [json.loads(line) for line in read.stdout.splitlines() if line.startswith("{")]
    assert {r["doc"] for r in records} == {"german"}
