"""The judge's own operations on a worker's scratch directory cannot be led outside it or blocked."""
from __future__ import annotations

import os
import pickle
import threading

import pytest

from grader.sandbox.scratch import inside, run_op, usage
from grader.tracks.pytorch import scratch as _pytorch_scratch  # noqa: F401 - registers plant_pickles


def test_paths_that_leave_the_scratch_directory_are_refused(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "link").symlink_to(tmp_path)  # a folder link planted by the student
    for path in ("../x", "/etc/passwd", "link/x", "a/../../x"):
        with pytest.raises(ValueError, match="outside the scratch directory"):
            inside(scratch, path)
    assert inside(scratch, "a.pt") == scratch.resolve() / "a.pt"
    assert run_op(scratch, "remove", {"path": "../victim"})["removed"] is False


def test_planting_replaces_links_and_fifos_instead_of_following_them(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (scratch / "planted.pt").symlink_to(victim)
    os.mkfifo(scratch / "planted.pkl")
    done = threading.Event()

    def plant() -> None:
        run_op(scratch, "plant_pickles", {"base": "planted", "marker": "RAN"})
        done.set()

    threading.Thread(target=plant, daemon=True).start()
    assert done.wait(10), "planting blocked on a FIFO"
    assert victim.read_text() == "keep me"
    assert not (scratch / "planted.pt").is_symlink() and (scratch / "planted.pkl").is_file()
    with open(scratch / "planted.pkl", "rb") as fh:
        assert fh.read(1) == pickle.PROTO  # written, never read back by the judge
    assert not (scratch / "RAN").exists()


def test_usage_counts_bytes_and_entries(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_bytes(b"x" * 100_000)
    used = usage([tmp_path])
    assert used.entries == 2 and used.bytes >= 100_000
