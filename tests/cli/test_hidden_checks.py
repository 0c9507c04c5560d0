"""Public and hidden checks: `grade exercise` runs the public ones, batch and ci all of them."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

import grader.catalog as catalog
from grader.catalog import Exercise, all_exercises, as_hidden, is_hidden, select
from grader.tracks.pytorch.checks import Custom
from tests.conftest import ROOT

CONTAINERS = "model_construction/containers"


def _grade(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_hidden_checks_come_from_grader_hidden_and_are_marked():
    hidden = {(e.id, c.id) for e in all_exercises() for c in e.checks if is_hidden(c)}
    assert hidden == {(CONTAINERS, "unknown_head"), ("custom_layers/fourier", "forward_odd"),
                      ("custom_layers/pooling", "flatten_non_contiguous"), ("read_write/checkpoint", "resume_adam"),
                      ("devices/placement", "to_device_input_unchanged")}
    containers = select(CONTAINERS)[0]
    assert [c.id for c in containers.public().checks] == [c.id for c in containers.checks if not is_hidden(c)]
    assert containers.public().max_score == containers.max_score - 1


def test_a_hidden_check_declared_in_the_exercise_is_refused(monkeypatch):
    """A check marked hidden inside EXERCISE would ship in the student release (which strips only
    HIDDEN): refused. Positive control: the same module with the check in HIDDEN is accepted."""
    probe = Custom(id="probe", examine=lambda ctx, case, seed: None, title="probe", points=1)
    bad = types.ModuleType("grader.tracks.pytorch.declarations.zz.probe")
    bad.EXERCISE = Exercise("zz/probe", "probe", (as_hidden(probe),))
    good = types.ModuleType("grader.tracks.pytorch.declarations.zz.probe")
    good.EXERCISE = Exercise("zz/probe", "probe", (dataclasses.replace(probe, id="public"),))
    good.HIDDEN = (probe,)
    catalog._declared.cache_clear()
    try:
        monkeypatch.setattr(catalog, "declaration_modules", lambda package=None: [bad])
        with pytest.raises(ValueError, match="declare hidden checks in the module's HIDDEN"):
            catalog.all_exercises()
        catalog._declared.cache_clear()
        monkeypatch.setattr(catalog, "declaration_modules", lambda package=None: [good])
        (exercise,) = catalog.all_exercises()
        assert [(c.id, catalog.is_hidden(c)) for c in exercise.checks] == [("public", False), ("probe", True)]
    finally:
        catalog._declared.cache_clear()
    assert dataclasses.replace(probe, hidden=False) == probe


def test_grade_exercise_runs_public_checks_only(tmp_path):
    proc = _grade("exercise", CONTAINERS, "--submission", str(ROOT / "solutions"), "--seed", "1",
                  "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((tmp_path / "r.json").read_text())
    checks = {t["extra_data"]["check"] for t in results["tests"]}
    assert "unknown_head" not in checks and "multihead_forward" in checks
    assert results["max_score"] == select(CONTAINERS)[0].public().max_score
    assert "Not run here: 1 hidden check(s) (1 points)" in proc.stdout


def test_grade_ci_runs_hidden_checks_too(tmp_path):
    proc = _grade("ci", CONTAINERS, "--submission", str(ROOT / "solutions"), "--seed", "1", "--out",
                  str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert "unknown_head" in {t["extra_data"]["check"] for t in results["tests"]}
    assert results["max_score"] == select(CONTAINERS)[0].max_score


def test_grade_list_counts_hidden_checks(tmp_path):
    proc = _grade("list", cwd=tmp_path)
    assert proc.returncode == 0
    line = next(l for l in proc.stdout.splitlines() if CONTAINERS in l)
    assert "1 (1 pts)" in line
