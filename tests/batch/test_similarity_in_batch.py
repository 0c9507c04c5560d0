"""A real ``grade batch`` lists the planted copies in summary.json and the class report; --no-similarity turns it off."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.batch.conftest import SEED, TARGET, batch_command


def test_batch_ranks_the_copies_first(similar_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, proc = similar_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    pairs = summary["similarity"]
    assert {(p["a"], p["b"]) for p in pairs if p["flagged"]} == {("ivy", "jon"), ("ivy", "kim"), ("jon", "kim")}
    assert all(set(p) == {"exercise", "a", "b", "score", "flagged"} and p["exercise"] == TARGET for p in pairs)
    assert [p["score"] for p in pairs] == sorted((p["score"] for p in pairs), reverse=True)
    assert not any("eve" in (p["a"], p["b"]) for p in pairs), "a refused submission is not compared"
    assert not any("ann" in (p["a"], p["b"]) or "bob" in (p["a"], p["b"]) for p in pairs)
    assert summary["similarity_settings"]["enabled"] is True and summary["similarity_settings"]["threshold"] == 0.6
    page = (out / "index.html").read_text()
    assert 'id="similarity"' in page and 'data-a="ivy" data-b="jon"' in page and "<mark>" in page
    assert "model_construction/mlp.ipynb" in page, "kim's notebook is shown as a notebook"
    assert 'id="pass-rate-chart"' in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page


def test_no_similarity_turns_it_off(similar_run: tuple[Path, subprocess.CompletedProcess[str]],
                                    tmp_path: Path) -> None:
    out, _ = similar_run
    again = tmp_path / "graded"
    shutil.copytree(out, again)
    submissions = out.parent / "submissions"
    proc = batch_command(str(submissions), "--out", str(again), "--seed", str(SEED), "--only", TARGET,
                         "--no-similarity", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads((again / "summary.json").read_text())
    assert summary["similarity"] == [] and summary["similarity_settings"] == {"enabled": False}
    assert summary["counts"]["graded_now"] == 0, "the students were reused, only the class files were written"
    assert "Not computed" in (again / "index.html").read_text()
