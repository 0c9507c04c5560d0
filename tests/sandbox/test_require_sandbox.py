"""``require``: a missing protection is an error naming it, raised before any student code runs."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.catalog import select
from grader.engine import GradeOptions, grade
from grader.sandbox.client import WorkerPool
from grader.sandbox.policy import Confinement, SandboxPolicy, SandboxUnavailable
from tests.conftest import ROOT


@pytest.mark.parametrize("layer, name", [("landlock", "landlock"), ("seccomp", "seccomp"),
                                         ("namespaces", "network namespace")])
def test_a_missing_layer_is_named(pool, layer, name):
    with pytest.raises(SandboxUnavailable, match=f"does not provide {name}") as info:
        pool.check_sandbox(SandboxPolicy(require=True, **{layer: False}))
    assert info.value.missing == (name,)


def test_grading_stops_before_any_student_code(pool, tmp_path, monkeypatch):
    started: list[Path] = []
    real_start = WorkerPool.start

    def spy(self, *, submission_root, **kwargs):
        started.append(Path(submission_root))
        return real_start(self, submission_root=submission_root, **kwargs)

    monkeypatch.setattr(WorkerPool, "start", spy)
    options = GradeOptions(sandbox=SandboxPolicy(require=True, seccomp=False))
    with pytest.raises(SandboxUnavailable, match="seccomp"):
        grade(ROOT / "solutions", select("model_construction/mlp"), seed=1, pool=pool, options=options)
    assert len(started) == 1 and started[0] != ROOT / "solutions"  # only the probe, on an empty folder


def test_with_every_layer_here_the_run_reports_them(pool, needs):
    needs("landlock", "seccomp", "network namespace")
    run = grade(ROOT / "solutions", select("model_construction/mlp"), seed=1, pool=pool,
                options=GradeOptions(sandbox=SandboxPolicy(require=True)))
    assert run.passed
    text = "\n".join(run.protections)
    assert "Landlock ABI" in text and "seccomp" in text and "network namespace" in text


def test_missing_lists_only_required_layers():
    got = Confinement(("...",), frozenset({"landlock", "session", "rlimits"}))
    assert SandboxPolicy(require=True).missing(got) == ("seccomp", "network namespace")
    assert SandboxPolicy().missing(got) == ()


def test_cli_exits_2_naming_the_missing_protection(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from grader.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(SandboxPolicy, "missing", lambda self, c: ("seccomp",) if self.require else ())
    result = CliRunner().invoke(main, ["exercise", "model_construction/mlp", "--submission",
                                       str(ROOT / "solutions"), "--seed", "1", "--require-sandbox"])
    assert result.exit_code == 2, result.output
    assert "--require-sandbox: this machine does not provide seccomp" in result.output
    assert not (tmp_path / "reports").exists()  # nothing graded, nothing written


def test_cli_grades_with_require_sandbox_where_everything_is_there(tmp_path, monkeypatch, needs):
    from click.testing import CliRunner

    from grader.cli import main

    needs("landlock", "seccomp", "network namespace")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["exercise", "model_construction/mlp", "--submission",
                                       str(ROOT / "solutions"), "--seed", "1", "--require-sandbox",
                                       "--json", "results.json"])
    assert result.exit_code == 0, result.output
    assert "Landlock ABI" in (tmp_path / "results.json").read_text()
