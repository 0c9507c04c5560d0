"""`grade selftest` on deliberately unsound sets: each defect is reported, and the exit status is 1.

- a mutant identical to the solution is *not caught*; checks no mutant fails are *untested*;
- a check that passes everything gives the stub points and is untested; a check that fails
  everything fails the solution;
- a missing stub is reported.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from grader.authoring.report import render_selftest
from grader.authoring.selftest import run_selftest
from grader.catalog import Exercise, find
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure
from grader.cli import main
from grader.engine import GradeOptions
from tests.conftest import ROOT, mutant_source

MLP = "model_construction/mlp"


def _mutants(tmp_path: Path, *files: tuple[str, str]) -> Path:
    root = tmp_path / "mutants"
    for slug, text in files:
        path = root / MLP / f"{slug}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_mutant_identical_to_the_solution_is_not_caught_and_checks_go_untested(tmp_path):
    solution = (ROOT / "solutions" / f"{MLP}.py").read_text()
    missing_relu = mutant_source(MLP, "missing_relu")
    mutants = _mutants(tmp_path, ("same_as_solution", solution), ("missing_relu", missing_relu))
    result = CliRunner().invoke(main, ["selftest", MLP, "--mutants", str(mutants), "--seed", "1",
                                       "--examples-scale", "0.3"])
    assert result.exit_code == 1, result.output
    out = " ".join(result.output.split())
    assert "seed 1" in out
    assert "NOT CAUGHT" in out and "same_as_solution" in out
    full = find(MLP).max_score
    assert f"mutant same_as_solution not caught (scores {full:g}/{full:g})" in out
    assert "mutant missing_relu" in out  # declared mutants run too: nothing is untested here
    assert "Not sound" in out and "--seed 1" in out


def _always(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    return None


def _never(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    raise Failure("this check fails everything")


def test_a_check_that_passes_everything_is_untested_and_pays_the_stub(pool, tmp_path):
    mlp = find(MLP)
    exercise = Exercise(MLP, mlp.title, mlp.checks + (
        Custom(id="always", title="passes everything", examine=_always),
        Custom(id="never", title="fails everything", examine=_never)))
    report = run_selftest((exercise,), seed=1, options=GradeOptions(examples_scale=0.3), pool=pool)
    audit = report.audits[0]
    assert not report.sound
    assert audit.untested == ("always",)
    assert [c.check for c in audit.solution_failures] == ["never"]
    assert [c.check for c in audit.stub_points] == ["always"]
    assert not audit.uncaught
    assert audit.problems == ("the solution does not score full: never",
                              f"the stub scores 1/{exercise.max_score:g}: always",
                              "untested (no mutant fails them): always")

    from rich.console import Console

    console = Console(record=True, width=160)
    render_selftest(report, console)
    text = console.export_text()
    assert "NOT SOUND" in text and "this check fails everything" in text and "gives points" in text


def test_a_missing_stub_and_missing_mutants_are_reported(pool, tmp_path, monkeypatch):
    monkeypatch.setattr("grader.authoring.selftest.mutants_of", lambda exercise_id, track="pytorch": ())  # none declared
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    report = run_selftest((find(MLP),), seed=1, options=GradeOptions(examples_scale=0.3), pool=pool,
                          stubs=stubs, mutants=tmp_path / "no_mutants")
    audit = report.audits[0]
    assert f"no stub: exercises/{MLP}.py is missing" in audit.problems
    assert audit.mutants == () and audit.untested == audit.check_ids == tuple(c.id for c in find(MLP).checks)
    assert not report.sound
