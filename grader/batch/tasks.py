"""Read a discovered student into a self-contained :class:`StudentTask` with its grade key.

Folders are read here (links refused, limits applied) and travel as
``(path, bytes)`` pairs; zips travel as their bytes and are checked by the
job that grades them. The content hash behind the key is taken from the very
bytes that travel, so a stored key always describes what was graded.

Example:
    >>> import pathlib, tempfile
    >>> from grader.batch.discover import Entry
    >>> from grader.batch.model import BatchSettings
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "bob"
    >>> (d / "m").mkdir(parents=True); _ = (d / "m" / "a.py").write_text("a = 1\\n")
    >>> settings = BatchSettings(seed=1, target="all", fingerprint="f")
    >>> task = read_task(Entry("bob", d, "folder"), settings)
    >>> task.kind, task.payload, task.key == read_task(Entry("bob", d, "folder"), settings).key
    ('folder', (('m/a.py', b'a = 1\\n'),), True)
"""
from __future__ import annotations

from grader.batch.discover import Entry
from grader.batch.keys import content_hash_bytes, content_hash_files, grade_key
from grader.batch.model import BatchSettings, StudentTask
from grader.batch.unpack import Refused, read_folder

__all__ = ["read_task"]


def _key(content: str, settings: BatchSettings) -> str:
    return grade_key(content, fingerprint=settings.fingerprint, seed=settings.seed, target=settings.target,
                     limits=settings.key_limits())


def _refused(entry: Entry, reason: str, settings: BatchSettings) -> StudentTask:
    return StudentTask(entry.student, "refused", _key(content_hash_bytes("refused", reason.encode()), settings),
                       refusal=reason)


def read_task(entry: Entry, settings: BatchSettings) -> StudentTask:
    """The task for ``entry``; a submission that cannot be read becomes a ``refused`` task."""
    if entry.kind == "link":
        return _refused(entry, f"the submission {entry.path.name!r} is a link; links are not accepted", settings)
    try:
        if entry.kind == "folder":
            files = read_folder(entry.path, settings.unpack)
            return StudentTask(entry.student, "folder", _key(content_hash_files(files), settings),
                               payload=tuple(sorted(files.items())))
        size = entry.path.stat().st_size
        if size > settings.unpack.max_archive_bytes:
            raise Refused(f"the archive is larger than {settings.unpack.max_archive_bytes // 1024**2} MiB")
        data = entry.path.read_bytes()
        return StudentTask(entry.student, "zip", _key(content_hash_bytes("zip", data), settings), payload=data)
    except Refused as refused:
        return _refused(entry, refused.message, settings)
    except OSError as exc:  # the instructor's disk, not the student: a grader fault, graded again next time
        reason = f"the submission {entry.path.name!r} could not be read ({exc.strerror or exc})"
        return StudentTask(entry.student, "fault", _key(content_hash_bytes("fault", reason.encode()), settings),
                           refusal=reason)
