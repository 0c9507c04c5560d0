"""`grade batch` as an instructor runs it: outputs, exit codes, resuming, grader faults."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from tests.batch.conftest import REFUSED, SEED, STUDENTS, TARGET, batch_command, make_class

CleanRun = tuple[Path, subprocess.CompletedProcess[str]]


class _Page(HTMLParser):
    """Collects links, student rows and external references of the class report."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.rows: dict[str, str] = {}
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "tr" and a.get("data-student"):
            self.rows[a["data-student"] or ""] = a.get("data-status") or ""
        for attr in ("src", "href"):
            if (a.get(attr) or "").startswith(("http:", "https:", "//")):
                self.external.append(a[attr] or "")


def test_class_is_graded_one_bad_submission_never_stops_it(clean_run: CleanRun) -> None:
    out, proc = clean_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for student in STUDENTS:
        data = json.loads((out / student / "results.json").read_text())
        assert data["extra_data"]["seed"] == SEED
        assert {t["name"].split(" :: ")[0] for t in data["tests"]} == {TARGET}
        assert (out / student / "report.html").read_text().startswith("<!DOCTYPE html>")
    scores = {s: json.loads((out / s / "results.json").read_text())["score"] for s in STUDENTS}
    assert scores["ann"] == scores["dan"] == scores["fay"] == 6  # dan.zip: enclosing folder accepted
    assert scores["bob"] == scores["hal"] == scores["eve"] == scores["gus"] == 0
    assert 0 < scores["cat"] < 6
    assert "README.txt" in proc.stdout  # ignored entries are listed
    assert "0 grader faults" in proc.stdout and "GRADER FAULT" not in proc.stdout


def test_refused_archives_say_why(clean_run: CleanRun, class_dir: Path, tmp_path: Path) -> None:
    out, proc = clean_run
    for student, reason in (("eve", "outside its folder"), ("gus", "link")):
        data = json.loads((out / student / "results.json").read_text())
        assert data["score"] == 0
        assert all(reason in t["output"] and "Submission refused" in t["output"] for t in data["tests"])
        assert f"{student}: Submission refused" in proc.stdout
    assert not (out.parent / "outside.py").exists() and not list(out.parent.rglob("outside.py"))
    # positive controls: eve.zip does aim a member there, and the same search finds such a file
    with zipfile.ZipFile(class_dir / "eve.zip") as zf:
        assert "../../outside.py" in zf.namelist()
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "outside.py").write_text("print('escaped')\n")
    assert list(tmp_path.rglob("outside.py")) == [tmp_path / "a" / "b" / "outside.py"]


def test_gradebook_and_summary(clean_run: CleanRun) -> None:
    out, _ = clean_run
    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    assert [r["student"] for r in rows] == list(STUDENTS)
    assert list(rows[0]) == ["student", "total", TARGET, "status", "track"]
    by = {r["student"]: r for r in rows}
    assert by["ann"]["total"] == by["ann"][TARGET] == "6"
    assert {s for s, r in by.items() if r["status"] == "refused"} == set(REFUSED)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == SEED and summary["target"] == TARGET
    assert summary["grader_version"] and summary["fingerprint"].startswith(summary["grader_version"])
    assert summary["counts"] == {"students": 8, "graded_now": 8, "reused": 0, "refused": 2, "faults": 0}
    assert summary["protections"], "the protections that were active are recorded"
    forward = next(c for c in summary["checks"] if c["check"] == "forward")
    assert forward["failed"] >= 3 and forward["top_messages"]
    assert any("ReLU" in m["message"] for m in forward["top_messages"])  # the hint names the mistake


