"""The data and ontology files ship in a built (non-editable) wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_package_wheel_contains_data_and_ontology(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("ir_kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("kg/data/states.csv", "kg/data/people.csv", "kg/data/cues.jsonl",
                     "kg/data/context_aliases.jsonl", "kg/ontology/ir.ttl", "kg/ontology/shapes.ttl", "kg/viz/templates/graph.html"):
        assert required in names, required
    assert any(n.endswith("entry_points.txt") for n in names)
