"""The fork server's housekeeping of processes: it is a child subreaper, and whatever a worker
leaves behind (its orphans, re-parented to the server) is killed.

Example:
    >>> import os
    >>> os.getpid() not in children()   # a process is not its own child
    True
    >>> sweep(children())               # every child is a live worker: nothing to kill
"""
from __future__ import annotations

import os
import signal

__all__ = ["become_subreaper", "kill_group", "children", "sweep"]


def become_subreaper() -> bool:
    from grader.sandbox.libc import PR_SET_CHILD_SUBREAPER, prctl

    try:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        return True
    except OSError:
        return False


def kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass


def children() -> set[int]:
    """Pids of this process's children (orphans re-parented here included)."""
    me = os.getpid()
    try:
        found = set()
        for tid in os.listdir(f"/proc/{me}/task"):
            with open(f"/proc/{me}/task/{tid}/children") as fh:
                found.update(int(p) for p in fh.read().split())
        return found
    except OSError:
        pass
    found = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me:
            found.add(int(entry.name))
    return found


def sweep(workers: set[int]) -> None:
    """SIGKILL every child that is not a live worker: orphans a worker left behind."""
    for pid in children() - workers:
        kill_group(pid)
