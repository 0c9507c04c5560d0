"""Raw Linux calls that Python's standard library does not wrap, through ctypes.

Only what the sandbox needs: ``syscall(2)``, ``prctl(2)`` and ``unshare(2)``
(``os.unshare`` exists only from Python 3.12). Each returns the call's result
or raises :class:`OSError` with the errno, like the ``os`` module does.

Example:
    >>> prctl(PR_GET_NO_NEW_PRIVS) in (0, 1)
    True
"""
from __future__ import annotations

import ctypes
import functools
import os

__all__ = ["syscall", "prctl", "unshare", "PR_SET_PDEATHSIG", "PR_SET_NO_NEW_PRIVS", "PR_GET_NO_NEW_PRIVS",
           "PR_SET_CHILD_SUBREAPER", "CLONE_NEWUSER", "CLONE_NEWNET", "CLONE_NEWIPC", "CLONE_THREAD"]

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_GET_NO_NEW_PRIVS = 39

CLONE_THREAD = 0x00010000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


@functools.cache
def _libc() -> ctypes.CDLL:
    lib = ctypes.CDLL(None, use_errno=True)
    lib.syscall.restype = ctypes.c_long
    lib.prctl.restype = ctypes.c_int
    lib.unshare.restype = ctypes.c_int
    return lib


def _check(result: int) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def syscall(number: int, *args: int | ctypes.c_void_p | ctypes._SimpleCData | None) -> int:
    """``syscall(number, *args)``; integers are passed as ``long``.

    Example:
        >>> syscall(444, None, 0, 1)    # landlock_create_ruleset(NULL, 0, VERSION)  # doctest: +SKIP
        7
    """
    converted = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    return _check(_libc().syscall(ctypes.c_long(number), *converted))


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    """``prctl(option, ...)``; raises OSError on failure."""
    return _check(_libc().prctl(ctypes.c_int(option), ctypes.c_ulong(arg2), ctypes.c_ulong(arg3),
                                ctypes.c_ulong(arg4), ctypes.c_ulong(arg5)))


def unshare(flags: int) -> None:
    """``unshare(flags)`` for the calling process (it must be single-threaded for CLONE_NEWUSER)."""
    _check(_libc().unshare(ctypes.c_int(flags)))
