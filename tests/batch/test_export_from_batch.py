"""``grade export`` on a real batch output, with a roster that lacks some submissions and has extra students."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from tests.batch.conftest import REFUSED


def _export(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", "export", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))


ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section
"Ann A",1,S1,ann,A
"Bob B",2,S2,bob,A
"Cat C",3,S3,cat,A
"Eve E",5,S5,eve,B
"Nia N",9,S9,nia,B
"""


def test_canvas_export_of_a_batch(clean_run: tuple[Path, object], tmp_path: Path) -> None:
    out, _ = clean_run
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    proc = _export("canvas", str(out), "--roster", str(roster), "--assignment", "Lab 1", "--per-exercise",
                   "--out", str(tmp_path / "canvas.csv"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO((tmp_path / "canvas.csv").read_text())))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 1",
                       "Lab 1: model_construction/mlp"]
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) > 0
    grades = {r[3]: r[5:] for r in rows[2:]}
    assert list(grades) == ["ann", "bob", "cat", "eve", "nia"]
    assert grades["ann"] == [rows[1][5], rows[1][5]], "the reference solution gets full marks"
    assert grades["bob"] == ["0", "0"] and float(grades["cat"][0]) < float(rows[1][5])
    assert grades["eve"] == ["", ""] and grades["nia"] == ["", ""], "refused and missing: empty, never 0"
    err = proc.stderr
    assert "no submission" in err and "Nia N (nia)" in err
    assert "not in the roster" in err and all(f"  {s}" in err for s in ("dan", "fay", "hal", "gus"))
    assert "Refused" in err and "  eve" in err and set(REFUSED) == {"eve", "gus"}


def test_moodle_and_csv_exports_of_a_batch(clean_run: tuple[Path, object], tmp_path: Path) -> None:
    out, _ = clean_run
    proc = _export("moodle", str(out), "--moodle-id", "username", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    header, *rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert header == ["Username", "Deep Learning Computation", "Deep Learning Computation (feedback)"]
    by_user = {r[0]: r for r in rows}
    assert set(by_user) == {"ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal"}
    assert by_user["eve"][1:] == ["", ""] and by_user["gus"][1] == ""
    assert "points" in by_user["ann"][2] and by_user["ann"][1] != ""
    plain = _export("csv", str(out), cwd=tmp_path)
    assert plain.returncode == 0 and plain.stdout == (out / "grades.csv").read_text()
    bad = _export("csv", str(out), "--roster", "x.csv", cwd=tmp_path)
    assert bad.returncode == 2 and "for canvas and moodle" in bad.stderr
    missing = _export("canvas", str(tmp_path), cwd=tmp_path)
    assert missing.returncode == 2 and "finished grade batch" in missing.stderr
