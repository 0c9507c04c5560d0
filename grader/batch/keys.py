"""What makes a grading result reusable: content hashes and the grade key.

A student is skipped on a re-run when the *grade key* of their submission is
the one stored beside their results. The key covers the submission's content
(file names and bytes; a zip's bytes), the grader's fingerprint (its version
and a hash of its code and of the reference solutions), the seed, the
exercises selected and the limits.

Example:
    >>> a = content_hash_files({"m/a.py": b"x = 1\\n"})
    >>> a == content_hash_files({"m/a.py": b"x = 1\\n"}), a == content_hash_files({"m/b.py": b"x = 1\\n"})
    (True, False)
    >>> k = grade_key(a, fingerprint="0.1.0+abc", seed=3, target="all", limits={"timeout": 60.0})
    >>> len(k), k == grade_key(a, fingerprint="0.1.0+abc", seed=4, target="all", limits={"timeout": 60.0})
    (64, False)
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

from grader import __version__

__all__ = ["content_hash_files", "content_hash_bytes", "grade_key", "grader_fingerprint"]


def _feed(h: "hashlib._Hash", data: bytes) -> None:
    """Length-prefixed, so ("ab", "c") and ("a", "bc") hash differently."""
    h.update(len(data).to_bytes(8, "big"))
    h.update(data)


def content_hash_files(files: Mapping[str, bytes]) -> str:
    """SHA-256 of file names and contents, independent of the mapping's order.

    Example:
        >>> content_hash_files({"a": b"1", "b": b"2"}) == content_hash_files({"b": b"2", "a": b"1"})
        True
    """
    h = hashlib.sha256(b"files\0")
    for rel in sorted(files):
        _feed(h, rel.encode("utf-8", "surrogateescape"))
        _feed(h, files[rel])
    return h.hexdigest()


def content_hash_bytes(kind: str, data: bytes) -> str:
    """SHA-256 of a raw payload (a zip's bytes, a refusal message), tagged with its kind.

    Example:
        >>> content_hash_bytes("zip", b"x") == content_hash_bytes("refused", b"x")
        False
    """
    h = hashlib.sha256(kind.encode() + b"\0")
    _feed(h, data)
    return h.hexdigest()


def grade_key(content: str, *, fingerprint: str, seed: int, target: str, limits: Mapping[str, Any]) -> str:
    """The key under which a student's results are stored (hex SHA-256).

    Example:
        >>> grade_key("c", fingerprint="f", seed=1, target="all", limits={}) == \\
        ...     grade_key("c", fingerprint="f", seed=1, target="all", limits={})
        True
    """
    payload = json.dumps({"content": content, "grader": fingerprint, "seed": seed, "target": target,
                          "limits": dict(limits)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _tree_hash(h: "hashlib._Hash", root: Path, suffixes: tuple[str, ...]) -> None:
    if not root.is_dir():
        _feed(h, f"missing:{root.name}".encode())
        return
    for path in sorted(root.rglob("*")):
        if path.suffix in suffixes and path.is_file() and "__pycache__" not in path.parts:
            _feed(h, path.relative_to(root).as_posix().encode())
            _feed(h, path.read_bytes())


@functools.lru_cache(maxsize=4)
def grader_fingerprint(solutions: Path | None = None, track: str = "pytorch") -> str:
    """``<version>+<12 hex digits>``: the grader's version and a hash of its code and references.

    Any change to the grader package (checks, suites, renderers, templates) or
    to the reference solutions of ``track`` changes it (and each track has its own), so stored results are not reused
    across such a change. Cached per process.

    Example:
        >>> grader_fingerprint().startswith(__version__ + "+")
        True
    """
    from grader.paths import default_solutions

    h = hashlib.sha256(__version__.encode())
    _tree_hash(h, Path(__file__).resolve().parent.parent, (".py", ".j2"))
    if track != "pytorch":  # another track's results differ, and its references are its own
        _feed(h, track.encode())
    _tree_hash(h, Path(solutions) if solutions else default_solutions(track), (".py",))
    return f"{__version__}+{h.hexdigest()[:12]}"
