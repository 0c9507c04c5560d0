"""Landlock: a file-system view and network rules for the calling process, without root.

The kernel's Landlock LSM lets an unprivileged process restrict itself (and
everything it later starts) to the paths it names: here, read-only access to
Python, the installed packages, the grader's own code and the submission;
read-write access to the exercise's scratch directory only. From ABI 4 on,
TCP ``bind``/``connect`` are denied (no port is allowed); from ABI 6 on, the
process cannot signal, nor reach the abstract Unix sockets of, processes
outside its domain (the judge, the fork server, other workers).

The rules hold per thread: :func:`restrict_self` must run while the process
is single-threaded (the worker applies it right after the fork).

Example:
    >>> abi_version() >= 0
    True
    >>> rules = FsRules(read=("/usr",), write=("/tmp/scratch",))
    >>> rules.read
    ('/usr',)
"""
from __future__ import annotations

import ctypes
import os
import stat
from dataclasses import dataclass

from grader.sandbox.libc import PR_SET_NO_NEW_PRIVS, prctl, syscall

__all__ = ["FsRules", "abi_version", "restrict_self", "LandlockUnavailable"]

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH, _RULE_NET_PORT = 1, 2

# file-system access rights, and the ABI that introduced each
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_REMOVE_DIR, _REMOVE_FILE, _MAKE_CHAR, _MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
_MAKE_REG, _MAKE_SOCK, _MAKE_FIFO, _MAKE_BLOCK, _MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV

_READ = _READ_FILE | _READ_DIR
_WRITE = (_WRITE_FILE | _REMOVE_DIR | _REMOVE_FILE | _MAKE_DIR | _MAKE_REG | _MAKE_SYM | _REFER | _TRUNCATE)
_DEVICE = _READ_FILE | _WRITE_FILE | _IOCTL_DEV

_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1


class LandlockUnavailable(OSError):
    """The kernel has no Landlock (or it is disabled), or a rule could not be added."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


@dataclass(frozen=True)
class FsRules:
    """Which paths a confined process may read, write, or use as devices.

    ``read``: read files and list directories beneath each path (no execute);
    ``write``: everything but execute beneath each path (create, remove,
    write, truncate, link within it); ``devices``: read, write and ioctl on
    these device files. A path that does not exist is skipped.
    """

    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()


def abi_version() -> int:
    """The Landlock ABI the kernel offers; 0 when it has none.

    Example:
        >>> isinstance(abi_version(), int)
        True
    """
    try:
        return syscall(_SYS_CREATE_RULESET, None, 0, _CREATE_RULESET_VERSION)
    except OSError:
        return 0


def _add_path(ruleset: int, path: str, access: int, handled: int) -> bool:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            access &= _FILE_ONLY
        attr = _PathBeneathAttr(allowed_access=access & handled, parent_fd=fd)
        if attr.allowed_access:
            syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.c_void_p(ctypes.addressof(attr)), 0)
        return True
    finally:
        os.close(fd)


def restrict_self(rules: FsRules, *, abi: int | None = None) -> list[str]:
    """Confine the calling thread (and its future children) to ``rules``; returns what was applied.

    Raises :class:`LandlockUnavailable` when the kernel has no Landlock.

    Example:
        >>> restrict_self(FsRules(read=("/usr",), write=("/tmp/x",)))  # doctest: +SKIP
        ['Landlock ABI 7: file system limited to 1 read-only paths and 1 writable ones, nothing executable', ...]
    """
    abi = abi_version() if abi is None else abi
    if abi < 1:
        raise LandlockUnavailable("the kernel offers no Landlock")
    handled_fs = _FS_BY_ABI.get(abi, _FS_BY_ABI[5])
    handled_net = (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0
    scoped = (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0
    attr = _RulesetAttr(handled_access_fs=handled_fs, handled_access_net=handled_net, scoped=scoped)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    try:
        ruleset = syscall(_SYS_CREATE_RULESET, ctypes.c_void_p(ctypes.addressof(attr)), size, 0)
    except OSError as exc:
        raise LandlockUnavailable(f"landlock_create_ruleset failed: {exc}") from None
    try:
        counts = {"read": 0, "write": 0, "devices": 0}
        for kind, paths, access in (("read", rules.read, _READ), ("write", rules.write, _READ | _WRITE),
                                    ("devices", rules.devices, _DEVICE)):
            for path in dict.fromkeys(paths):
                counts[kind] += _add_path(ruleset, path, access, handled_fs)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        syscall(_SYS_RESTRICT_SELF, ruleset, 0)
    except OSError as exc:
        raise LandlockUnavailable(f"Landlock could not be applied: {exc}") from None
    finally:
        os.close(ruleset)
    devices = f", {counts['devices']} devices" if counts["devices"] else ""
    applied = [f"Landlock ABI {abi}: file system limited to {counts['read']} read-only paths and "
               f"{counts['write']} writable ones{devices}, nothing executable"]
    if handled_net:
        applied.append("Landlock: no TCP bind/connect")
    if scoped:
        applied.append("Landlock: no signals or abstract Unix sockets outside the worker")
    return applied
