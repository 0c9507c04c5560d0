"""seccomp: system calls a worker may not make, through libseccomp (ctypes on libseccomp.so.2).

Denied calls fail with ``EPERM`` (Python raises ``PermissionError``: a clear
error for the student, not a killed process):

- new sockets (``socket`` of any family: ``AF_INET``, ``AF_INET6``, ``AF_UNIX``...)
  and ``io_uring`` (which could open sockets behind seccomp's back);
- running programs (``execve``, ``execveat``);
- new processes (``fork``, ``vfork``, ``clone`` without ``CLONE_THREAD``;
  ``clone3`` answers ``ENOSYS`` so that the C library falls back to ``clone``
  for threads): nothing a submission starts can outlive it;
- touching other processes (``ptrace``, ``process_vm_readv/writev``, pidfd
  calls, ``kcmp``; signals to any process but itself; ``prlimit64`` and
  ``setpriority`` on another process);
- administration (mount, namespaces, modules, keyrings, BPF, perf, ...).

Example:
    >>> available() in (True, False)
    True
    >>> install(os.getpid())        # doctest: +SKIP
    ['seccomp: no sockets, no exec, no fork, no ptrace, ...']
"""
from __future__ import annotations

import ctypes
import errno
import functools
import os

from grader.sandbox.libc import CLONE_THREAD

__all__ = ["available", "install", "SeccompUnavailable", "DENIED"]

_ACT_ALLOW = 0x7FFF0000
_CMP_NE, _CMP_EQ, _CMP_MASKED_EQ = 1, 4, 7
_ATTR_OPTIMIZE = 8


def _errno(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


class SeccompUnavailable(OSError):
    """libseccomp is missing, or the kernel refused the filter."""


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


# syscalls denied whatever their arguments
DENIED: tuple[str, ...] = (
    "socket", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "execve", "execveat",
    "fork", "vfork",
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_getfd", "pidfd_send_signal",
    "kcmp", "tkill",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "move_mount", "open_tree", "fsopen",
    "fsmount", "fsconfig", "fspick", "mount_setattr",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "acct", "quotactl",
    "syslog", "fanotify_init", "personality",
)


@functools.cache
def _lib() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_rule_add_array.restype = ctypes.c_int
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                           ctypes.POINTER(_ArgCmp)]
    lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_attr_set.restype = ctypes.c_int
    lib.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
    lib.seccomp_load.restype = ctypes.c_int
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.restype = None
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    return lib


def available() -> bool:
    """Whether libseccomp can be loaded (the kernel's support is known only when a filter loads)."""
    return _lib() is not None


def _rules(pid: int) -> list[tuple[str, int, list[tuple[int, int, int, int]]]]:
    """(syscall, action, comparisons): comparisons are ANDed (arg, op, a, b)."""
    eperm = _errno(errno.EPERM)
    rules: list[tuple[str, int, list[tuple[int, int, int, int]]]] = [(name, eperm, []) for name in DENIED]
    rules += [
        ("clone", eperm, [(0, _CMP_MASKED_EQ, CLONE_THREAD, 0)]),  # a process, not a thread
        ("clone3", _errno(errno.ENOSYS), []),  # the C library then uses clone (checked above)
        ("kill", eperm, [(0, _CMP_NE, pid, 0)]),
        ("tgkill", eperm, [(0, _CMP_NE, pid, 0)]),
        ("rt_sigqueueinfo", eperm, [(0, _CMP_NE, pid, 0)]),
        ("rt_tgsigqueueinfo", eperm, [(0, _CMP_NE, pid, 0)]),
        ("prlimit64", eperm, [(0, _CMP_NE, 0, 0)]),
        ("setpriority", eperm, [(1, _CMP_NE, 0, 0)]),
    ]
    return rules


def install(pid: int) -> list[str]:
    """Load the filter into the calling process (``pid`` is its own pid: the only one it may
    signal); also sets no_new_privs. Returns what was applied.

    Raises :class:`SeccompUnavailable` when libseccomp is missing or the filter is refused.
    """
    lib = _lib()
    if lib is None:
        raise SeccompUnavailable("libseccomp.so.2 is not installed")
    ctx = lib.seccomp_init(_ACT_ALLOW)
    if not ctx:
        raise SeccompUnavailable("seccomp_init failed")
    try:
        lib.seccomp_attr_set(ctx, _ATTR_OPTIMIZE, 2)  # a binary tree of syscalls (libseccomp >= 2.5; else ignored)
        for name, action, comparisons in _rules(pid):
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            if nr < 0:
                continue  # not a syscall of this architecture
            array = (_ArgCmp * max(1, len(comparisons)))(*[_ArgCmp(*c) for c in comparisons])
            rc = lib.seccomp_rule_add_array(ctx, action, nr, len(comparisons), array)
            if rc < 0:
                raise SeccompUnavailable(f"seccomp rule for {name} refused: {os.strerror(-rc)}")
        rc = lib.seccomp_load(ctx)
        if rc < 0:
            raise SeccompUnavailable(f"the kernel refused the seccomp filter: {os.strerror(-rc)}")
    finally:
        lib.seccomp_release(ctx)
    return ["seccomp: no sockets, no exec, no new processes, no ptrace, no signals to other processes "
            "(denied calls fail with EPERM)"]
