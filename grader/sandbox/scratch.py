"""Facts about a worker's scratch directory, established by the judge itself.

Whether a file exists, what a folder holds, removing a stale file, and what a track adds
with :func:`register` (planting a booby-trapped pickle, say): a worker runs student code,
which may replace the grader's functions inside it, so the judge does these on the directory
directly instead of asking the worker (it writes files there, and lists
them, but never reads a submission's file: reading is done by a fresh worker
that never ran student code, see ``Worker.request("safe_load")``).

Paths are relative to the scratch directory, as the worker sees them (its
working directory is the scratch directory); a path that leaves it is refused.

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("x")
    >>> run_op(d, "listdir", {})["entries"], run_op(d, "exists", {"path": "RAN"})
    (['a.txt'], {'exists': False})
    >>> usage([d]).entries
    1
    >>> run_op(d, "remove", {"path": "a.txt"}), usage([d]).entries
    ({'removed': True}, 0)
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

__all__ = ["JUDGE_SIDE_OPS", "register", "run_op", "inside", "write_new", "usage", "Usage"]


def inside(scratch: Path, path: str) -> Path:
    """``path`` (relative to the scratch directory, or absolute within it) as an absolute path;
    ValueError if it would leave the directory. Symbolic links are not followed.

    Example:
        >>> inside(Path("/tmp/s"), "a/b.pt")
        PosixPath('/tmp/s/a/b.pt')
        >>> inside(Path("/tmp/s"), "../x")
        Traceback (most recent call last):
        ...
        ValueError: '../x' is outside the scratch directory
    """
    root = Path(os.path.realpath(scratch))
    full = Path(os.path.normpath(root / path))
    if full == root:
        return root
    parent = Path(os.path.realpath(full.parent))  # a linked folder must not lead outside
    if root not in full.parents or (parent != root and root not in parent.parents):
        raise ValueError(f"{path!r} is outside the scratch directory")
    return parent / full.name


def _exists(scratch: Path, path: str) -> dict[str, Any]:
    try:
        return {"exists": os.path.lexists(inside(scratch, path))}
    except ValueError:
        return {"exists": False}


def _listdir(scratch: Path, path: str = ".") -> dict[str, Any]:
    try:
        return {"entries": sorted(os.listdir(inside(scratch, path)))}
    except (OSError, ValueError) as exc:
        return {"entries": [], "problem": str(exc)}


def _remove(scratch: Path, path: str) -> dict[str, Any]:
    try:
        os.remove(inside(scratch, path))
        return {"removed": True}
    except FileNotFoundError:
        return {"removed": False}
    except (OSError, ValueError) as exc:
        return {"removed": False, "problem": str(exc)}


def write_new(path: Path, write: Any) -> None:
    """Write a fresh file at ``path``: whatever is there (a link, a FIFO, a folder) is removed
    first, and the file is created exclusively, without following links."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "wb") as fh:
        write(fh)


#: the operations the judge answers itself: name -> ``fn(scratch, **args)``; a track adds its own
JUDGE_SIDE_OPS: dict[str, Callable[..., dict[str, Any]]] = {"exists": _exists, "listdir": _listdir,
                                                            "remove": _remove}


def register(name: str, op: Callable[..., dict[str, Any]]) -> None:
    """Add a judge-side operation (``op(scratch, **args)``) that a track brings."""
    JUDGE_SIDE_OPS[name] = op


def run_op(scratch: Path, op: str, args: dict[str, Any]) -> dict[str, Any]:
    """Answer one of :data:`JUDGE_SIDE_OPS` for the worker whose scratch directory is ``scratch``."""
    return JUDGE_SIDE_OPS[op](scratch, **args)


@dataclass(frozen=True)
class Usage:
    """Bytes and directory entries under some folders (counting stops at ``limit_entries``)."""

    bytes: int
    entries: int


def usage(folders: list[Path], *, limit_entries: int = 1_000_000) -> Usage:
    """Disk use of ``folders`` (files' allocated sizes, links not followed)."""
    total = entries = 0
    stack = [str(f) for f in folders]
    while stack and entries < limit_entries:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    entries += 1
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += st.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            continue
    return Usage(total, entries)
