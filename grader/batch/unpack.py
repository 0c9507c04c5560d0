"""Read one student's submission, a folder or an untrusted ``.zip``, into memory, safely.

A submission becomes a :data:`Files` mapping (POSIX relative path -> bytes)
that can be hashed, shipped to another process or machine, and written out
again with :func:`materialise`. Anything suspicious is refused with
:class:`Refused`, whose message is shown to the student:

- a member whose name is absolute (``/etc/passwd``, ``C:\\x``), has a ``..``
  component or a NUL character (path traversal);
- a link (a symlink entry in a zip, a symlink in a folder) or any other
  special file (device, FIFO);
- an encrypted member, two members with the same name, a name used both as a
  file and as a folder;
- more than :attr:`UnpackLimits.max_files` files, or more than
  :attr:`UnpackLimits.max_bytes` bytes once expanded (counted while reading,
  so a zip that lies about its sizes is caught too), or an archive file
  larger than :attr:`UnpackLimits.max_archive_bytes`;
- a file that is not a valid zip.

Members are read one by one with :meth:`zipfile.ZipFile.open` after their
names are checked; nothing is extracted with ``extractall``.

Junk that archivers add (``__MACOSX/``, ``.DS_Store``), ``__pycache__``
folders and hidden files or folders (a name starting with ``.``, e.g.
``.git``) are skipped, not refused.

If every file lies inside one top-level folder whose name is not a topic
(``alice/model_construction/mlp.py``), that folder is removed
(``model_construction/mlp.py``): students often zip their folder rather than
its content. Only one level is removed.

Example:
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("alice/model_construction/mlp.py", "x = 1\\n")
    >>> files = normalise(read_zip(buf.getvalue()), topics=("model_construction",))
    >>> sorted(files)
    ['model_construction/mlp.py']
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("../evil.py", "")
    >>> read_zip(buf.getvalue())
    Traceback (most recent call last):
    ...
    grader.batch.unpack.Refused: the archive has a member outside its folder ('../evil.py')
"""
from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

__all__ = ["Files", "Refused", "UnpackLimits", "read_zip", "read_folder", "normalise", "materialise"]

Files = Mapping[str, bytes]
"""A submission in memory: POSIX relative path -> content."""

_JUNK_DIRS = frozenset({"__MACOSX", "__pycache__"})
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 64 * 1024


