"""Notebook submissions through every command, as users run them: `grade exercise`, `grade batch`
(a folder and a zip), `grade ci`, and `grade selftest` with a notebook mutant."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from tests.notebooks.conftest import code, md, solution, write_notebook

BUGGY = solution("model_construction/mlp").replace("self.output(F.relu(self.hidden(X)))",
                                                   "self.output(self.hidden(X))")


def _grade(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**clean, **(env or {})})


def _buggy_topic_notebook(path: Path) -> Path:
    return write_notebook(path, [md("# Model construction"), code("%matplotlib inline\nimport torch"), code(BUGGY)])


def test_grade_exercise_reports_the_notebook_its_cells_and_lines(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    _buggy_topic_notebook(sub / "model_construction.ipynb")
    proc = _grade("exercise", "model_construction/mlp", "--submission", str(sub), "--seed", "3",
                  "--json", str(tmp_path / "results.json"), "--html", str(tmp_path / "r.html"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Graded model_construction.ipynb (the topic notebook)." in proc.stdout
    assert "Not run: cell 2, line 1: line magic `%matplotlib inline`." in proc.stdout
    assert "at model_construction.ipynb, cell 3, line " in proc.stdout
    data = json.loads((tmp_path / "results.json").read_text())
    assert "model_construction/mlp: Graded model_construction.ipynb (the topic notebook)." in data["output"]
    forward = next(t for t in data["tests"] if t["name"] == "model_construction/mlp :: forward")
    assert "at model_construction.ipynb, cell 3, line" in forward["output"]
    html = (tmp_path / "r.html").read_text()
    assert "Graded model_construction.ipynb (the topic notebook)." in html
    assert "model_construction.ipynb, cell 3, line" in html


def test_grade_batch_reads_notebooks_in_folders_and_zips(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    write_notebook(subs / "ann" / "model_construction" / "mlp.ipynb", [code(solution("model_construction/mlp"))])
    _buggy_topic_notebook(tmp_path / "bob.ipynb")
    with zipfile.ZipFile(subs / "bob.zip", "w") as zf:  # zipped with its folder, as students do
        zf.write(tmp_path / "bob.ipynb", "bob/model_construction.ipynb")
    (subs / "cat" / "model_construction").mkdir(parents=True)
    (subs / "cat" / "model_construction" / "mlp.ipynb").write_text('{"cells": [')
    proc = _grade("batch", str(subs), "--out", str(tmp_path / "out"), "--only", "model_construction/mlp",
                  "--seed", "4", "--jobs", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    score = {s: json.loads((tmp_path / "out" / s / "results.json").read_text()) for s in ("ann", "bob", "cat")}
    assert score["ann"]["score"] == score["ann"]["max_score"] == 6
    assert 0 < score["bob"]["score"] < 6
    assert "Graded model_construction.ipynb" in score["bob"]["output"]
    assert score["cat"]["score"] == 0
    assert "is not a valid notebook: its JSON breaks at line 1" in score["cat"]["tests"][0]["output"]


def test_grade_ci_grades_a_notebook_repository(tmp_path: Path) -> None:
    _buggy_topic_notebook(tmp_path / "model_construction.ipynb")
    proc = _grade("ci", "model_construction/mlp", "--submission", str(tmp_path), "--seed", "5", "--min-score", "100%",
                  cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    root = ET.parse(tmp_path / "grade-results" / "junit.xml").getroot()
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["graded_file"] == "Graded model_construction.ipynb (the topic notebook)."
    assert props["not_run"] == "cell 2, line 1: line magic `%matplotlib inline`"
    failure = next(c for c in root.iter("testcase") if c.get("name") == "forward").find("failure")
    assert "model_construction.ipynb, cell 3, line" in failure.text


def test_grade_selftest_catches_a_notebook_mutant(tmp_path: Path) -> None:
    mutants = tmp_path / "mutants"
    write_notebook(mutants / "model_construction" / "mlp" / "no_relu_notebook.ipynb",
                   [md("No ReLU, written in a notebook."), code(BUGGY)])
    proc = _grade("selftest", "model_construction/mlp", "--mutants", str(mutants), "--seed", "2", cwd=tmp_path)
    row = next(line for line in proc.stdout.splitlines() if "mutant no_relu_notebook" in line)
    assert "3/6" in row and "caught" in row and "fails forward" in row, proc.stdout + proc.stderr
    assert "No ReLU, written in a notebook." in proc.stdout  # its description: the first markdown cell
