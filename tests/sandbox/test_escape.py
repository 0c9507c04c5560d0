"""Nothing a submission starts outlives its exercise: a ``sleep 600`` child, a double-forked
``setsid()`` grandchild (out of the worker's process group and session), with and without
the layers that forbid starting them at all."""
from __future__ import annotations

import time
import uuid

import pytest

from grader.sandbox.limits import Limits
from grader.sandbox.policy import SandboxPolicy
from grader.tracks.pytorch.worker.specs import ex
from tests.sandbox.procs import MARK_SOURCE, survivors

SPAWN = '''
import os, subprocess, sys, time

def spawn():
    started = []
    try:
        subprocess.Popen(["sleep", "600"], env=dict(os.environ), start_new_session=True)
        started.append("sleep 600")
    except OSError as exc:
        started.append(f"sleep refused: {exc.errno}")
    try:
        pid = os.fork()
    except OSError as exc:
        started.append(f"fork refused: {exc.errno}")
        return started
    if pid == 0:                      # child: leave the session, fork again, exit
        os.setsid()
        if os.fork() == 0:            # grandchild: re-parented, in its own session
            time.sleep(600)
        os._exit(0)
    os.waitpid(pid, 0)
    started.append("double fork")
    return started

def probe():
    return spawn()

def hang():
    spawn()
    while True:
        pass
'''


def _submission(tmp_path, marker):
    sub = tmp_path / f"sub_{marker}"
    sub.mkdir()
    (sub / "probe_mod.py").write_text(MARK_SOURCE.format(marker=marker) + SPAWN)
    return sub


def test_children_and_setsid_grandchildren_die_with_the_worker(pool, tmp_path):
    """Without seccomp and Landlock (so that fork and exec work), the process group kill and
    the fork server's sweep of re-parented orphans still leave nothing behind."""
    marker = "esc" + uuid.uuid4().hex[:12]
    sub = _submission(tmp_path, marker)
    worker = pool.start(submission_root=sub, limits=Limits(timeout=30),
                        sandbox=SandboxPolicy(seccomp=False, landlock=False))
    with worker:
        worker.request("import", module="probe_mod")
        started = worker.request("value", spec=ex.probe().node)["value"]
        assert started == ["sleep 600", "double fork"]
        time.sleep(0.2)
        assert len(survivors(marker, wait=0)) >= 3  # the worker, sleep, the grandchild
    assert survivors(marker) == []


def test_a_timed_out_worker_takes_its_descendants_along(pool, tmp_path):
    marker = "esc" + uuid.uuid4().hex[:12]
    sub = _submission(tmp_path, marker)
    worker = pool.start(submission_root=sub, limits=Limits(timeout=1.5),
                        sandbox=SandboxPolicy(seccomp=False, landlock=False))
    with worker:
        worker.request("import", module="probe_mod")
        with pytest.raises(Exception, match="time limit exceeded"):
            worker.request("value", spec=ex.hang().node)
    assert survivors(marker) == []


def test_with_every_layer_nothing_can_be_started(pool, tmp_path, needs):
    needs("seccomp")
    marker = "esc" + uuid.uuid4().hex[:12]
    sub = _submission(tmp_path, marker)
    with pool.start(submission_root=sub, limits=Limits(timeout=30)) as worker:
        worker.request("import", module="probe_mod")
        assert worker.request("value", spec=ex.probe().node)["value"] == ["sleep refused: 1", "fork refused: 1"]
    assert survivors(marker) == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def test_workers_die_with_their_fork_server_and_the_pool_starts_another(tmp_path):
    from grader.sandbox.client import WorkerPool

    with WorkerPool() as pool:
        worker = pool.start(submission_root=tmp_path, limits=Limits(timeout=60))
        server = pool._server
        assert server is not None
        assert _alive(worker.pid)  # positive control: the same check sees the worker while it lives
        server._proc.kill()  # e.g. the machine's OOM killer
        server._proc.wait()
        deadline = time.monotonic() + 3
        while _alive(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(worker.pid)
        worker.close()
        with pool.start(submission_root=tmp_path, limits=Limits(timeout=60)) as fresh:
            assert fresh.request("ping")["pid"] == fresh.pid
        assert pool._server is not server


def test_a_judge_that_goes_away_leaves_no_worker_and_no_folder(tmp_path):
    from grader.sandbox.client import WorkerPool

    pool = WorkerPool()
    worker = pool.start(submission_root=tmp_path, limits=Limits(timeout=60))
    assert worker.scratch.is_dir() and worker.log_dir.is_dir()
    assert _alive(worker.pid)  # positive control: the same check sees the worker while it lives
    pool.close()  # the judge's end of the control socket closes, as when the judge is killed
    assert not _alive(worker.pid)
    assert not worker.scratch.exists() and not worker.log_dir.exists()
