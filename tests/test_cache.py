"""kg.cache: objects built from the tables are kept between processes, keyed by what they are built from."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from kg.cache import CACHE_ENV, built, cache_dir
from kg.data import data_path
from kg.resolve.tables import cached_gazetteer, load_gazetteer


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_cache_reads_what_an_earlier_build_wrote_and_builds_again_when_a_source_changes(folder, tmp_path):
    source = tmp_path / "table.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    calls = []

    def build():
        calls.append(1)
        return {"rows": source.read_text(encoding="utf-8").splitlines()}

    first = built("table", [source], ("v1",), build)
    assert built("table", [source], ("v1",), build) == first and len(calls) == 1
    source.write_text("a,b\n1,3\n", encoding="utf-8")
    assert built("table", [source], ("v1",), build)["rows"][-1] == "1,3" and len(calls) == 2
    assert len(list(folder.glob("table-*.pickle"))) == 1  # the older version is removed
    built("table", [source], ("v2",), build)  # a new version of the code that builds it
    assert len(calls) == 3 and not list(folder.glob(".*.tmp"))


def test_cache_that_is_unreadable_or_unwritable_is_passed_over(folder, tmp_path, monkeypatch):
    assert built("thing", [], ("1",), lambda: [1, 2]) == [1, 2]
    (written,) = folder.glob("thing-*.pickle")
    written.write_bytes(b"not a pickle")
    assert built("thing", [], ("1",), lambda: [3]) == [3]  # rebuilt, and replaced
    assert built("thing", [], ("1",), lambda: [4]) == [3]
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocked / "cache"))  # a folder that cannot be made
    assert built("thing", [], ("1",), lambda: [5]) == [5]


def test_cache_is_turned_off_by_an_empty_setting(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_dir() is None
    assert built("thing", [], ("1",), lambda: 1) == 1 and built("thing", [], ("1",), lambda: 2) == 2
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "ir-kg"


def test_gazetteer_from_the_cache_is_the_gazetteer_the_tables_give(folder, tmp_path):
    tables = tmp_path / "data"
    shutil.copytree(data_path("states.csv").parent, tables, ignore=shutil.ignore_patterns("__pycache__", "reference", "sources"))
    fresh = load_gazetteer(tables)
    script = f"from kg.resolve.tables import cached_gazetteer; g = cached_gazetteer({str(tables)!r}); print(len(g.entries))"
    for _ in range(2):  # the first process writes the cache, the second reads it
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == str(len(fresh.entries))
    (pickled,) = folder.glob("gazetteer-*.pickle")
    cached_gazetteer.cache_clear()
    kept = cached_gazetteer(str(tables))
    assert kept.entries == fresh.entries and kept.surfaces == fresh.surfaces and kept.titles == fresh.titles
    assert kept.subdivisions == fresh.subdivisions and kept.rules == fresh.rules and kept.terms == fresh.terms
    # a table edited: the next process reads the tables again
    with open(tables / "groups.csv", "a", encoding="utf-8") as stream:
        stream.write("test-group-x,Testgroup Xylophone,,armed-group,,\n")
    cached_gazetteer.cache_clear()
    assert "Testgroup Xylophone" in {s.text for s in cached_gazetteer(str(tables)).surfaces}
    assert not pickled.exists()
    cached_gazetteer.cache_clear()


def test_gazetteer_names_are_kept_per_tokenizer(folder):
    """Names are cut as the pipeline's tokenizer cuts them: another tokenizer gets tables of its own."""
    import spacy
    from spacy.symbols import ORTH

    from kg.nlp.gazetteer import GazetteerComponent

    plain = spacy.blank("en")
    first = GazetteerComponent(plain)
    again = GazetteerComponent(spacy.blank("en"))  # read from the cache
    assert again.names.root == first.names.root and again.subdivision_forms == first.subdivision_forms
    assert len(again.names) == len(first.names) > 5000
    odd = spacy.blank("en")
    odd.tokenizer.add_special_case("Guinea-Bissau", [{ORTH: "Guinea-Bissau"}])  # one token, not three
    table = GazetteerComponent(odd).names
    doc = odd("Guinea-Bissau and Chad met.")
    assert [(doc[s:e].text, v) for s, e, v in table(doc) if doc[s:e].text == "Guinea-Bissau"] == [("Guinea-Bissau", [("GPE", "GNB")])]
    doc = plain("Guinea-Bissau and Chad met.")
    assert any(doc[s:e].text == "Guinea-Bissau" for s, e, _ in first.names(doc))
    assert len(list(folder.glob("gazetteer-names-*.pickle"))) == 1 and len(list(folder.glob("gazetteer-*.pickle"))) == 2
