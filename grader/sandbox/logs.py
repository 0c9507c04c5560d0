r"""Reading a worker's log files (its output and faulthandler dump) safely, and finding the
student's frames in a dump.

Example:
    >>> dump = 'Current thread 0x1 (most recent call first):\\n  File "/sub/m.py", line 3 in f'
    >>> parse_fault_frames(dump, "/sub")
    [{'file': 'm.py', 'line': 3, 'function': 'f', 'in_submission': True}]
    >>> where([{"file": "m.py", "line": 3}])
    ' — last seen at m.py:3'
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

__all__ = ["parse_fault_frames", "where", "read_head", "read_truncated"]


_FRAME_RE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)(?: in (?P<fn>\S+))?')


def parse_fault_frames(text: str, submission_root: str) -> list[dict[str, Any]]:
    """Frames of the student's files in a faulthandler / traceback dump (innermost last)."""
    root = os.path.realpath(submission_root)
    frames = []
    blocks = text.split("\n\n")
    block = next((b for b in blocks if "most recent call first" in b and "Current thread" in b), text)
    for m in _FRAME_RE.finditer(block):
        path = os.path.realpath(m.group("file"))
        if path.startswith(root + os.sep):
            frames.append({"file": os.path.relpath(path, root), "line": int(m.group("line")),
                           "function": m.group("fn") or "", "in_submission": True})
    if "most recent call first" in block:
        frames.reverse()
    return frames


def where(frames: list[dict[str, Any]]) -> str:
    if not frames:
        return ""
    f = frames[-1]
    return f" — last seen at {f['file']}:{f['line']}"


def _open_log(path: Path) -> Any:
    """A worker's log file for reading: a regular file, never through a link, never blocking."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is not a regular file")
    return os.fdopen(fd, "rb")


def read_head(path: Path, limit: int) -> str:
    try:
        with _open_log(path) as fh:
            return fh.read(limit).decode("utf-8", "replace")
    except OSError:
        return ""


def read_truncated(path: Path, limit: int) -> str:
    try:
        with _open_log(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size <= limit:
                return fh.read(limit).decode("utf-8", "replace")
            head = fh.read(limit * 3 // 4).decode("utf-8", "replace")
            fh.seek(size - limit // 4)
            tail = fh.read(limit // 4).decode("utf-8", "replace")
        return f"{head}\n… [{size - limit} bytes of output omitted] …\n{tail}"
    except OSError:
        return ""
