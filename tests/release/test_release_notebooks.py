"""`grade release OUT --notebooks`: the stubs as one notebook per topic, graded exactly like the folders."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from grader.catalog import select
from grader.engine import GradeOptions, RecordedReferences, grade
from grader.release.build import build_release
from grader.release.manifest import EXPECTED_DIR_NAME
from grader.release.notebooks import as_notebook_submission
from grader.results import RunResult, Status
from grader.sandbox.client import WorkerPool
from tests.conftest import ROOT

TOPIC = "model_construction"
SEED = 11


@pytest.fixture(scope="module")
def release(pool: WorkerPool, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("release") / "student-release"
    report = build_release(out, exercises=select(TOPIC), seed=SEED, pool=pool, notebooks=True)
    return out, report


def _replay(release_dir: Path, submission: Path, pool: WorkerPool) -> RunResult:
    public = tuple(e.public() for e in select(TOPIC))
    references = RecordedReferences(release_dir / "grader" / EXPECTED_DIR_NAME, SEED)
    return grade(submission, public, seed=SEED, options=GradeOptions(include_hidden=False), pool=pool,
                 references=references)


def test_the_release_hands_out_one_notebook_per_topic_and_no_py_stubs(release) -> None:
    out, report = release
    assert report.ok, (report.mismatches, report.leaks)
    assert sorted(p.name for p in (out / "exercises").iterdir()) == ["README.md", f"{TOPIC}.ipynb"]
    nb = nbformat.read(str(out / "exercises" / f"{TOPIC}.ipynb"), as_version=4)
    nbformat.validate(nb)
    checks = [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")]
    assert checks == [f'check("{e.id}")' for e in select(TOPIC)]
    assert nb.cells[1].source.endswith("from grader.notebook import check")
    stub_code = (ROOT / "exercises" / TOPIC / "mlp.py").read_text()
    mlp = nb.cells[nb.cells.index(next(c for c in nb.cells if c.source == 'check("model_construction/mlp")')) - 1]
    assert mlp.cell_type == "code" and mlp.source.strip() in stub_code and "class MLP" in mlp.source
    assert "torch" not in (out / "requirements-colab.txt").read_text().replace("# what the grader needs besides "
                                                                             "torch (Colab has its own)", "")
    assert "On Colab" in (out / "README.md").read_text()


def test_the_stub_notebook_grades_like_the_stub_folder(release, pool: WorkerPool) -> None:
    out, _ = release
    notebook_run = _replay(out, out / "exercises", pool)
    folder_run = _replay(out, ROOT / "exercises", pool)
    assert notebook_run.score == 0 and notebook_run.max_score == folder_run.max_score
    assert [(c.name, c.status, c.score) for c in notebook_run.checks] == \
        [(c.name, c.status, c.score) for c in folder_run.checks]
    mlp = next(c for c in notebook_run.checks if c.name == "model_construction/mlp :: forward")
    assert mlp.status is Status.FAILED and any("still the stub" in h for h in mlp.hints)


def test_solved_notebooks_get_full_marks_from_the_recordings(release, pool: WorkerPool, tmp_path: Path) -> None:
    out, _ = release
    solved = as_notebook_submission(ROOT / "solutions", tmp_path / "solved", [e.id for e in select(TOPIC)])
    assert (solved / f"{TOPIC}.ipynb").is_file() and not (solved / TOPIC / "mlp.py").exists()
    run = _replay(out, solved, pool)
    assert run.score == run.max_score > 0, [(c.name, c.feedback[:200]) for c in run.checks if not c.passed]


def test_run_all_in_a_real_kernel_shows_a_report_under_every_check_cell(release) -> None:
    """The student's loop: open the topic notebook, Run All. Every cell runs (a sibling import would
    fail in a kernel: the writer turns it into a comment), and each check cell shows its report."""
    from nbclient import NotebookClient

    out, _ = release
    nb = nbformat.read(str(out / "exercises" / f"{TOPIC}.ipynb"), as_version=4)
    assert not any(line.startswith("from model_construction.") for c in nb.cells if c.cell_type == "code"
                   for line in c.source.splitlines())
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(out / "exercises")}}).execute()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("check("):
            exercise = cell.source.split('"')[1]
            html = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
            assert exercise in html and "still the stub" in html, (exercise, html[:500])
