"""The GitHub Actions workflow shipped to student repositories: its shape, then its `run:` steps, run locally.

The local run builds what a student repository holds (the workflow, `exercises/` with one solved
file, the grader at the root) and a fresh virtual environment standing in for the runner's
Python, then runs every `run:` step with bash as GitHub does (`bash --noprofile --norc -eo pipefail`),
with the workflow's `env:`. The steps are run as written:

- the PyTorch step (`pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0`, the
  version of constraints/cpu.txt, inside pyproject.toml's torch range) needs no network here: the virtual environment sees the machine's packages
  (`--system-site-packages`), where the CPU build 2.13.0 is installed, so pip answers "Requirement
  already satisfied" without asking the index;
- the grader step (`pip install -e .`) builds the grader, which needs setuptools for
  the isolated build: pip takes it from the configured index (a local mirror on the test machines).
  Where neither the network nor a mirror is reachable, the test is skipped with pip's message rather
  than failed;
- the `grade ci` step must run and write grade-results/report.html.

The virtual environment is made ``--without-pip`` and given a `pip` that runs ``<venv>/bin/python -m
pip`` (the machine's pip, installing into the venv): that saves installing pip and an older
setuptools into it, and it keeps every install out of the machine's own environment.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from grader.catalog import all_exercises, find
from grader.ci.threshold import parse_min_score
from tests.conftest import ROOT

yaml = pytest.importorskip("yaml")

TEMPLATE = ROOT / "student-template"
WORKFLOW = TEMPLATE / ".github" / "workflows" / "grade.yml"
SOLVED = "model_construction/mlp"
NO_INDEX = ("NewConnectionError", "Temporary failure in name resolution", "No matching distribution found",
            "Could not find a version that satisfies", "Network is unreachable")


def load_workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def steps() -> list[dict[str, Any]]:
    jobs = load_workflow()["jobs"]
    assert list(jobs) == ["grade"]
    return jobs["grade"]["steps"]


def step_using(action: str) -> tuple[int, dict[str, Any]]:
    found = [(i, s) for i, s in enumerate(steps()) if str(s.get("uses", "")).split("@")[0] == action]
    assert len(found) == 1, f"expected one step using {action}, got {found}"
    return found[0]


def step_running(prefix: str) -> tuple[int, dict[str, Any]]:
    found = [(i, s) for i, s in enumerate(steps()) if str(s.get("run", "")).strip().startswith(prefix)]
    assert len(found) == 1, f"expected one step running {prefix!r}, got {found}"
    return found[0]


def test_workflow_uses_official_actions_in_order() -> None:
    workflow = load_workflow()
    assert "push" in workflow["on"] and "pull_request" in workflow["on"]
    for step in steps():
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert step["uses"].startswith("actions/"), f"only GitHub's own actions: {step['uses']}"
    i_checkout, checkout = step_using("actions/checkout")
    i_python, python = step_using("actions/setup-python")
    i_torch, torch = step_running("pip install --index-url https://download.pytorch.org/whl/cpu")
    i_grader, grader = step_running("pip install -e")
    i_grade, grade = step_running("grade ci")
    i_upload, upload = step_using("actions/upload-artifact")
    assert i_checkout < i_python < i_torch < i_grader < i_grade < i_upload
    assert checkout["uses"] == "actions/checkout@v4"
    assert python["uses"] == "actions/setup-python@v5"
    assert python["with"]["python-version"] == "3.11"  # a string: an unquoted 3.10 would read as 3.1
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"].endswith("pyproject.toml")
    assert grader["run"].split()[-1] == "."  # the repository root: a student release
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["if"] == "always()"  # the report is uploaded when grading failed too
    assert upload["with"]["path"].rstrip("/") == "grade-results"


def test_workflow_installs_the_tested_cpu_torch_and_grades_with_a_threshold() -> None:
    from packaging.requirements import Requirement

    deps = [Requirement(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    wanted = [r.specifier for r in deps if r.name == "torch"]
    tested = [line.strip() for line in (ROOT / "constraints" / "cpu.txt").read_text().splitlines()
              if line.strip().startswith("torch==")]
    _, torch = step_running("pip install --index-url https://download.pytorch.org/whl/cpu")
    assert len(tested) == 1 and tested[0] in torch["run"].split()  # the version the grader is tested with ...
    assert len(wanted) == 1 and wanted[0].contains(tested[0].removeprefix("torch=="))  # ... inside the range
    _, grade = step_running("grade ci")
    words = grade["run"].split()
    assert words[words.index("--submission") + 1] == "exercises"
    assert words[words.index("--out") + 1] == "grade-results"
    assert words[words.index("--min-score") + 1] == '"$GRADE_MIN_SCORE"'
    env = load_workflow()["env"]
    assert parse_min_score(env["GRADE_MIN_SCORE"]) is None  # the default: green only when every check passes
    for step in steps():
        assert "${{" not in step.get("run", ""), "run: lines must run the same on a laptop"


def _student_repo(root: Path) -> Path:
    """What a student repository holds: the workflow, exercises/ (one file solved, the others not
    written yet) and, at the root, the grader (pyproject.toml, README.md, grader/). A real release
    (`grade release`) ships recorded expected values inside grader/; this one is a copy of the
    project, so its grader finds the reference solutions in solutions/ instead."""
    repo = root / "student-repo"
    shutil.copytree(TEMPLATE, repo)
    target = repo / "exercises" / f"{SOLVED}.py"
    target.parent.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / f"{SOLVED}.py", target)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("grader", "solutions"):
        shutil.copytree(ROOT / name, repo / name, ignore=ignore)
    return repo


def _venv(root: Path) -> Path:
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True,
                   timeout=120)
    pip = venv / "bin" / "pip"
    pip.write_text(f'#!/bin/sh\nexec "{venv}/bin/python" -m pip "$@"\n')
    pip.chmod(0o755)
    return venv


def test_workflow_steps_run_locally(tmp_path: Path) -> None:
    repo = _student_repo(tmp_path)
    venv = _venv(tmp_path)
    workflow = load_workflow()
    step_summary = tmp_path / "step_summary.md"
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "GRADE_", "VIRTUAL_ENV")) and k != "PYTHONPATH"}
    env = {**base, **{k: str(v) for k, v in workflow.get("env", {}).items()},
           **{k: str(v) for k, v in workflow["jobs"]["grade"].get("env", {}).items()},
           "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv),
           "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(repo),
           "GITHUB_STEP_SUMMARY": str(step_summary), "GITHUB_OUTPUT": str(tmp_path / "github_output")}
    ran = []
    for step in steps():
        if "run" not in step:
            continue
        out = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=repo,
                             env={**env, **{k: str(v) for k, v in step.get("env", {}).items()}},
                             capture_output=True, text=True, timeout=400)
        text = out.stdout + out.stderr
        if out.returncode != 0 and step["run"].startswith("pip ") and any(s in text for s in NO_INDEX):
            pytest.skip(f"step {step.get('name')!r} needs a package index this machine cannot reach:\n{text[-2000:]}")
        # unfinished work turns the job red by default: exit 1 from `grade ci` (every check must pass)
        expected = 1 if step["run"].startswith("grade ci") else 0
        assert out.returncode == expected, f"step {step.get('name')!r} exited {out.returncode}:\n{text[-6000:]}"
        ran.append(step["run"])
    assert [r.split()[:2] for r in ran] == [["pip", "install"], ["pip", "install"], ["grade", "ci"]]

    # The grader that ran is the repository's, installed in the virtual environment.
    which = subprocess.run([str(venv / "bin" / "python"), "-c", "import grader, shutil; "
                            "print(grader.__file__); print(shutil.which('grade'))"],
                           cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    module, script = which.stdout.split()
    assert Path(module).is_relative_to(repo) and Path(script) == venv / "bin" / "grade"

    results = repo / "grade-results"
    assert (results / "report.html").is_file() and (results / "summary.md").is_file()
    cases = {(c.get("classname"), c.get("name")): c for c in ET.parse(results / "junit.xml").getroot().iter("testcase")}
    assert set(cases) == {(e.id, c.id) for e in all_exercises() for c in e.checks}
    for check in find(SOLVED).checks:  # the solved file passes every check ...
        assert cases[(SOLVED, check.id)].find("failure") is None
    missing = cases[("model_construction/parallel", find("model_construction/parallel").checks[0].id)]
    assert "File not found" in missing.find("failure").get("message")  # ... the files not written yet fail
    assert json.loads((results / "results.json").read_text())["score"] == find(SOLVED).max_score
    summary = step_summary.read_text(encoding="utf-8")
    assert summary == (results / "summary.md").read_text(encoding="utf-8") and "**Not every check passed:**" in summary
