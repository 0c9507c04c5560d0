"""The Gluon track behind ``--track gluon``: its catalog is the contract's, every command takes the
flag, and results, JUnit, reports and batch files say which track graded (judge side only: no
MXNet needed)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from grader.app.root import Installation, compose
from grader.batch.keys import grader_fingerprint
from grader.catalog import Catalog, select
from grader.ci.junit import junit_xml
from grader.paths import default_solutions, default_submission, project_root, track_stubs
from grader.release.manifest import Release
from grader.render.gradescope import gradescope_dict
from grader.results import RunResult

CONTRACT = {
    "model_construction": ["mlp", "my_sequential", "fixed_hidden_mlp", "nest_mlp", "parallel", "stack"],
    "parameters": ["access", "nested", "init", "tying"],
    "lazy_init": ["lazy_mlp"],
    "custom_layers": ["centered", "my_dense", "pooling"],
    "read_write": ["tensor_io", "clone", "checkpoint"],
    "devices": ["select", "placement"],
}


def test_the_gluon_catalog_is_the_contracts_19_exercises_in_the_chapters_order():
    ids = [e.id for e in Catalog("gluon").all_exercises()]
    assert ids == [f"{topic}/{name}" for topic, names in CONTRACT.items() for name in names]
    assert all(e.track == "gluon" for e in Catalog("gluon").all_exercises())
    assert all(e.track == "pytorch" for e in Catalog().all_exercises())


def test_each_gluon_exercise_has_its_three_files():
    root = project_root()
    for exercise in Catalog("gluon").all_exercises():
        assert (root / "gluon" / "exercises" / exercise.path).is_file(), exercise.id
        assert (root / "gluon" / "solutions" / exercise.path).is_file(), exercise.id
        assert (root / "grader" / "tracks" / "gluon" / "declarations" / exercise.path).is_file(), exercise.id


def test_tracks_have_their_own_folders(tmp_path, monkeypatch):
    assert default_solutions("gluon") == project_root() / "gluon" / "solutions"
    assert track_stubs("gluon") == project_root() / "gluon" / "exercises"
    monkeypatch.chdir(project_root())  # ./exercises here is the PyTorch stubs: not a Gluon submission
    assert default_submission("gluon") == track_stubs("gluon")
    assert default_submission("pytorch") == project_root() / "exercises"
    (tmp_path / "exercises").mkdir()
    monkeypatch.chdir(tmp_path)  # a student's folder: its exercises/ whatever the track
    assert default_submission("gluon") == tmp_path / "exercises"


def test_an_unknown_gluon_exercise_names_the_flag():
    with pytest.raises(KeyError, match="grade list --track gluon"):
        Catalog("gluon").select("model_construction/nope")


def test_a_release_grades_its_own_track_and_refuses_another():
    release = Release(seed=3, expected=Path("x"), info={"seed": 3, "track": "gluon"})
    assert Installation(release).track(None) == "gluon"
    assert Installation(release).track("gluon") == "gluon"
    with pytest.raises(click.UsageError, match="grades the gluon track"):
        Installation(release).track("pytorch")
    old = Release(seed=3, expected=Path("x"), info={"seed": 3})  # built before tracks: PyTorch
    assert Installation(old).track(None) == "pytorch"


def test_compose_carries_the_track_and_its_catalog():
    with compose("list", track="gluon") as run:
        assert run.track == "gluon" and run.catalog.track == "gluon"
        assert run.source.folder == default_solutions("gluon")
    with compose("list") as run:
        assert run.track == "pytorch"


def test_results_json_junit_and_the_terminal_say_the_track():
    run = RunResult(seed=5, grader_version="0", submission="s", exercises=(), track="gluon")
    assert gradescope_dict(run)["extra_data"]["track"] == "gluon"
    assert gradescope_dict(RunResult(seed=5, grader_version="0", submission="s", exercises=()))["extra_data"][
        "track"] == "pytorch"
    from grader.results import CheckResult, ExerciseResult, Status

    check = CheckResult("m/a", "f", "t", Status.PASSED, 1.0, 1.0)
    xml = junit_xml(RunResult(5, "0", "s", (ExerciseResult("m/a", "A", (check,)),), track="gluon"))
    assert '<property name="track" value="gluon"' in xml


def test_each_track_has_its_own_batch_fingerprint():
    assert grader_fingerprint(track="gluon") != grader_fingerprint()


def _grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, timeout=120,
                          cwd=project_root())


def test_grade_list_takes_the_track():
    proc = _grade("list", "--track", "gluon")
    assert proc.returncode == 0, proc.stderr
    assert "MXNet Gluon track" in proc.stdout and "19 exercises" in proc.stdout
    assert "--track gluon" in proc.stdout
    assert "fourier" not in proc.stdout  # a PyTorch-only exercise


@pytest.mark.parametrize("command", ["exercise", "ci", "selftest", "watch", "list", "new", "batch", "release"])
def test_every_command_offers_the_track_flag(command):
    proc = _grade(command, "--help")
    assert proc.returncode == 0 and "--track [pytorch|gluon]" in proc.stdout


def test_an_unknown_gluon_target_is_a_usage_error():
    proc = _grade("exercise", "model_construction/nope", "--track", "gluon")
    assert proc.returncode == 2 and "grade list --track gluon" in proc.stderr


def test_select_defaults_to_pytorch():
    assert select("model_construction/mlp")[0].track == "pytorch"
    assert select("model_construction/mlp", "gluon")[0].track == "gluon"
    assert json.dumps(select("model_construction/mlp", "gluon")[0].id)


def test_without_network_a_gluon_command_names_the_setup_command(tmp_path):
    env = {**os.environ, "GRADE_GLUON_ENV": str(tmp_path / "env"), "PIP_NO_INDEX": "1",
           "PIP_FIND_LINKS": ""}
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "exercise", "model_construction/mlp", "--track",
                           "gluon", "--submission", str(project_root() / "gluon" / "solutions")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[gluon] creating the Gluon environment" in proc.stderr  # progress shown
    assert f"Run `grade setup gluon --env {tmp_path / 'env'}`" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
