"""A session: the objects built from one exercise module, addressed by integer handles, and how an
exception of the exercise's code becomes plain data (the student's error, with their frames).

It is the worker core's, whatever the framework: a track's operations (PyTorch's in
:mod:`grader.tracks.pytorch.worker.ops` and its ``ops_*`` modules) take a session as their first
argument, a session runs them by name, and it evaluates build specs with the track's evaluator.

Example:
    >>> s = Session(None, None, ops={"ping": lambda session: {"pong": True}})
    >>> s.run("ping", {})
    {'pong': True}
    >>> def boom(session):
    ...     with session.student("call"):
    ...         raise ValueError("bad")
    >>> Session(None, None, ops={"boom": boom}).run("boom", {})["error"]["type"]
    'ValueError'
"""
from __future__ import annotations

import contextlib
import inspect
import os
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from grader.sandbox.specs import MissingName, NotCallableName, evaluate

__all__ = ["Session", "StudentCodeError", "describe_error"]

MAX_FRAMES = 30


class StudentCodeError(Exception):
    """An exception raised by the exercise's code (wraps the original)."""

    def __init__(self, exc: BaseException, stage: str) -> None:
        super().__init__(str(exc))
        self.exc = exc
        self.stage = stage


def _frames(tb: Any, root: Path | None) -> list[dict[str, Any]]:
    out = []
    for fs in traceback.extract_tb(tb)[-MAX_FRAMES:]:
        in_sub = bool(root) and _is_under(fs.filename, root)
        name = os.path.relpath(fs.filename, root) if in_sub else _short_path(fs.filename)
        out.append({"file": name, "line": fs.lineno or 0, "function": fs.name,
                    "in_submission": in_sub})
    return out


def _short_path(path: str) -> str:
    parts = Path(path).parts
    for anchor in ("site-packages", "lib"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) + 1:])
    return Path(path).name


def _is_under(path: str, root: Path) -> bool:
    try:
        Path(path).resolve().relative_to(root)
        return True
    except (ValueError, OSError):
        return False


def describe_error(exc: BaseException, root: Path | None, stage: str) -> dict[str, Any]:
    """Plain-data description of an exception raised by student code."""
    if isinstance(exc, SystemExit):
        message = f"sys.exit({exc.code!r}) was called"
    else:
        try:
            message = str(exc)
        except BaseException:  # noqa: BLE001
            message = "<unprintable message>"
    frames = _frames(exc.__traceback__, root)
    if isinstance(exc, SyntaxError) and exc.filename and root and _is_under(exc.filename, root):
        frames.append({"file": os.path.relpath(exc.filename, root), "line": exc.lineno or 0,
                       "function": "<module>", "in_submission": True})
    return {"type": type(exc).__name__, "message": message[:2000], "stage": stage,
            "frames": frames,
            "missing_name": exc.name if isinstance(exc, MissingName) else None}


def _definition_frames(namespace: Any, name: str, root: Path | None) -> list[dict[str, Any]]:
    """Where the exercise's file assigns ``name`` at module level (``chimera = ...``), as a frame."""
    path = getattr(namespace, "__file__", None)
    if not path or not root or not _is_under(path, root):
        return []
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return []
    for number, line in enumerate(lines, 1):
        if line.startswith(name) and line[len(name):].lstrip().startswith(("=", ":")):
            return [{"file": os.path.relpath(path, root), "line": number, "function": "<module>",
                     "in_submission": True}]
    return []


def plain_specs(node: dict[str, Any], *, namespace: Any, objects: dict[int, Any],
                counters: dict[str, int]) -> Any:
    """The worker core's spec evaluator (:func:`grader.sandbox.specs.evaluate`): plain nodes only."""
    return evaluate(node, namespace=namespace, objects=objects)


