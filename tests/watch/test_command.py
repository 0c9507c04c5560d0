"""`grade watch` as a student runs it: real saves of a .py file and of a notebook, a compact
verdict with what changed, and a clean exit on Ctrl-C."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.notebooks.conftest import code, solution, write_notebook

MLP = solution("model_construction/mlp")
NO_RELU = MLP.replace("self.output(F.relu(self.hidden(X)))", "self.output(self.hidden(X))")


class Watcher:
    """A `grade watch` process and the lines it prints."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-u", "-m", "grader.cli", "watch", *args], cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, text: str, timeout: float = 120) -> list[str]:
        """Lines printed up to and including the first that contains ``text``."""
        got: list[str] = []
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got
        raise AssertionError(f"{text!r} not printed; output so far:\n" + "\n".join(self.seen))

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=60)


def _save(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)  # as editors save


def test_watch_regrades_a_py_file_on_save_and_says_what_changed(tmp_path: Path) -> None:
    mlp = tmp_path / "sub" / "model_construction" / "mlp.py"
    mlp.parent.mkdir(parents=True)
    mlp.write_text(MLP)
    watcher = Watcher("model_construction/mlp", "--submission", str(tmp_path / "sub"), "--seed", "1", cwd=tmp_path)
    try:
        first = watcher.until("watching")
        assert "✓ model_construction/mlp  6/6" in first
        _save(mlp, NO_RELU)
        second = watcher.until("watching")
        assert any(line.startswith("✗ model_construction/mlp  3/6  failing: forward (model_construction/mlp.py:")
                   for line in second), second
        assert "  newly failing: model_construction/mlp :: forward" in second
        _save(mlp, MLP)
        third = watcher.until("watching")
        assert "  newly passing: model_construction/mlp :: forward" in third
        (tmp_path / "sub" / "notes.txt").write_text("not code\n")  # not a source: no re-grade
        _save(mlp, MLP + "\n# a comment\n")
        fourth = watcher.until("watching")
        assert "  no check changed" in fourth and "graded 1 exercise(s)" in fourth[0]
    finally:
        status = watcher.stop()
    assert status == 0
    assert watcher.until("stopped watching.")


def test_watch_regrades_a_topic_notebook(tmp_path: Path) -> None:
    nb = write_notebook(tmp_path / "sub" / "model_construction.ipynb", [code(NO_RELU)])
    watcher = Watcher("model_construction/mlp", "--submission", str(tmp_path / "sub"), "--seed", "2", cwd=tmp_path)
    try:
        first = watcher.until("watching")
        assert any("failing: forward (model_construction.ipynb, cell 1, line" in line for line in first), first
        write_notebook(nb.with_name("draft.ipynb"), [code("%matplotlib inline"), code(MLP)])
        os.replace(nb.with_name("draft.ipynb"), nb)
        second = watcher.until("watching")
        assert "✓ model_construction/mlp  6/6" in second
        assert "  newly passing: model_construction/mlp :: forward" in second
    finally:
        assert watcher.stop() == 0
