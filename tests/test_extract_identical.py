"""Speed changes must not change what ``kg extract`` reads (issue 17): its output on the
evaluation sets and the example corpus is the recorded one, document by document."""

import runpy
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "extract_snapshot.py"


def test_extract_output_is_the_recorded_one(capsys):
    snapshot = runpy.run_path(str(SCRIPT))
    code = snapshot["main"](["check"])
    assert code == 0, capsys.readouterr().out


def test_a_changed_document_is_named(tmp_path, capsys):
    snapshot = runpy.run_path(str(SCRIPT))
    digests = snapshot["digests"]
    now = digests({"dev": {"a": ["{}"], "b": ["{}"]}})
    before = digests({"dev": {"a": ["{}"], "b": ['{"x": 1}']}})
    assert now["dev"]["a"] == before["dev"]["a"] and now["dev"]["b"] != before["dev"]["b"]
