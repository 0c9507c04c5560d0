"""Find processes a test's submission started: by a marker in their name (``comm``, which
forks inherit) or in their environment (which programs started with ``exec`` inherit).

Example:
    >>> survivors("no-process-has-this-marker", wait=0)
    []
"""
from __future__ import annotations

import os
import time

__all__ = ["survivors", "MARK_SOURCE"]

# Put at the top of a submission: the worker and everything it forks carry ``marker``.
MARK_SOURCE = '''
import ctypes as _ctypes, os as _os
_os.environ["ADVERSARIAL_MARK"] = "{marker}"
try:
    _ctypes.CDLL(None).prctl(15, b"{marker}"[:15], 0, 0, 0)  # PR_SET_NAME
except Exception:
    pass
'''


def _marked(pid: str, marker: str) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
        if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False  # dead, waiting to be reaped
        with open(f"/proc/{pid}/comm") as fh:
            if fh.read().strip() == marker[:15]:
                return True
        with open(f"/proc/{pid}/environ", "rb") as fh:
            return marker.encode() in fh.read()
    except (OSError, IndexError):
        return False


def survivors(marker: str, *, wait: float = 3.0) -> list[int]:
    """Pids of live processes marked with ``marker``, after waiting up to ``wait`` s for them to go."""
    deadline = time.monotonic() + wait
    while True:
        found = [int(p) for p in os.listdir("/proc") if p.isdigit() and _marked(p, marker)]
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.05)
