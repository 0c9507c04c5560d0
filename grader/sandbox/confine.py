"""Confine a freshly forked worker, in order, while it is still single-threaded.

1. its own session and process group (the judge SIGKILLs the group);
2. rlimits (memory, CPU time, file size, open files, core dumps, processes);
3. new user + network + IPC namespaces (:mod:`grader.sandbox.namespaces`);
4. Landlock (:mod:`grader.sandbox.landlock`): read-only Python, the installed
   packages, the grader's own package and the submission; read-write the
   scratch directory only; no TCP; no signals outside the worker;
5. seccomp (:mod:`grader.sandbox.seccomp`): no sockets, exec, new processes,
   ptrace or signals to other processes.

Each layer the machine lacks is skipped and said in ``problems``; what was
applied is returned as a :class:`~grader.sandbox.policy.Confinement`.

Example:
    >>> rules = file_rules(submission="/tmp/sub", scratch="/tmp/scratch", pid=1234)
    >>> "/tmp/scratch" in rules.write and "/tmp/sub" in rules.read and "/proc/1234" in rules.read
    True
"""
from __future__ import annotations

import functools
import glob
import os
import site
import sys
import sysconfig
from pathlib import Path

from grader.sandbox import landlock, namespaces, seccomp
from grader.sandbox.limits import Limits, apply_limits
from grader.sandbox.policy import Confinement, SandboxPolicy

__all__ = ["confine", "file_rules", "prepare", "python_paths"]

# System files that Python, glibc, NumPy and torch read lazily (thread counts, CPU features,
# time zone, the dynamic loader's cache). Nothing here is the project's or a student's.
_SYSTEM_READ = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", "/usr/share/zoneinfo",
                "/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group",
                "/dev/urandom", "/dev/random", "/dev/zero", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat",
                "/proc/sys/vm/overcommit_memory", "/proc/sys/kernel/osrelease",
                "/sys/devices/system/cpu", "/sys/devices/system/node", "/sys/kernel/mm/transparent_hugepage",
                "/sys/fs/cgroup")
_SYSTEM_WRITE = ("/dev/null", "/dev/full")
_CUDA_READ = ("/proc/driver/nvidia", "/sys/bus/pci", "/sys/devices")
_CUDA_DEVICES = ("/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset")


@functools.cache
def python_paths() -> tuple[str, ...]:
    """Python's own files and the installed packages (what the worker may read), plus the
    grader package itself — never the project folder around it (it holds ``solutions/``).

    Example:
        >>> any(p.endswith("site-packages") for p in python_paths())
        True
    """
    import grader

    paths = [sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    paths += site.getsitepackages() + [site.getusersitepackages()]
    paths += [p for p in sys.path if p.endswith(".zip")]
    paths += [os.path.join(sys.base_prefix, "lib"), os.path.join(sys.prefix, "lib")]
    paths.append(str(Path(grader.__file__).resolve().parent))
    return tuple(dict.fromkeys(os.path.realpath(p) for p in paths if p))


def _cuda_devices() -> tuple[str, ...]:
    return _CUDA_DEVICES + tuple(sorted(glob.glob("/dev/nvidia[0-9]*")))


def file_rules(*, submission: str, scratch: str, pid: int, cuda: bool = False) -> landlock.FsRules:
    """The Landlock rules of one worker: read ``submission``, write ``scratch``, and what
    Python and torch need (its own ``/proc/<pid>``, a few system files).

    Example:
        >>> from grader.paths import project_root
        >>> str(project_root() / "solutions") in file_rules(submission="s", scratch="t", pid=1).read
        False
    """
    from grader.paths import project_root

    project = str(project_root())
    # a Python installed above the project folder must not open it (solutions/, reports/)
    read = tuple(p for p in (*python_paths(), *_SYSTEM_READ) if not (project + "/").startswith(p.rstrip("/") + "/"))
    read += (f"/proc/{pid}", os.path.realpath(submission))
    if cuda:
        read += _CUDA_READ
    return landlock.FsRules(read=read, write=(*_SYSTEM_WRITE, os.path.realpath(scratch)),
                            devices=_cuda_devices() if cuda else ())


def prepare() -> None:
    """Work done once in the fork server, inherited by every worker: load libseccomp and
    find Python's paths (a worker must not need to read the file system for them)."""
    seccomp.available()
    python_paths()


def confine(*, submission: str, scratch: str, limits: Limits, policy: SandboxPolicy,
            cuda: bool = False) -> Confinement:
    """Apply every layer ``policy`` asks for and the machine has; returns what was applied."""
    protections: list[str] = []
    layers: set[str] = set()
    problems: list[str] = []
    try:
        os.setsid()
        protections.append("own session and process group (killed as a group)")
        layers.add("session")
    except OSError as exc:
        problems.append(f"setsid: {exc}")
    if policy.seccomp:
        seccomp.available()  # load libseccomp before Landlock hides it
    limited = apply_limits(limits, address_space=not cuda)
    protections += limited
    if limited:
        layers.add("rlimits")
    if policy.namespaces:
        entered = namespaces.enter_namespaces()
        protections += entered
        layers.update(name.split(" (")[0] for name in entered)
        if not any(n.startswith("network") for n in entered):
            problems.append("network namespace: unshare refused by this machine")
    if policy.landlock:
        try:
            rules = file_rules(submission=submission, scratch=scratch, pid=os.getpid(), cuda=cuda)
            applied = landlock.restrict_self(rules)
            protections += applied
            layers.add("landlock")
            if any("TCP" in a for a in applied):
                layers.add("landlock network")
        except landlock.LandlockUnavailable as exc:
            problems.append(f"Landlock: {exc}")
    if policy.seccomp:
        try:
            protections += seccomp.install(os.getpid())
            layers.add("seccomp")
        except seccomp.SeccompUnavailable as exc:
            problems.append(f"seccomp: {exc}")
    return Confinement(tuple(protections), frozenset(layers), tuple(problems))
