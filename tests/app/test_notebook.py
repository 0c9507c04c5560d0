"""`check()` in a real Jupyter kernel (ipykernel, driven by nbclient): the notebook's code is
graded in the confined worker and the report is displayed under the cell."""
from __future__ import annotations

import doctest
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.app import notebook as jupyter
from grader.notebooks import source
from tests.notebooks.conftest import code, md, solution, write_notebook

NO_RELU = solution("model_construction/mlp").replace("self.output(F.relu(self.hidden(X)))",
                                                     "self.output(self.hidden(X))")
CHECK = 'from grader.notebook import check\ncheck("model_construction/mlp", seed=3)'


def _execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _displayed(cell: nbformat.NotebookNode) -> dict[str, str]:
    (output,) = [o for o in cell.outputs if o.output_type == "display_data"]
    return dict(output.data)


def test_check_grades_the_input_history_and_displays_the_report(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)  # the kernel does not know its notebook's path
    nb = _execute(write_notebook(tmp_path / "work.ipynb", [
        md("# My MLP"), code("import torch\n%time x = 1"), code(NO_RELU),
        code("%%capture\n" + solution("model_construction/mlp")), code(CHECK)]))  # the kernel now has a right MLP
    shown = _displayed(nb.cells[4])
    html, text = shown["text/html"], " ".join(shown["text/plain"].split())  # rich wraps long lines
    assert "Graded the kernel&#39;s input history (In [1] to In [4]" in html
    assert 'data-check="model_construction/mlp :: forward" data-status="failed"' in html
    assert 'data-check="model_construction/mlp :: names" data-status="passed"' in html
    assert "the ReLU between `hidden` and `output` is missing" in text
    assert "Total 3 / 6" in html and "total: 3/6" in text
    assert "at input history, cell 2, line " in text  # In [2] holds the class
    assert ("Not run: cell 1, line 2: line magic `%time x = 1`; cell 3: cell magic `%%capture`; cell 4, line 1: "
            "grader call `from grader.notebook import check`; cell 4, line 2: grader call") in text


def test_check_grades_the_saved_notebook_when_jupyter_names_it(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_notebook(tmp_path / "work.ipynb", [md("# My MLP"), code(NO_RELU), code(CHECK)])
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))  # what Jupyter Server tells the kernel
    shown = _displayed(_execute(path).cells[2])
    assert f"Graded the saved notebook {path}" in shown["text/plain"]
    forward = next(line for line in shown["text/plain"].splitlines() if "at work.ipynb, cell 2, line" in line)
    assert forward
    assert "return self.output(self.hidden(X))" in shown["text/plain"]  # the line, quoted


def test_outside_jupyter_a_path_is_needed() -> None:
    with pytest.raises(RuntimeError, match="call it in a Jupyter notebook"):
        source.kernel_source(None)


@pytest.mark.parametrize("module", [jupyter, source])
def test_docstring_examples(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]
