"""Read the code a student wrote for each exercise, as text, without running anything.

For an exercise ``<topic>/<module>`` the first of ``<topic>/<module>.py``,
``<topic>/<module>.ipynb`` and ``<topic>.ipynb`` that exists is read (the
order grading uses); of a notebook, only the code cells (see
:mod:`grader.batch.similarity.notebook`). Files are read as text and never
imported. A folder is read file by file through the judge's one guarded
reader (:mod:`grader.student_sources`): only regular files inside the
student's folder after resolving links, at most :data:`MAX_FILE_BYTES` per
file (a larger file is left out). A zip is read with the checks grading applies
(:func:`grader.batch.unpack.read_zip`); a refused archive gives nothing.

Example:
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "t").mkdir(); _ = (d / "t" / "a.py").write_text("x = 1\\n")
    >>> [(s.exercise, s.path, s.text) for s in read_sources(d, "folder", ["t/a", "t/b"])]
    [('t/a', 't/a.py', 'x = 1\\n')]
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from grader.batch.unpack import Refused, UnpackLimits, normalise, read_zip
from grader.batch.similarity.notebook import code_cells
from grader.student_sources import MAX_SOURCE_BYTES, SourceRefused, read_student_bytes

__all__ = ["MAX_FILE_BYTES", "Source", "candidates", "read_sources"]

MAX_FILE_BYTES = MAX_SOURCE_BYTES


@dataclass(frozen=True)
class Source:
    """The code of one student for one exercise; ``path`` is the file it came from."""

    exercise: str
    path: str
    text: str


def candidates(exercise: str) -> tuple[str, ...]:
    """The files that may hold an exercise, first one first.

    Example:
        >>> candidates("model_construction/mlp")
        ('model_construction/mlp.py', 'model_construction/mlp.ipynb', 'model_construction.ipynb')
    """
    topic = exercise.split("/", 1)[0]
    return f"{exercise}.py", f"{exercise}.ipynb", f"{topic}.ipynb"


def _read_in_folder(root: Path, rel: str) -> bytes | None:
    """The bytes of ``root/rel`` as the guarded reader gives them, else None."""
    try:
        return read_student_bytes(root, rel, limit=MAX_FILE_BYTES)
    except SourceRefused:
        return None


def _zip_reader(archive: Path, limits: UnpackLimits) -> Callable[[str], bytes | None]:
    from grader.catalog import topics

    try:
        if archive.is_symlink() or archive.stat().st_size > limits.max_archive_bytes:
            return lambda rel: None
        files = normalise(read_zip(archive.read_bytes(), limits), topics=topics())
    except (Refused, OSError):
        return lambda rel: None

    def read(rel: str) -> bytes | None:
        data = files.get(rel)
        return data if data is not None and len(data) <= MAX_FILE_BYTES else None
    return read


def read_sources(root: Path, kind: str, exercises: Sequence[str], *, names: Mapping[str, Sequence[str]] = {},
                 limits: UnpackLimits = UnpackLimits()) -> list[Source]:
    """The sources of one student (``kind`` ``folder`` or ``zip``), in the order of ``exercises``.

    ``names`` gives, per exercise, the names its module defines (to pick its
    cells out of a topic notebook; a module notebook is read whole). An exercise with no readable file is left out.
    """
    root = Path(root)
    if kind == "folder" and not root.is_symlink() and root.is_dir():
        read: Callable[[str], bytes | None] = lambda rel: _read_in_folder(root, rel)  # noqa: E731
    elif kind == "zip":
        read = _zip_reader(root, limits)
    else:
        return []
    out = []
    for exercise in exercises:
        for rel in candidates(exercise):
            data = read(rel)
            if data is None:
                continue
            text = data.decode("utf-8", errors="replace")
            if rel.endswith(".ipynb"):
                try:
                    topic_notebook = "/" not in rel
                    text = code_cells(text, names.get(exercise, ()) if topic_notebook else ())
                except ValueError:
                    continue
            out.append(Source(exercise, rel, text))
            break
    return out
