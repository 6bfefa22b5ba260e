"""The notebooks: stripped of outputs in git, and executed top to bottom (nbclient, kernel python3)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
NAMES = [p.name for p in NOTEBOOKS]


def test_notebooks_are_there():
    assert NAMES == ["01_quickstart.ipynb", "02_sparql.ipynb", "03_network_analysis.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebooks_are_stripped_and_import_from_kg(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == "python3"
    assert any("from kg" in cell.source for cell in code)
    assert not any(line.lstrip().startswith(("def ", "class ", "for ", "while ")) for cell in code
                   for line in cell.source.splitlines())  # use, no logic


@pytest.mark.model
@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_notebooks_execute(path):
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed")
    pytest.importorskip("pandas", reason="pandas is not installed")
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    warnings = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not warnings, warnings
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert html, "no table or page shown"
    if path.name != "02_sparql.ipynb":
        assert any("<iframe srcdoc=" in h for h in html)  # the interactive view, inline
    if path.name == "03_network_analysis.ipynb":
        assert any("image/png" in o.get("data", {}) for o in outputs)  # the dyad timeline
