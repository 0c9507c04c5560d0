"""`grade release`: the bundle students receive, installed in a fresh virtual environment.

One release of the model_construction topic is built (it records the references' answers while
grading the solutions, the stubs and the mutants, then verifies itself by replaying them). The
tests then look inside it (no solutions, no mutants, no hidden checks, no line of reference code),
install it with pip in a virtual environment of its own (no access to this machine's packages or
to this checkout), and grade there as a student would: the stubs score zero, the solutions full
marks, and a buggy file gets the same verdicts and feedback as the full grader gives it.
"""
from __future__ import annotations

import json
import os
import shutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.catalog import mutants_of, select
from grader.release.leaks import find_leaks, grader_sources
from tests.conftest import ROOT

TOPIC = "model_construction"
SEED = 11


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("release") / "student-release"
    proc = _run([sys.executable, "-m", "grader.cli", "release", str(out), "--only", TOPIC, "--seed", str(SEED)],
                cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc


@pytest.fixture(scope="module")
def venv(bundle: tuple[Path, subprocess.CompletedProcess[str]],
         tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the release installed from its folder (pip resolves torch
    and the rest from the configured indexes; constraints/cpu.txt holds torch at 2.13.0, the local
    CPU wheel, where the release's torch range alone would take the newest torch and its CUDA packages)."""
    out, _ = bundle
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    made = _run([sys.executable, "-m", "venv", str(env_dir)], cwd=out)
    assert made.returncode == 0, made.stderr
    pip = _run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                "-c", str(ROOT / "constraints" / "cpu.txt"), str(out)], cwd=out, timeout=900)
    if pip.returncode != 0 and any(s in pip.stdout + pip.stderr for s in
                                   ("Could not find a version", "No matching distribution", "Network is unreachable",
                                    "Temporary failure in name resolution", "Max retries exceeded",
                                    "Failed to establish a new connection", "ProxyError")):
        pytest.skip(f"no package index reachable to install the release: {pip.stderr[-500:]}")
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    return env_dir


def _student_env(venv_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GRADE_"))}
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _grade(venv_dir: Path, student: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    proc = _run([str(venv_dir / "bin" / "grade"), "exercise", *args, "--json", "results.json"], cwd=student,
                env=_student_env(venv_dir))
    results = json.loads((student / "results.json").read_text()) if (student / "results.json").is_file() else {}
    return proc, results


def test_the_release_holds_stubs_grader_and_recordings_only(bundle):
    out, proc = bundle
    assert "Verified: replaying every recorded submission gives the live verdicts" in proc.stdout
    assert "other feedback text" not in proc.stdout, proc.stdout
    assert (out / "pyproject.toml").is_file() and (out / "README.md").is_file()
    assert (out / ".github" / "workflows" / "grade.yml").is_file()
    for absent in ("solutions", "tests"):
        assert not (out / absent).exists(), absent
        assert (ROOT / absent).exists(), f"positive control: {absent} is not in the project either"
    manifest = json.loads((out / "grader" / "release.json").read_text())
    assert manifest["seed"] == SEED
    public = {e.id: [c.id for c in e.public().checks] for e in select(TOPIC)}
    assert manifest["exercises"] == public
    assert "unknown_head" not in manifest["exercises"]["model_construction/containers"]  # a hidden check
    for exercise in public:
        assert (out / "grader" / "expected_values" / f"{exercise}.json.gz").is_file()
        stub = (out / "exercises" / f"{exercise}.py").read_text()
        assert stub == (ROOT / "exercises" / f"{exercise}.py").read_text()
    assert not list((out / "exercises").glob("parameters/*.py")), "only the released topic's stubs"
    assert list((ROOT / "exercises").glob("parameters/*.py")), "positive control: the same glob finds stubs"


def test_no_line_of_reference_code_is_inside(bundle):
    out, _ = bundle
    allowed = [ROOT / "exercises", *grader_sources(ROOT / "grader")]
    assert find_leaks(out, solutions=ROOT / "solutions", allowed=allowed) == []


def test_declarations_in_the_release_hold_no_hidden_check_and_no_mutant(bundle):
    out, _ = bundle
    modules = sorted((out / "grader" / "tracks" / "pytorch" / "declarations").rglob("*.py"))
    assert any(p.name == "mlp.py" for p in modules)
    for path in modules:
        text = path.read_text()
        assert not re.search(r"^(HIDDEN|MUTANTS)\s*=", text, re.M) and "Mutant(" not in text, path
    # the project's own declarations do hold them: the assertion above can fail
    assert "MUTANTS = (" in (ROOT / "grader/tracks/pytorch/declarations/model_construction/mlp.py").read_text()


def test_the_leak_scan_finds_a_solution_copied_in(bundle, tmp_path):
    """The scan above can fail: a solution file dropped into a copy of the release is found."""
    out, _ = bundle
    copy = tmp_path / "copy"
    shutil.copytree(out / "exercises", copy / "exercises")
    shutil.copyfile(ROOT / "solutions" / "model_construction" / "mlp.py", copy / "exercises" / "notes.txt")
    leaks = find_leaks(copy, solutions=ROOT / "solutions", allowed=[ROOT / "exercises", ROOT / "grader"])
    assert "model_construction/mlp.py" in {leak.solution for leak in leaks}
    assert all(leak.found_in == "exercises/notes.txt" for leak in leaks)


def test_installed_release_has_no_reference_code(venv):
    site = next(venv.glob("lib/python3*/site-packages"))
    package = site / "grader"
    assert package.is_dir()
    assert not (package / "hidden").exists()
    assert not list(site.glob("**/solutions")) and not list(site.glob("**/mutants"))
    planted = venv.parent / "control" / "lib" / "deep"  # positive control: the same globs find them
    for name in ("solutions", "mutants"):
        (planted / name).mkdir(parents=True, exist_ok=True)
    assert len(list(venv.parent.joinpath("control").glob("**/solutions"))) == 1
    assert len(list(venv.parent.joinpath("control").glob("**/mutants"))) == 1
    found = find_leaks(package, solutions=ROOT / "solutions",
                       allowed=[ROOT / "exercises", *grader_sources(ROOT / "grader")])
    assert found == []
    proc = _run([str(venv / "bin" / "python"), "-c", "import grader; print(grader.__file__)"], cwd=venv,
                env=_student_env(venv))
    assert proc.stdout.strip().startswith(str(site)), proc.stdout + proc.stderr


def test_students_grade_their_stubs_in_the_installed_release(bundle, venv, tmp_path):
    out, _ = bundle
    student = tmp_path / "student"
    shutil.copytree(out / "exercises", student / "exercises")
    proc, results = _grade(venv, student, TOPIC)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert results["score"] == 0 and results["max_score"] == 41
    assert "This is still the stub" in proc.stdout
    assert f"seed: {SEED}" in proc.stdout
    listed = _run([str(venv / "bin" / "grade"), "list"], cwd=student, env=_student_env(venv))
    assert "7 exercises, 41 points" in listed.stdout, listed.stdout


def test_a_solved_topic_scores_full_marks_in_the_installed_release(venv, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(ROOT / "solutions" / TOPIC, student / "exercises" / TOPIC)
    proc, results = _grade(venv, student, TOPIC)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert results["score"] == results["max_score"] == 41
    assert {t["extra_data"]["check"] for t in results["tests"]} >= {"names", "forward", "gradients"}


def test_a_buggy_file_gets_the_full_graders_feedback(venv, tmp_path, grade_dir):
    """The mutant's verdicts and feedback in the release equal those of the full grader (same seed,
    same public checks, the references run live). The release examines the cases hypothesis draws
    when nothing fails, without shrinking: the live run walks the same sequence until its first
    failure, so both fail the same checks; the details may show another failing case."""
    mutant = mutants_of(f"{TOPIC}/mlp")[0]
    student = tmp_path / "student"
    shutil.copytree(ROOT / "solutions" / TOPIC, student / "exercises" / TOPIC)
    (student / "exercises" / TOPIC / "mlp.py").write_text(mutant.apply((ROOT / "solutions" / TOPIC / "mlp.py").read_text()))
    proc, results = _grade(venv, student, f"{TOPIC}/mlp")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    live = grade_dir(student / "exercises", "model_construction/mlp", seed=SEED)
    public = {c.id for c in select("model_construction/mlp")[0].public().checks}
    expected = {c.check: (c.status.value, c.score, c.feedback) for c in live.exercises[0].checks if c.check in public}
    got = {t["extra_data"]["check"]: (t["status"], t["score"]) for t in results["tests"]}
    assert got == {k: (("passed" if v[0] == "passed" else "failed"), v[1]) for k, v in expected.items()}
    failed = [k for k, v in expected.items() if v[0] == "failed"]
    assert failed, f"{mutant.slug} should fail a check"
    for check in failed:
        test = next(t for t in results["tests"] if t["extra_data"]["check"] == check)
        assert expected[check][2].splitlines()[0] in test["output"]


def test_another_seed_is_refused_in_a_release(venv, tmp_path):
    student = tmp_path / "student"
    (student / "exercises").mkdir(parents=True)
    proc = _run([str(venv / "bin" / "grade"), "exercise", TOPIC, "--seed", "3"], cwd=student,
                env=_student_env(venv))
    assert proc.returncode == 2
    assert f"recorded for seed {SEED}" in proc.stderr
