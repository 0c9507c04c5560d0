"""A batch killed with SIGKILL and run again ends with every student graded once, as in a clean run."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.batch.conftest import SEED, STUDENTS, TARGET, batch_command, comparable


def test_killed_batch_resumes_to_the_clean_result(class_dir: Path, clean_run: tuple[Path, object],
                                                  tmp_path: Path) -> None:
    clean_out, _ = clean_run
    out = tmp_path / "graded"
    args = [str(class_dir), "--out", str(out), "--jobs", "1", "--only", TARGET]
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "batch", *args, "--seed", str(SEED)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    try:
        while len(list(out.glob("*/.grade.json"))) < 2:
            assert proc.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "no student finished in time"
            time.sleep(0.02)
        below = _descendants(proc.pid)  # job processes, fork servers, workers
        assert _alive(below, timeout=0), "positive control: the liveness check sees them while they run"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    done = len(list(out.glob("*/.grade.json")))
    assert 2 <= done < len(STUDENTS), f"killed part-way, not after {done} students"
    assert not (out / "summary.json").exists()
    lingering = _alive(below, timeout=15)
    assert below and not lingering, f"the killed batch's processes exit on their own: {lingering} of {below}"

    killed_grader = json.loads((out / ".batch.json").read_text())["fingerprint"]

    rerun = batch_command(*args, cwd=tmp_path)  # no --seed: the killed batch's seed is reused
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    graded, reused = map(int, re.search(r"(\d+) graded now, (\d+) reused", rerun.stdout).groups())
    if json.loads((out / "summary.json").read_text())["fingerprint"] == killed_grader:
        assert (reused, graded + reused) == (done, len(STUDENTS)), rerun.stdout
    else:  # someone edited the grader meanwhile (it happens while developing): everyone is graded again
        assert (reused, graded) == (0, len(STUDENTS)), rerun.stdout
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(STUDENTS)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    control = tmp_path / "control" / "ann"  # positive control: the same search finds a leftover .tmp
    control.mkdir(parents=True)
    (control / "results.json.tmp").write_text("{}")
    assert [p.name for p in (tmp_path / "control").rglob("*") if p.name.endswith(".tmp")] == ["results.json.tmp"]
    assert comparable(out) == comparable(clean_out)


def _descendants(root: int) -> dict[int, str]:
    """Every process below ``root`` (pid -> command line), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found: dict[int, str] = {}
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found[pid] = _cmdline(pid)
        todo.extend(children.get(pid, []))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _alive(processes: dict[int, str], timeout: float) -> list[int]:
    """Those of ``processes`` still running (same pid, same command line) after up to ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [pid for pid, cmd in processes.items() if cmd and _cmdline(pid) == cmd
                 and "Z" not in _state(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"
