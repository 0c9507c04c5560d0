"""Resource limits for a worker, and the record of which protections were applied.

Example:
    >>> Limits(timeout=30).cpu_seconds
    35
"""
from __future__ import annotations

import os
import resource
import signal
from dataclasses import dataclass

__all__ = ["Limits", "apply_limits"]


@dataclass(frozen=True)
class Limits:
    """Limits of one worker. ``timeout`` is the exercise's wall-clock budget (s);
    ``memory`` the address space a worker may add to what it inherits (bytes)."""

    timeout: float = 60.0
    memory: int = 3 * 1024**3
    max_output: int = 64 * 1024
    max_file_size: int = 256 * 1024**2
    max_open_files: int = 256
    max_message: int = 256 * 1024**2
    max_new_tasks: int = 64
    max_disk: int = 1024**3
    max_disk_entries: int = 10_000

    def __post_init__(self) -> None:
        if not self.timeout > 0:
            raise ValueError(f"timeout must be positive, got {self.timeout!r}")
        if self.memory < 64 * 1024**2:
            raise ValueError(f"memory must be at least 64 MiB, got {self.memory!r}")

    @property
    def cpu_seconds(self) -> int:
        return int(self.timeout) + 5


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _user_tasks(uid: int) -> int:
    """How many tasks (processes and threads) ``uid`` runs now: what RLIMIT_NPROC counts."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                continue
    return count


def apply_limits(limits: Limits, *, address_space: bool = True) -> list[str]:
    """Apply rlimits to the calling (worker) process; returns the protections applied.
    ``address_space=False`` leaves RLIMIT_AS off (CUDA maps huge virtual ranges).
    RLIMIT_NPROC (the user's tasks now plus ``max_new_tasks``) only where not root:
    root ignores it.

    Example:
        >>> Limits().max_new_tasks
        64
    """
    applied = []

    def setlimit(name: str, which: int, value: int) -> None:
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
            applied.append(name)
        except (ValueError, OSError):
            pass

    vm = _vm_size()
    if vm and address_space:
        setlimit(f"memory limit (RLIMIT_AS, +{limits.memory // 1024**2} MiB)",
                 resource.RLIMIT_AS, vm + limits.memory)
    setlimit(f"CPU time limit (RLIMIT_CPU, {limits.cpu_seconds} s)", resource.RLIMIT_CPU, limits.cpu_seconds)
    setlimit(f"file size limit (RLIMIT_FSIZE, {limits.max_file_size // 1024**2} MiB)",
             resource.RLIMIT_FSIZE, limits.max_file_size)
    setlimit(f"open files limit (RLIMIT_NOFILE, {limits.max_open_files})",
             resource.RLIMIT_NOFILE, limits.max_open_files)
    setlimit("no core dumps (RLIMIT_CORE)", resource.RLIMIT_CORE, 0)
    if os.getuid() != 0:
        setlimit(f"process limit (RLIMIT_NPROC, +{limits.max_new_tasks} tasks)", resource.RLIMIT_NPROC,
                 _user_tasks(os.getuid()) + limits.max_new_tasks)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return applied
