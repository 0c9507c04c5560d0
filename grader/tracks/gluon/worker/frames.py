"""Where in the submission a call came from: the frame of the student's line, found the way the session
tells the student's frames apart (:mod:`grader.sandbox.session`: a file under the submission's folder,
links resolved). Answers carry it only when the session may name the module's lines
(``session.locate``: never the reference's).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> root = Path(tempfile.mkdtemp()).resolve()
    >>> student = {}
    >>> source = "def where(root):" + chr(10) + "    return innermost_submission_frame(root)"
    >>> exec(compile(source, str(root / "mlp.py"), "exec"), {"innermost_submission_frame": innermost_submission_frame},
    ...      student)
    >>> student["where"](root)
    {'file': 'mlp.py', 'line': 2, 'function': 'where', 'in_submission': True}
    >>> innermost_submission_frame(None) is None, caller_frame(root, 0) is None
    (True, True)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["innermost_submission_frame", "caller_frame", "in_submission"]


def in_submission(filename: str, root: Path | None) -> bool:
    """Whether the file ``filename`` lies under ``root`` (links resolved)."""
    if root is None or not filename or filename.startswith("<"):
        return False
    try:
        return Path(filename).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def _describe(code_file: str, line: int, function: str, root: Path) -> dict[str, Any]:
    return {"file": os.path.relpath(code_file, root), "line": line, "function": function, "in_submission": True}


def innermost_submission_frame(root: Path | None) -> dict[str, Any] | None:
    """The innermost frame of the current stack that runs a file of the submission, or None."""
    if root is None:
        return None
    frame = sys._getframe(1)
    while frame is not None:
        if in_submission(frame.f_code.co_filename, root):
            return _describe(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, root)
        frame = frame.f_back
    return None


def caller_frame(root: Path | None, depth: int) -> dict[str, Any] | None:
    """The frame ``depth`` levels above the caller of this function when it runs a file of the
    submission (the direct caller of a wrapped MXNet function), else None."""
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return None
    if root is None or not in_submission(frame.f_code.co_filename, root):
        return None
    return _describe(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, root)