class Session:
    """Objects built from one exercise module, addressed by integer handles; ``run`` dispatches to
    ``ops`` (name -> operation; :class:`grader.tracks.pytorch.worker.ops.Session` has every operation
    of PyTorch's) and ``eval_spec`` to ``specs`` (the track's evaluator)."""

    def __init__(self, namespace: Any, root: Path | None,
                 ops: Mapping[str, Callable[..., dict[str, Any]]] | None = None,
                 specs: Callable[..., Any] = plain_specs) -> None:
        self.namespace = namespace
        self.ops = dict(ops or {})
        self.specs = specs
        self.root = root.resolve() if root else None
        #: whether answers may say where in the module's files a call came from (and quote the line): the
        #: student's side only; the reference's lines must never reach an answer (a release records them)
        self.locate = True
        self.objects: dict[int, Any] = {}
        self.counters: dict[str, int] = {}
        self._numbers: dict[tuple[str, int], int] = {}
        self._kept: list[Any] = []
        self._lines: dict[int, tuple[Any, tuple[str, int] | None]] = {}  # see _source_line

    def number(self, kind: str, key: int, keep: Any) -> int:
        """A small number for an object or storage, stable for the whole session
        (``keep`` is held so that its id or address cannot be reused)."""
        ident = (kind, key)
        if ident not in self._numbers:
            self._numbers[ident] = len(self._numbers)
            self._kept.append(keep)
        return self._numbers[ident]

    # -- dispatch ---------------------------------------------------------
    def run(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        """Run ``op``; returns its answer, or ``{"error": ...}`` if student code raised."""
        try:
            return self.ops[op](self, **args)
        except StudentCodeError as err:
            error = describe_error(err.exc, self.root, err.stage)
            if isinstance(err.exc, NotCallableName):
                error["frames"] += _definition_frames(self.namespace, err.exc.name, self.root)
            return {"error": error}

    @contextlib.contextmanager
    def student(self, stage: str) -> Iterator[None]:
        """Everything inside runs the exercise's code: its exceptions are the student's."""
        try:
            yield
        except BaseException as exc:  # noqa: BLE001 - includes SystemExit
            if isinstance(exc, StudentCodeError):
                raise
            raise StudentCodeError(exc, stage) from exc

    def store(self, obj: Any) -> int:
        """Keep ``obj``; its handle (the count of objects kept so far)."""
        handle = len(self.objects) + 1
        self.objects[handle] = obj
        return handle

    def eval_spec(self, node: dict[str, Any]) -> Any:
        return self.specs(node, namespace=self.namespace, objects=self.objects, counters=self.counters)

    def _resolve_args(self, args: list[Any]) -> list[Any]:
        return [self.eval_spec(a["spec"]) if isinstance(a, dict) and "spec" in a else a
                for a in args]

    def locations(self, obj: Any) -> dict[str, int]:
        """Line numbers, in the student's file, of the class, ``__init__`` and ``forward``."""
        out: dict[str, int] = {}
        cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
        targets = {"class": cls, "__init__": getattr(cls, "__init__", None),
                   "forward": getattr(cls, "forward", None)}
        for key, target in targets.items():
            found = self._source_line(target)
            if found is not None:
                out[key] = found[1]
                out.setdefault("file", found[0])  # type: ignore[arg-type]
        return out

    def _source_line(self, target: Any) -> tuple[str, int] | None:
        """The file (relative to the root) and first line of ``target``, if it is in the root; looked
        up once per class or function (reading the source means tokenizing the file). Keyed by
        ``id``, the target kept alive beside it: hashing a class could run its metaclass's code."""
        known = self._lines.get(id(target))
        if known is not None and known[0] is target:
            return known[1]
        found = None
        try:
            path = inspect.getsourcefile(target)
            if path and self.root and _is_under(path, self.root):
                found = (os.path.relpath(path, self.root), inspect.getsourcelines(target)[1])
        except (TypeError, OSError):
            pass
        self._lines[id(target)] = (target, found)
        return found
