"""`grade` as a student runs it: exit codes, results.json, HTML report, determinism."""
from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT

BUGGY_MLP = '''
import torch
from torch import nn

class MLP(nn.Module):
    def __init__(self, in_features=20, hidden=256, out_features=10):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.output = nn.Linear(hidden, out_features)

    def forward(self, X):
        return self.output(self.hidden(X))
'''


def grade(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


class _Checks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.checks: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("data-check"):
            self.checks[a["data-check"]] = a.get("data-status") or ""


@pytest.fixture(scope="module")
def buggy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("buggy")
    (root / "model_construction").mkdir()
    (root / "model_construction" / "mlp.py").write_text(BUGGY_MLP)
    return root


def test_list_shows_every_exercise_with_points(tmp_path: Path) -> None:
    from grader.catalog import all_exercises

    out = grade("list", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for ex in all_exercises():
        assert ex.id in out.stdout


def test_full_marks_exit_zero_and_reports(tmp_path: Path) -> None:
    out = grade("exercise", "model_construction/mlp", "--submission", str(ROOT / "solutions"), "--seed", "5",
                "--json", "r.json", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "seed: 5" in out.stdout and "6/6" in out.stdout
    assert (tmp_path / "reports" / "report.html").is_file()
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == data["max_score"] == 6


def test_failures_exit_one_with_feedback_json_and_html(tmp_path: Path, buggy: Path) -> None:
    out = grade("exercise", "model_construction/mlp", "--submission", str(buggy), "--seed", "5",
                "--json", "r.json", "--html", "r.html", cwd=tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "ReLU between `hidden` and `output` is missing" in out.stdout
    assert "model_construction/mlp.py:12" in out.stdout  # the line of forward that feeds `output`
    assert "the input of `output` differs (expected relu(hidden(X)), got hidden(X))" in " ".join(out.stdout.split())
    data = json.loads((tmp_path / "r.json").read_text())
    assert set(data) >= {"score", "max_score", "execution_time", "tests"}
    names = set()
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "extra_data"}
        assert test["name"] == f"{test['extra_data']['exercise']} :: {test['extra_data']['check']}"
        assert test["status"] in ("passed", "failed")
        names.add(test["name"])
    forward = next(t for t in data["tests"] if t["name"] == "model_construction/mlp :: forward")
    assert forward["status"] == "failed" and forward["score"] == 0 and "Mismatched elements" in forward["output"]
    parser = _Checks()
    parser.feed((tmp_path / "r.html").read_text())
    assert set(parser.checks) == names
    assert parser.checks["model_construction/mlp :: forward"] == "failed"
    assert parser.checks["model_construction/mlp :: names"] == "passed"


def test_same_seed_same_results_file(tmp_path: Path, buggy: Path) -> None:
    files = []
    for i in range(2):
        out = grade("exercise", "model_construction", "--submission", str(buggy), "--seed", "77",
                    "--json", f"r{i}.json", cwd=tmp_path)
        assert out.returncode == 1
        data = json.loads((tmp_path / f"r{i}.json").read_text())
        data.pop("execution_time")
        files.append(data)
    assert files[0] == files[1]


@pytest.mark.parametrize("args", [("exercise", "no_such_topic"), ("exercise", "model_construction/nope"),
                                  ("exercise", "all", "--seed", "-3"), ("frobnicate",)])
def test_usage_errors_exit_two(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = grade(*args, cwd=tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
