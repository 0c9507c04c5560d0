"""``safe_load`` runs in a reader worker that never imports student code (grader.sandbox.client):
one reader serves an exercise's reads, one that died is replaced, and closing the worker ends it."""
from __future__ import annotations

import os
import signal
import time

import torch

from grader.sandbox.client import WorkerPool
from grader.sandbox.limits import Limits


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_one_reader_serves_every_read_and_a_dead_one_is_replaced(pool: WorkerPool, tmp_path) -> None:
    with pool.start(submission_root=tmp_path, limits=Limits(timeout=60)) as worker:
        torch.save({"w": torch.ones(2)}, worker.scratch / "a.pt")
        torch.save([1, 2, 3], worker.scratch / "b.pt")
        first = worker.request("safe_load", path="a.pt")
        reader = worker._reader_worker
        assert reader is not None and reader.pid != worker.pid
        assert torch.equal(first["value"]["w"], torch.ones(2)) and first["problem"] is None
        assert worker.request("safe_load", path="b.pt")["value"] == [1, 2, 3]
        assert worker._reader_worker is reader  # the same reader process read both files

        os.kill(reader.pid, signal.SIGKILL)
        died = worker.request("safe_load", path="a.pt")
        assert died["value"] is None and "ended the reader process" in died["problem"]
        again = worker.request("safe_load", path="a.pt")  # a new reader
        assert worker._reader_worker is not reader and torch.equal(again["value"]["w"], torch.ones(2))
        last = worker._reader_worker.pid
    deadline = time.monotonic() + 5
    while _alive(last) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(last), "closing the worker must end its reader"
