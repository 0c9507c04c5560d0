"""Find the students of a batch: one folder or ``.zip`` per student in SUBMISSIONS.

The student's id is the folder's name, or the zip's name without ``.zip``.
Hidden entries (a name starting with ``.``) are skipped; other files are
ignored and listed so the instructor sees them. A link in SUBMISSIONS is a
student whose submission will be refused (links are never followed). Two
entries with the same id (``alice/`` and ``alice.zip``), or an id that is a
name the class report uses (``index.html``, ``grades.csv``, ``summary.json``),
are usage errors: nothing is graded until the instructor renames them.

Example:
    >>> import pathlib, tempfile, zipfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "bob").mkdir(); zipfile.ZipFile(d / "alice.zip", "w").close()
    >>> _ = (d / "notes.txt").write_text("")
    >>> found = discover(d)
    >>> [(e.student, e.kind) for e in found.entries], found.ignored
    ([('alice', 'zip'), ('bob', 'folder')], ['notes.txt'])
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.batch.store import RESERVED_NAMES

__all__ = ["Entry", "Discovered", "BatchUsageError", "discover"]


class BatchUsageError(ValueError):
    """The batch cannot start as asked (the CLI exits with status 2)."""


@dataclass(frozen=True)
class Entry:
    """One student: ``kind`` is ``folder``, ``zip`` or ``link`` (to be refused)."""

    student: str
    path: Path
    kind: str


@dataclass(frozen=True)
class Discovered:
    """The students found, in order of id, and the names that were ignored."""

    entries: tuple[Entry, ...]
    ignored: list[str]


def _entry(path: Path) -> Entry | None:
    name = path.name
    is_zip = name.lower().endswith(".zip") and len(name) > 4
    student = name[:-4] if is_zip else name
    if path.is_symlink():
        return Entry(student, path, "link")
    if path.is_dir():
        return Entry(name, path, "folder")
    if is_zip and path.is_file():
        return Entry(student, path, "zip")
    return None


def discover(root: Path) -> Discovered:
    """The students in ``root`` (see the module docstring); raises :class:`BatchUsageError`."""
    root = Path(root)
    if not root.is_dir():
        raise BatchUsageError(f"SUBMISSIONS {root} is not a folder")
    entries: dict[str, Entry] = {}
    ignored: list[str] = []
    for path in sorted(root.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        entry = _entry(path)
        if entry is None:
            ignored.append(path.name)
            continue
        if entry.student in RESERVED_NAMES:
            raise BatchUsageError(f"the student id {entry.student!r} ({path.name}) is a name the class report "
                                  f"uses ({', '.join(sorted(RESERVED_NAMES))}); rename it")
        if entry.student in entries:
            raise BatchUsageError(f"two submissions have the student id {entry.student!r}: "
                                  f"{entries[entry.student].path.name} and {path.name}; keep one")
        entries[entry.student] = entry
    if not entries:
        raise BatchUsageError(f"no submissions in {root}: expected one folder or .zip per student")
    ordered = tuple(sorted(entries.values(), key=lambda e: (e.student.lower(), e.student)))
    return Discovered(ordered, ignored)
