"""A small class of submissions for the batch tests, and helpers to run and compare batches.

The class (graded on ``model_construction/mlp`` only, to stay fast):

- ``ann``: the reference solution, as a folder;
- ``bob``: the shipped stub (NotImplementedError);
- ``cat``: a classic bug (no ReLU);
- ``dan.zip``: the solution zipped with its enclosing folder (``dan/model_construction/mlp.py``);
- ``eve.zip``: an archive with a path-traversal member: refused;
- ``fay``: a correct solution that is slow to import (keeps the batch busy long enough to be killed);
- ``gus.zip``: an archive with a symlink entry: refused;
- ``hal``: a module that ends the worker with ``os._exit(3)`` on import: the student's failure.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

TARGET = "model_construction/mlp"
SEED = 11
MLP = (ROOT / "solutions" / "model_construction" / "mlp.py").read_text()
STUB = (ROOT / "exercises" / "model_construction" / "mlp.py").read_text()
NO_RELU = MLP.replace("self.output(F.relu(self.hidden(X)))", "self.output(self.hidden(X))")
STUDENTS = ("ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal")
REFUSED = ("eve", "gus")


def _folder(root: Path, name: str, source: str) -> None:
    path = root / name / "model_construction" / "mlp.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)


def symlink_entry(zf: zipfile.ZipFile, name: str, target: str) -> None:
    """Add a symlink member, as ``zip --symlinks`` writes it."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    zf.writestr(info, target)


def make_class(root: Path) -> Path:
    """Write the class described in the module docstring under ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    _folder(root, "ann", MLP)
    _folder(root, "bob", STUB)
    _folder(root, "cat", NO_RELU)
    with zipfile.ZipFile(root / "dan.zip", "w") as zf:
        zf.writestr("dan/model_construction/mlp.py", MLP)
    with zipfile.ZipFile(root / "eve.zip", "w") as zf:
        zf.writestr("model_construction/mlp.py", MLP)
        zf.writestr("../../outside.py", "print('escaped')\n")
    _folder(root, "fay", "import time\ntime.sleep(1.5)\n" + MLP)
    with zipfile.ZipFile(root / "gus.zip", "w") as zf:
        symlink_entry(zf, "model_construction/mlp.py", "/etc/passwd")
    _folder(root, "hal", "import os\nos._exit(3)\n")
    (root / "README.txt").write_text("not a student\n")
    return root


def batch_command(*args: str, cwd: Path, env: dict[str, str] | None = None,
                  timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``grade batch ARGS`` in a fresh process (as an instructor runs it)."""
    return subprocess.run([sys.executable, "-m", "grader.cli", "batch", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def comparable(out: Path) -> dict[str, Any]:
    """Everything a batch wrote that must not depend on timing or on being resumed.

    Per student: results.json without ``execution_time``, and the stored record
    without its duration and grade key; for the class: grades.csv and the students of
    summary.json without durations and without whether they were graded now.
    """
    students: dict[str, Any] = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        results = json.loads((folder / "results.json").read_text())
        results.pop("execution_time")
        record = json.loads((folder / ".grade.json").read_text())["record"]
        record.pop("duration")
        record.pop("key")  # covers the grader's code: it changes whenever anyone edits the grader
        students[folder.name] = {"results": results, "record": record}
    summary = json.loads((out / "summary.json").read_text())
    rows = [{k: v for k, v in s.items() if k not in ("duration", "graded_now")} for s in summary["students"]]
    return {"students": students, "grades": (out / "grades.csv").read_text(), "summary_students": rows,
            "checks": summary["checks"]}


@pytest.fixture(scope="session")
def class_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_class(tmp_path_factory.mktemp("class") / "submissions")


@pytest.fixture(scope="session")
def clean_run(class_dir: Path,
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One complete ``grade batch`` of the class (2 jobs): the reference the other tests compare to."""
    out = tmp_path_factory.mktemp("clean") / "graded"
    proc = batch_command(str(class_dir), "--out", str(out), "--jobs", "2", "--seed", str(SEED),
                         "--only", TARGET, cwd=out.parent)
    return out, proc


IVY = MLP.split("class MLP", 1)[0] + '''class MLP(nn.Module):
    def __init__(self, in_features: int = 20, hidden: int = 256, out_features: int = 10):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.output = nn.Linear(hidden, out_features)
        self.calls = 0  # how many batches went through

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        pre = self.hidden(X)
        activated = torch.clamp(pre, min=0.0)
        return self.output(activated)

    def describe(self) -> str:
        sizes = [self.hidden.in_features, self.hidden.out_features, self.output.out_features]
        return " -> ".join(str(size) for size in sizes) + f" after {self.calls} calls"
'''
JON = MLP.split("class MLP", 1)[0] + '''class MLP(nn.Module):
    def __init__(self, in_features: int = 20, hidden: int = 256, out_features: int = 10):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.output = nn.Linear(hidden, out_features)
        self.n_seen = 0  # how many batches went through

    def summary(self) -> str:
        dims = [self.hidden.in_features, self.hidden.out_features, self.output.out_features]
        return " -> ".join(str(d) for d in dims) + f" after {self.n_seen} calls"

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self.n_seen += 1
        z = self.hidden(X)
        a = torch.clamp(z, min=0.0)
        return self.output(a)
'''
"""IVY with every name changed and the methods in another order."""
SIMILAR_STUDENTS = ("ann", "bob", "eve", "ivy", "jon", "kim")


def make_similar_class(root: Path) -> Path:
    """ann (reference), bob (stub), eve.zip (refused), ivy (own style), jon (ivy renamed and reordered),
    kim (ivy as a notebook, comments changed)."""
    from tests.batch.similarity.sequential_class import as_notebook

    root.mkdir(parents=True, exist_ok=True)
    _folder(root, "ann", MLP)
    _folder(root, "bob", STUB)
    with zipfile.ZipFile(root / "eve.zip", "w") as zf:
        zf.writestr("model_construction/mlp.py", IVY)
        zf.writestr("../../outside.py", "print('escaped')\n")
    _folder(root, "ivy", IVY)
    _folder(root, "jon", JON)
    notebook = root / "kim" / "model_construction" / "mlp.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text(as_notebook(IVY.replace("# how many batches went through", "# counter")))
    return root


@pytest.fixture(scope="session")
def similar_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """``grade batch`` of the similar class (2 jobs)."""
    submissions = make_similar_class(tmp_path_factory.mktemp("similar") / "submissions")
    out = submissions.parent / "graded"
    proc = batch_command(str(submissions), "--out", str(out), "--jobs", "2", "--seed", str(SEED),
                         "--only", TARGET, cwd=submissions.parent)
    return out, proc