def test_class_report_links_every_student_and_loads_nothing(clean_run: CleanRun) -> None:
    out, _ = clean_run
    page = (out / "index.html").read_text()
    parser = _Page()
    parser.feed(page)
    assert set(parser.rows) == set(STUDENTS)
    assert {parser.rows[s] for s in REFUSED} == {"refused"}
    for student in STUDENTS:
        assert f"{student}/report.html" in parser.links
        assert (out / student / "report.html").is_file()
    assert parser.external == []
    assert f"<code>{SEED}</code>" in page and "RLIMIT_AS" in page  # seed and protections shown
    assert "What to re-teach" in page and "<svg" in page


def test_rerun_reuses_everything(clean_run: CleanRun, class_dir: Path) -> None:
    out, _ = clean_run
    before = {s: (out / s / "results.json").read_text() for s in STUDENTS}
    rerun = CliRunner().invoke(main, ["batch", str(class_dir), "--out", str(out), "--only", TARGET])
    assert rerun.exit_code == 0, rerun.output
    assert "0 graded now, 8 reused" in rerun.output  # no --seed: the batch's own seed is reused
    assert {s: (out / s / "results.json").read_text() for s in STUDENTS} == before


def test_force_regrades(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    (subs / "eve").mkdir(parents=True)  # an empty folder: every file missing, graded quickly
    runner = CliRunner()
    args = ["batch", str(subs), "--out", str(tmp_path / "out"), "--only", TARGET, "--seed", "1", "--jobs", "1"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "1 graded now" in first.output
    assert "0 graded now, 1 reused" in runner.invoke(main, args).output
    assert "1 graded now, 0 reused" in runner.invoke(main, [*args, "--force"]).output


@pytest.mark.parametrize("args, message", [
    (["--only", "no_such_topic"], "unknown"),
    (["--jobs", "0"], "jobs"),
    (["--executor", "dask"], "--scheduler"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--executor dask"),
    (["--seed", "-1"], "seed"),
])
def test_usage_errors_exit_two(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "subs"), "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_usage_errors_about_folders_exit_two(tmp_path: Path) -> None:
    (tmp_path / "subs").mkdir()
    runner = CliRunner()
    empty = runner.invoke(main, ["batch", str(tmp_path / "subs"), "--out", str(tmp_path / "o")])
    assert empty.exit_code == 2 and "no submissions" in empty.output
    (tmp_path / "subs" / "ann").mkdir()
    inside = runner.invoke(main, ["batch", str(tmp_path / "subs"), "--out", str(tmp_path / "subs" / "o")])
    assert inside.exit_code == 2 and "inside SUBMISSIONS" in inside.output
    missing = runner.invoke(main, ["batch", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 2


def test_grader_fault_exits_one_reported_apart_and_is_regraded(tmp_path: Path) -> None:
    """References missing (a grader problem): every check is a grader fault, exit 1; a refusal is not one."""
    subs = make_class(tmp_path / "subs")
    for path in subs.iterdir():
        if path.name not in ("ann", "eve.zip"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    out = tmp_path / "out"
    broken = batch_command(str(subs), "--out", str(out), "--only", TARGET, "--seed", "2", "--jobs", "1",
                           cwd=tmp_path, env={"GRADE_SOLUTIONS": str(tmp_path / "no_refs")})
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "GRADER FAULTS" in broken.stdout and "ann:" in broken.stdout.split("GRADER FAULTS")[1]
    assert "eve" not in broken.stdout.split("GRADER FAULTS")[1]  # refused is the student's, not a fault
    summary = json.loads((out / "summary.json").read_text())
    assert [f["student"] for f in summary["faults"]] == ["ann"]
    assert [r["student"] for r in summary["refused"]] == ["eve"]
    ann = json.loads((out / "ann" / "results.json").read_text())
    assert {t["extra_data"]["status"] for t in ann["tests"]} == {"error"}
    assert "grader fault" in (out / "index.html").read_text().lower()
    fixed = CliRunner().invoke(main, ["batch", str(subs), "--out", str(out), "--only", TARGET, "--seed", "2",
                                      "--jobs", "1"])
    assert fixed.exit_code == 0, fixed.output
    assert json.loads((out / "ann" / "results.json").read_text())["score"] == 6
