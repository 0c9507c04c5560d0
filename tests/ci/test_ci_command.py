"""`grade ci` as a CI job runs it: exit statuses, junit.xml, results.json, summary.md, report.html,
$GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.catalog import all_exercises, find
from grader.release import manifest
from grader.results import CheckResult, ExerciseResult, RunResult, Status
from tests.conftest import ROOT

OUTPUTS = ("junit.xml", "results.json", "summary.md", "report.html")


def grade_ci(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([sys.executable, "-m", "grader.cli", "ci", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**clean, **(env or {})})


def junit_cases(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}


def _with_hidden() -> str:
    """A small exercise with a hidden check, if the catalog has one (`grade ci` must grade it)."""
    for exercise in all_exercises():
        if exercise.topic == "model_construction" and any(getattr(c, "hidden", False) for c in exercise.checks):
            return exercise.id
    return "model_construction/mlp"


def test_reference_passes_every_check_public_and_hidden(tmp_path: Path) -> None:
    target = _with_hidden()
    out = grade_ci(target, "--submission", str(ROOT / "solutions"), "--seed", "5", "--min-score", "100%",
                   cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "seed: 5" in out.stdout and "passed: 100% of the points, 100% needed" in out.stdout
    results = tmp_path / "grade-results"
    assert all((results / name).is_file() for name in OUTPUTS)
    cases = junit_cases(results / "junit.xml")
    assert set(cases) == {(target, c.id) for c in find(target).checks}  # hidden checks included
    assert not [c for c in cases.values() if c.find("failure") is not None or c.find("error") is not None]
    data = json.loads((results / "results.json").read_text())
    assert data["score"] == data["max_score"] == find(target).max_score
    assert data["extra_data"]["seed"] == 5
    summary = (results / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ✅ Grade:") and "### Failed checks" not in summary


def test_without_min_score_untouched_stubs_exit_one_and_solutions_zero(tmp_path: Path) -> None:
    """The default is `grade exercise`'s rule: exit 1 unless every check passed (no green check for 0 points)."""
    stubs = grade_ci("model_construction/mlp", "--submission", str(ROOT / "exercises"), "--seed", "3", cwd=tmp_path)
    assert stubs.returncode == 1, stubs.stdout + stubs.stderr
    assert "not every check passed: 0% of the points (exit 1" in stubs.stdout
    summary = (tmp_path / "grade-results" / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ❌ Grade: 0/6 (0%)") and "**Not every check passed:**" in summary
    solved = grade_ci("model_construction/mlp", "--submission", str(ROOT / "solutions"), "--seed", "3", cwd=tmp_path)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "passed: every check" in solved.stdout
    zero = grade_ci("model_construction/mlp", "--submission", str(ROOT / "exercises"), "--seed", "3",
                    "--min-score", "0", cwd=tmp_path)
    assert zero.returncode == 0 and "graded: 0% of the points (--min-score 0)" in zero.stdout


def test_stubs_below_threshold_exit_one_with_feedback_everywhere(tmp_path: Path) -> None:
    step_summary = tmp_path / "step_summary.md"
    step_summary.write_text("## set-up step\n")
    step_output = tmp_path / "github_output"
    out = grade_ci("model_construction/mlp", "--submission", str(ROOT / "exercises"), "--seed", "9",
                   "--min-score", "0.5", "--out", "ci-out", cwd=tmp_path,
                   env={"GITHUB_STEP_SUMMARY": str(step_summary), "GITHUB_OUTPUT": str(step_output)})
    assert out.returncode == 1, out.stdout + out.stderr
    assert "below the threshold: 0% of the points, 50% needed (exit 1)" in out.stdout
    assert "This is still the stub" in out.stdout  # the terminal report is printed too
    results = tmp_path / "ci-out"
    cases = junit_cases(results / "junit.xml")
    assert set(cases) == {("model_construction/mlp", c.id) for c in find("model_construction/mlp").checks}
    for case in cases.values():
        failure = case.find("failure")
        assert failure is not None and failure.get("type") == "CheckFailed"
        assert "NotImplementedError" in failure.get("message")
        assert "This is still the stub" in failure.text and "model_construction/mlp.py:" in failure.text
    summary = (results / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## ❌ Grade: 0/6 (0%)")
    assert "**Below the threshold:** 0% of the points, 50% needed." in summary
    assert "This is still the stub" in summary
    assert "grade exercise model_construction/mlp --submission " in summary and "--seed 9" in summary
    assert step_summary.read_text(encoding="utf-8") == "## set-up step\n" + summary
    assert step_output.read_text().splitlines() == ["score=0", "max_score=6", "percent=0", "verdict=below"]
    assert json.loads((results / "results.json").read_text())["score"] == 0
    assert (results / "report.html").is_file()


@pytest.mark.parametrize("args, message", [
    (("--min-score", "60"), "fraction of the maximum score"),
    (("--min-score", "half"), "fraction of the maximum score"),
    (("no_such_topic",), "no_such_topic"),
    (("--submission", "missing-folder"), "does not exist"),
])
def test_usage_errors_exit_two(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    out = grade_ci(*args, cwd=tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr
    assert not (tmp_path / "grade-results").exists()


def test_grader_fault_exits_three_and_grades_hidden_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check in `error` makes the job fail with 3 whatever the score; the command asks for hidden checks."""
    import grader.engine
    from grader.cli import main

    seen = {}

    def fake_grade(root, exercises, *, seed, options, pool, on_exercise, references):  # type: ignore[no-untyped-def]
        seen["include_hidden"] = options.include_hidden
        checks = (CheckResult("model_construction/mlp", "names", "names", Status.PASSED, 2.0, 2.0),
                  CheckResult("model_construction/mlp", "forward", "forward", Status.ERROR, 0.0, 3.0,
                              feedback="Grader fault (not your fault): boom"))
        result = ExerciseResult("model_construction/mlp", "MLP", checks)
        on_exercise(result)
        return RunResult(seed=seed, grader_version="0.1.0", submission=root.name, exercises=(result,))

    monkeypatch.setattr(grader.engine, "grade", fake_grade)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    result = CliRunner().invoke(main, ["ci", "model_construction/mlp", "--submission", str(ROOT / "solutions"),
                                       "--seed", "3"])
    assert result.exit_code == 3, result.output
    assert seen == {"include_hidden": True}
    assert "grader fault in 1 check(s)" in result.output
    error = junit_cases(tmp_path / "grade-results" / "junit.xml")[("model_construction/mlp", "forward")].find("error")
    assert error is not None and error.get("type") == "GraderFault" and "boom" in error.text
    assert "**Grader fault:**" in (tmp_path / "grade-results" / "summary.md").read_text(encoding="utf-8")


def test_in_a_student_release_the_recordings_and_their_seed_are_used(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """In a release (`grade release`), `grade ci` replays the recorded expected values for the release's seed."""
    import grader.engine
    from grader.cli import main

    release = manifest.Release(seed=77, expected=tmp_path / "expected_values", info={})
    monkeypatch.setattr(manifest, "current_release", lambda *a, **k: release)
    seen = {}

    def fake_grade(root, exercises, *, seed, options, pool, on_exercise, references):  # type: ignore[no-untyped-def]
        seen.update(seed=seed, expected=references.folder, recorded_seed=references.seed)
        result = ExerciseResult("model_construction/mlp", "MLP",
                                (CheckResult("model_construction/mlp", "names", "names", Status.PASSED, 2.0, 2.0),))
        return RunResult(seed=seed, grader_version="0.1.0", submission=root.name, exercises=(result,))

    monkeypatch.setattr(grader.engine, "grade", fake_grade)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    args = ["ci", "model_construction/mlp", "--submission", str(ROOT / "exercises")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert seen == {"seed": 77, "expected": release.expected, "recorded_seed": 77}
    assert "grade exercise model_construction/mlp" in (tmp_path / "grade-results" / "summary.md").read_text()
    other = CliRunner().invoke(main, [*args, "--seed", "5"])
    assert other.exit_code == 2 and "seed 77" in other.output
    assert CliRunner().invoke(main, [*args, "--seed", "77"]).exit_code == 0
