"""rlimits of a worker, including the process limit that applies only where the worker is not root."""
from __future__ import annotations

import json
import os
import resource

import pytest

from grader.sandbox.limits import Limits, apply_limits


def _in_child(uid: int | None) -> dict:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            if uid is not None:
                os.setgid(uid)
                os.setuid(uid)
            applied = apply_limits(Limits(memory=1024**3))
            out = {"applied": applied, "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
                   "core": resource.getrlimit(resource.RLIMIT_CORE)}
            os.write(write, json.dumps(out).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        data = json.loads(fh.read())
    os.waitpid(pid, 0)
    return data


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to become another user")
def test_a_non_root_worker_gets_a_process_limit():
    got = _in_child(65534)
    assert any("RLIMIT_NPROC" in a for a in got["applied"])
    assert 0 < got["nproc"] < 100_000
    assert got["core"] == [0, 0]


def test_limits_are_reported():
    got = _in_child(None)
    names = " ".join(got["applied"])
    for limit in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE"):
        assert limit in names
    assert ("RLIMIT_NPROC" in names) == (os.getuid() != 0)


def test_limits_validate_their_fields():
    with pytest.raises(ValueError, match="timeout must be positive"):
        Limits(timeout=0)
