"""The one way the judge reads a student's file: guarded, as data, never run.

The judge never opens a path the worker (or the submission) supplied as it stands. A path is
taken relative to the submission folder ``root`` and read only when, after resolving links, it
lies inside the resolved ``root``, it is a regular file (not a folder, FIFO or device) and it
holds at most :data:`MAX_SOURCE_BYTES` (1 MiB). A larger file is *refused*, not cut: checks parse
what they read, and half a file parses to wrong answers.

The check and the open cannot be told apart by a swap in between: after resolving, the file is
opened from an open descriptor of ``root`` one folder at a time with ``O_NOFOLLOW`` (a folder or
file replaced by a link meanwhile fails to open), with ``O_NONBLOCK`` (a FIFO put there cannot
hang the judge), and the open descriptor itself must be a regular file (``fstat``).

:func:`read_student_bytes` raises :class:`SourceRefused` saying why; :func:`read_student_source`
(text: UTF-8 with replacement, newlines as Python reads text) and :func:`read_student_lines`
give ``None`` / ``[]`` instead.

Example:
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.py").write_bytes(b"x = 1\\r\\ny = 2\\n")
    >>> read_student_source(root, "a.py")
    'x = 1\\ny = 2\\n'
    >>> read_student_lines(root, "a.py")
    ['x = 1', 'y = 2']
    >>> read_student_source(root, "../a.py") is None, inside_submission(root, "../a.py")
    (True, False)
    >>> read_student_bytes(root, "/etc/passwd")
    Traceback (most recent call last):
    ...
    grader.student_sources.SourceRefused: /etc/passwd lies outside the submission folder; it is not read
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MAX_SOURCE_BYTES", "SourceRefused", "inside_submission", "read_student_bytes",
           "read_student_source", "read_student_lines"]

#: the largest student file the judge reads (bytes); a larger one is refused
MAX_SOURCE_BYTES = 1 << 20

_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class SourceRefused(ValueError):
    """A student file the judge does not read; ``reason`` is ``outside``, ``not regular``,
    ``too large`` or ``unreadable``."""

    def __init__(self, path: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.path, self.reason = path, reason


def _inside(root: Path, path: str | Path) -> tuple[str, ...]:
    """The parts of ``path`` (relative to ``root``, links resolved) below ``root``; raises when
    it is not strictly inside."""
    shown = str(path)
    try:
        real = (root / path).resolve()
        parts = real.relative_to(root).parts
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a link loop on older Pythons
        raise SourceRefused(shown, "outside", f"{shown} lies outside the submission folder; it is not read") from None
    if not parts:
        raise SourceRefused(shown, "not regular", f"{shown} is not a regular file")
    return parts


def inside_submission(root: Path, path: str | Path) -> bool:
    """Whether ``path`` (relative to ``root``), links resolved, lies strictly inside ``root``
    (it may still be refused for what it is: read it with the functions below)."""
    try:
        _inside(Path(root).resolve(), path)
    except SourceRefused as refused:
        return refused.reason != "outside"
    return True


def _size(limit: int) -> str:
    return f"{limit / 1024**2:g} MiB" if limit >= 1024**2 else f"{limit} bytes"


def read_student_bytes(root: Path, path: str | Path, *, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of the student's file ``path`` (relative to the submission folder ``root``; an
    absolute path must lie inside it), read with the guards above; raises :class:`SourceRefused`."""
    root = Path(root).resolve()
    parts, shown = _inside(root, path), str(path)
    fds: list[int] = []
    try:
        try:
            fds.append(os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)))
            for part in parts[:-1]:
                fds.append(os.open(part, _FLAGS | getattr(os, "O_DIRECTORY", 0), dir_fd=fds[-1]))
            fd = os.open(parts[-1], _FLAGS | getattr(os, "O_NONBLOCK", 0), dir_fd=fds[-1])
        except OSError as err:
            raise SourceRefused(shown, "unreadable", f"{shown} could not be read ({err.strerror or err})") from None
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise SourceRefused(shown, "not regular", f"{shown} is not a regular file")
            if info.st_size > limit:
                raise SourceRefused(shown, "too large", f"{shown} is larger than {_size(limit)}; it is not read")
            data = fh.read(limit + 1)
    except OSError as err:
        raise SourceRefused(shown, "unreadable", f"{shown} could not be read ({err.strerror or err})") from None
    finally:
        for d in fds:
            os.close(d)
    if len(data) > limit:  # it grew after fstat
        raise SourceRefused(shown, "too large", f"{shown} is larger than {_size(limit)}; it is not read")
    return data


def read_student_source(root: Path, path: str | Path) -> str | None:
    """The text of the student's file (UTF-8, undecodable bytes replaced; ``\\r\\n`` and ``\\r``
    read as ``\\n``, as Python reads text), or None when :func:`read_student_bytes` refuses it."""
    try:
        data = read_student_bytes(root, path)
    except SourceRefused:
        return None
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def read_student_lines(root: Path, path: str | Path) -> list[str]:
    """The lines of the student's file, without line ends ([] when it is not read)."""
    text = read_student_source(root, path)
    return text.splitlines() if text is not None else []