class Refused(Exception):
    """The submission cannot be graded as it is; the message says why (shown to the student)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class UnpackLimits:
    """How large a submission may be.

    Example:
        >>> UnpackLimits(max_files=10).max_files
        10
        >>> UnpackLimits(max_files=0)
        Traceback (most recent call last):
        ...
        ValueError: max_files must be positive, got 0
    """

    max_files: int = 1000
    max_bytes: int = 50 * 1024**2
    max_archive_bytes: int = 100 * 1024**2

    def __post_init__(self) -> None:
        for name in ("max_files", "max_bytes", "max_archive_bytes"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value > 0):
                raise ValueError(f"{name} must be positive, got {value!r}")


def _is_skipped(parts: tuple[str, ...]) -> bool:
    """Junk, caches and hidden entries are left out silently.

    Example:
        >>> _is_skipped(("__MACOSX", "x.py")), _is_skipped(("a", ".DS_Store")), _is_skipped(("a", "b.py"))
        (True, True, False)
    """
    return any(p in _JUNK_DIRS or p.startswith(".") for p in parts)


def _check_name(raw: str) -> tuple[str, ...]:
    """The components of a member name, or :class:`Refused` if it could escape its folder.

    Backslashes count as separators (archivers on Windows write them).

    Example:
        >>> _check_name("a/b.py"), _check_name("a\\\\b.py"), _check_name("./a//b.py")
        (('a', 'b.py'), ('a', 'b.py'), ('a', 'b.py'))
        >>> _check_name("C:/x")
        Traceback (most recent call last):
        ...
        grader.batch.unpack.Refused: the archive has a member with an absolute path ('C:/x')
    """
    name = raw.replace("\\", "/")
    if "\x00" in name:
        raise Refused(f"the archive has a member with a NUL character in its name ({raw!r})")
    if name.startswith("/") or _DRIVE.match(name):
        raise Refused(f"the archive has a member with an absolute path ({raw!r})")
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if ".." in parts:
        raise Refused(f"the archive has a member outside its folder ({raw!r})")
    return parts


class _Budget:
    """Counts files and bytes against the limits while reading."""

    def __init__(self, limits: UnpackLimits, what: str) -> None:
        self.limits = limits
        self.what = what
        self.files = 0
        self.bytes = 0

    def add_file(self) -> None:
        self.files += 1
        if self.files > self.limits.max_files:
            raise Refused(f"{self.what} has more than {self.limits.max_files} files")

    def add_bytes(self, n: int) -> None:
        self.bytes += n
        if self.bytes > self.limits.max_bytes:
            raise Refused(f"{self.what} expands to more than {self.limits.max_bytes // 1024**2} MiB")


def _add(files: dict[str, bytes], parts: tuple[str, ...], data: bytes, dirs: set[str]) -> None:
    """Record one file, refusing duplicates and file/folder clashes."""
    rel = "/".join(parts)
    if rel in files:
        raise Refused(f"the archive has two members named {rel!r}")
    if rel in dirs:
        raise Refused(f"{rel!r} is both a file and a folder in the archive")
    for i in range(1, len(parts)):
        prefix = "/".join(parts[:i])
        if prefix in files:
            raise Refused(f"{prefix!r} is both a file and a folder in the archive")
        dirs.add(prefix)
    files[rel] = data


def _check_mode(info: zipfile.ZipInfo) -> None:
    """Refuse links, special files and encrypted members."""
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise Refused(f"the archive has a link ({info.filename!r}); links are not accepted")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise Refused(f"the archive has a special file ({info.filename!r})")
    if info.flag_bits & 0x1:
        raise Refused(f"the archive has an encrypted member ({info.filename!r})")


def read_zip(data: bytes, limits: UnpackLimits = UnpackLimits()) -> dict[str, bytes]:
    """The files of a zip archive, every member checked before it is read.

    Raises :class:`Refused` for anything listed in the module docstring.

    Example:
        >>> import io, zipfile
        >>> buf = io.BytesIO()
        >>> with zipfile.ZipFile(buf, "w") as zf:
        ...     zf.writestr("m/a.py", "a = 1\\n")
        ...     zf.writestr("__MACOSX/m/._a.py", "junk")
        >>> read_zip(buf.getvalue())
        {'m/a.py': b'a = 1\\n'}
        >>> read_zip(b"not a zip")
        Traceback (most recent call last):
        ...
        grader.batch.unpack.Refused: the file is not a valid zip archive (File is not a zip file)
    """
    if len(data) > limits.max_archive_bytes:
        raise Refused(f"the archive is larger than {limits.max_archive_bytes // 1024**2} MiB")
    budget = _Budget(limits, "the archive")
    files: dict[str, bytes] = {}
    dirs: set[str] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_files:
                raise Refused(f"the archive has more than {limits.max_files} members")
            if sum(i.file_size for i in infos) > limits.max_bytes:
                raise Refused(f"the archive expands to more than {limits.max_bytes // 1024**2} MiB")
            for info in infos:
                parts = _check_name(info.filename)
                _check_mode(info)
                if not parts or info.is_dir() or _is_skipped(parts):
                    continue
                budget.add_file()
                chunks = []
                with zf.open(info) as fh:
                    while chunk := fh.read(_CHUNK):
                        budget.add_bytes(len(chunk))
                        chunks.append(chunk)
                _add(files, parts, b"".join(chunks), dirs)
    except Refused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, zlib.error,
            EOFError, OSError, ValueError) as exc:
        raise Refused(f"the file is not a valid zip archive ({exc})") from None
    return files


def read_folder(root: Path, limits: UnpackLimits = UnpackLimits()) -> dict[str, bytes]:
    """The files of a submission folder; links and special files are refused, never followed.

    Example:
        >>> import pathlib, tempfile
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> (d / "m").mkdir(); _ = (d / "m" / "a.py").write_text("a = 1\\n")
        >>> read_folder(d)
        {'m/a.py': b'a = 1\\n'}
        >>> (d / "m" / "link.py").symlink_to("/etc/passwd")
        >>> read_folder(d)
        Traceback (most recent call last):
        ...
        grader.batch.unpack.Refused: the folder has a link ('m/link.py'); links are not accepted
    """
    root = Path(root)
    budget = _Budget(limits, "the folder")
    files: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        rel_base = base.relative_to(root).parts
        for name in sorted(dirnames):
            if (base / name).is_symlink():
                raise Refused(f"the folder has a link ({'/'.join(rel_base + (name,))!r}); links are not accepted")
        dirnames[:] = sorted(d for d in dirnames if not _is_skipped((d,)))
        for name in sorted(filenames):
            parts = rel_base + (name,)
            if _is_skipped(parts):
                continue
            path = base / name
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                raise Refused(f"the folder has a link ({'/'.join(parts)!r}); links are not accepted")
            if not stat.S_ISREG(st.st_mode):
                raise Refused(f"the folder has a special file ({'/'.join(parts)!r})")
            budget.add_file()
            budget.add_bytes(st.st_size)
            try:  # the file checked above is the file read: no link followed, no FIFO waited on
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            except OSError as exc:
                raise Refused(f"the folder's file {'/'.join(parts)!r} cannot be opened: {exc.strerror}") from None
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    raise Refused(f"the folder has a special file ({'/'.join(parts)!r})")
                data = fh.read(limits.max_bytes + 1)
            files["/".join(parts)] = data
    return files


def normalise(files: Files, *, topics: Iterable[str]) -> dict[str, bytes]:
    """Remove one enclosing folder when everything is inside it and it is not a topic.

    Example:
        >>> normalise({"alice/parameters/init.py": b""}, topics=("parameters",))
        {'parameters/init.py': b''}
        >>> normalise({"parameters/init.py": b""}, topics=("parameters",))
        {'parameters/init.py': b''}
    """
    firsts = {rel.split("/", 1)[0] for rel in files}
    if len(firsts) == 1 and all("/" in rel for rel in files):
        (top,) = firsts
        if top not in set(topics):
            return {rel.split("/", 1)[1]: data for rel, data in files.items()}
    return dict(files)


def materialise(files: Files, dest: Path) -> Path:
    """Write ``files`` under the new folder ``dest`` (which must not exist); returns ``dest``.

    Names are checked again, and files are created exclusively without
    following links, so even a hand-made mapping cannot write outside ``dest``.

    Example:
        >>> import pathlib, tempfile
        >>> d = materialise({"m/a.py": b"a = 1\\n"}, pathlib.Path(tempfile.mkdtemp()) / "bob")
        >>> (d / "m" / "a.py").read_bytes()
        b'a = 1\\n'
    """
    dest = Path(dest)
    dest.mkdir(parents=True)
    for rel, data in files.items():
        parts = _check_name(rel)
        if not parts:
            raise Refused(f"the submission has a file without a name ({rel!r})")
        path = dest.joinpath(*parts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise Refused(f"the file {rel!r} cannot be written ({exc.strerror or exc})") from None
    return dest
