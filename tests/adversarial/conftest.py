"""The harness of the adversarial suite: grade a hostile submission, then check the invariants.

Every attack is graded with :func:`attack`, which checks, whatever the attack:

- no file outside the worker's scratch directory changed or appeared: the
  submission folder, the judge's working directory (with a results.json and a
  report already there), the project's ``solutions/`` and ``reports/``, and any
  file named after the attack's marker in ``/tmp``, the judge's folders or the
  project folder;
- no process the submission started is alive afterwards (every process it
  starts carries the marker in its name or environment, see
  :mod:`tests.sandbox.procs`);
- the grading finished within the time limit (plus start-up slack).

The tests themselves then say what score the attack may get (never more than
its honest behaviour earns), that the good ``mlp.py`` next to it still gets
full marks, and which clear message the student reads.
"""
from __future__ import annotations

import hashlib
import os
import textwrap
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from grader.catalog import select
from grader.engine import GradeOptions, grade
from grader.paths import project_root
from grader.results import ExerciseResult, RunResult
from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits
from grader.sandbox.policy import SandboxPolicy
from tests.sandbox.conftest import confinement, needs  # noqa: F401 - shared fixtures
from tests.sandbox.procs import MARK_SOURCE, survivors

ROOT = project_root()
GOOD_MLP = (ROOT / "solutions/model_construction/mlp.py").read_text()
MLP = "model_construction/mlp"
PAR = "model_construction/parallel"

PARALLEL_HEAD = '''
import torch
from torch import nn

class Parallel(nn.Module):
    def __init__(self, net1, net2, dim=1):
        super().__init__()
        self.net1, self.net2, self.dim = net1, net2, dim
'''
HONEST_FORWARD = '''
    def forward(self, X):
        return torch.cat([self.net1(X), self.net2(X)], dim=self.dim)
'''
GARBAGE_FORWARD = '''
    def forward(self, X):
        return torch.zeros(X.shape[0], 1)
'''


def _digest(path: Path) -> tuple[int, int, str]:
    st = path.lstat()
    if not path.is_file() or path.is_symlink():
        return (st.st_mode, 0, "")
    return (st.st_mode, st.st_mtime_ns, hashlib.sha1(path.read_bytes()).hexdigest())


def snapshot(*roots: Path) -> dict[str, tuple[int, int, str]]:
    """Mode, mtime and hash of every file and folder under ``roots`` (absent roots: absent)."""
    out: dict[str, tuple[int, int, str]] = {}
    for root in roots:
        if not os.path.lexists(root):
            out[str(root)] = (0, 0, "absent")
            continue
        out[str(root)] = _digest(root)
        if root.is_dir() and not root.is_symlink():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = [d for d in dirnames if d != "__pycache__" or root != ROOT / "solutions"]
                for name in dirnames + filenames:
                    path = Path(dirpath) / name
                    out[str(path)] = _digest(path)
    return out


def _names(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return list(it)
    except OSError:  # gone meanwhile (other processes' temporary folders), or not a folder
        return []


def marked_files(marker: str, *folders: Path) -> list[str]:
    """Files or folders whose name contains ``marker``, in ``folders`` and one level below."""
    found = []
    for folder in folders:
        for entry in _names(folder):
            found += [entry.path] if marker in entry.name else []
            if entry.is_dir(follow_symlinks=False):
                found += [e.path for e in _names(Path(entry.path)) if marker in e.name]
    return found


@dataclass(frozen=True)
class Outcome:
    """A graded attack."""

    run: RunResult
    marker: str
    seconds: float
    judge_cwd: Path

    def exercise(self, exercise_id: str) -> ExerciseResult:
        return next(e for e in self.run.exercises if e.exercise == exercise_id)

    def score(self, exercise_id: str, *checks: str) -> float:
        ex = self.exercise(exercise_id)
        return sum(c.score for c in ex.checks if not checks or c.check in checks)

    def text(self, exercise_id: str) -> str:
        """Everything the student reads about an exercise."""
        ex = self.exercise(exercise_id)
        return "\n".join([ex.message] + [f"{c.feedback}\n{c.failing_case}\n" + "\n".join(c.hints)
                                         for c in ex.checks])

    def assert_rest_graded_normally(self) -> None:
        mlp = self.exercise(MLP)
        assert mlp.passed and mlp.score == mlp.max_score > 0, [(c.check, c.feedback) for c in mlp.checks]


Attack = Callable[..., Outcome]


@pytest.fixture
def attack(pool: WorkerPool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Attack:
    """``attack({"model_construction/parallel.py": source}, exercises=(PAR, MLP), timeout=...)``.

    In a source, ``MARKER`` is replaced by the attack's marker and ``JUDGE_CWD`` by the judge's
    working directory; the good ``mlp.py`` is added unless given. Checks the invariants above.
    """
    def run(files: dict[str, str], *, exercises: tuple[str, ...] = (PAR, MLP), timeout: float = 20.0,
            limits: Limits | None = None, sandbox: SandboxPolicy = SandboxPolicy()) -> Outcome:
        marker = "adv" + uuid.uuid4().hex[:12]
        judge_cwd = tmp_path / "judge_cwd"
        (judge_cwd / "reports").mkdir(parents=True)
        (judge_cwd / "results.json").write_text('{"score": 0}')
        (judge_cwd / "reports" / "report.html").write_text("<html>real report</html>")
        sub = tmp_path / "submission"
        files = {"model_construction/mlp.py": GOOD_MLP, **files}
        for rel, source in files.items():
            path = sub / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            text = textwrap.dedent(source).replace("MARKER", marker).replace("JUDGE_CWD", str(judge_cwd))
            path.write_text(MARK_SOURCE.format(marker=marker) + text)
        watched = (sub, judge_cwd, ROOT / "solutions", ROOT / "reports", ROOT / "results.json",
                   Path("/tmp/results.json"), Path("/tmp/report.html"))
        before = snapshot(*watched)
        monkeypatch.chdir(judge_cwd)
        chosen = tuple(e for name in exercises for e in select(name))
        limits = limits or Limits(timeout=timeout)
        t0 = time.monotonic()
        result = grade(sub, chosen, seed=0, pool=pool, options=GradeOptions(limits=limits, sandbox=sandbox))
        seconds = time.monotonic() - t0
        assert snapshot(*watched) == before, "a file outside the scratch directory changed"
        assert marked_files(marker, Path("/tmp"), judge_cwd, ROOT, tmp_path) == []
        assert survivors(marker) == [], "a process the submission started is still alive"
        assert seconds < len(chosen) * (limits.timeout + 5), f"grading took {seconds:.1f} s"
        return Outcome(result, marker, seconds, judge_cwd)

    return run
