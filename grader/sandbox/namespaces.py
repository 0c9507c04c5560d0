"""User, network and IPC namespaces for the calling process (``unshare(2)`` through ctypes).

In a new **network** namespace a worker has only a loopback interface that is
down: no network at all, whatever else fails. The new **user** namespace
makes that possible without root, and for a root judge it also drops every
capability the worker would have outside its namespace (a worker's uid shows
as 65534: no uid is mapped, so no file is "owned" inside it and
``CAP_DAC_OVERRIDE`` and friends mean nothing). The **IPC** namespace keeps
System V shared memory and message queues away from other workers.

Example:
    >>> enter_namespaces()          # doctest: +SKIP
    ['user namespace (no capabilities outside it)', 'network namespace (no network)', 'IPC namespace']

(skipped: it would confine the test process itself). The three are separate ``unshare`` flags,
tried one by one when the machine refuses them together:
    >>> [name for _, name in _NAMES] == ['user namespace (no capabilities outside it)',
    ...                                  'network namespace (no network)', 'IPC namespace']
    True
    >>> CLONE_NEWUSER & CLONE_NEWNET, CLONE_NEWNET & CLONE_NEWIPC, CLONE_NEWUSER & CLONE_NEWIPC
    (0, 0, 0)
"""
from __future__ import annotations

from grader.sandbox.libc import CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWUSER, unshare

__all__ = ["enter_namespaces"]

_NAMES = ((CLONE_NEWUSER, "user namespace (no capabilities outside it)"),
          (CLONE_NEWNET, "network namespace (no network)"),
          (CLONE_NEWIPC, "IPC namespace"))


def enter_namespaces() -> list[str]:
    """Enter new user + network + IPC namespaces (all at once, else whichever the machine allows);
    returns the ones entered. The caller must be single-threaded."""
    try:
        unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC)
        return [name for _, name in _NAMES]
    except OSError:
        pass
    entered = []
    for flag, name in _NAMES:  # e.g. user namespaces off but running as root
        try:
            unshare(flag)
            entered.append(name)
        except OSError:
            continue
    return entered
