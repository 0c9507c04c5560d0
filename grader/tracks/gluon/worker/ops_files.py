"""Files: the framework-neutral ``exists``, ``listdir`` and ``remove`` (:mod:`grader.sandbox.file_ops`),
and MXNet's own readers and writers, all relative to the worker's scratch folder.

- ``nd_load`` (``path``): what ``mxnet.nd.load(path)`` returns (a list or a dict of arrays, ``nd``
  arrays), read with MXNet's loader as this module found it when the fork server imported it (before
  any student code could replace it). ``safe_load`` is the same operation under the name the judge's
  client runs in a fresh confined worker that never imported student code
  (:class:`grader.sandbox.client.Worker`): use it for a file the student wrote. MXNet 1.9.1 refuses a file saved in the
  other shape semantics (``npx.save`` after ``npx.set_np()`` writes NumPy-shape files, ``nd.save``
  legacy ones), so the file is read in whichever it was saved in, whatever mode the student's module
  put the process in (restored afterwards); ``np_shape`` says which. A file MXNet cannot read answers
  ``value: None`` and a ``problem`` (the answer's ``error`` key is reserved for the student's code).
- ``load_parameters`` (``handle``, ``path``): ``block.load_parameters(path)`` on a stored block (to
  check a parameter file the student wrote): ``{}``, or ``{"problem": ...}`` when MXNet refuses it.
- ``save_parameters`` (``handle``, ``path``): ``block.save_parameters(path)`` (a student's error when it
  raises: a block whose parameters hold no values yet, say).

Example (in the Gluon environment):
    >>> import os, tempfile
    >>> from mxnet import nd
    >>> path = os.path.join(tempfile.mkdtemp(), "x.nd")
    >>> nd.save(path, {"w": nd.ones((2, 3))})
    >>> answer = op_nd_load(None, path)
    >>> answer["value"]["w"].shape, answer["np_shape"], answer["problem"]
    ((2, 3), False, None)
    >>> op_nd_load(None, path + ".missing")["problem"][:12]
    'MXNetError: '
"""
from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Callable, Iterator

import mxnet
from mxnet import npx

from grader.sandbox.file_ops import NEUTRAL_FILE_OPS

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["FILE_OPS", "op_nd_load", "op_load_parameters", "op_save_parameters", "shape_semantics"]

MAX_PROBLEM = 3000
#: MXNet's loader, taken in the fork server before any student code runs
_LOAD: Callable[[str], Any] = mxnet.ndarray.utils.load


@contextlib.contextmanager
def shape_semantics(np_shape: bool) -> Iterator[None]:
    """Run with NumPy shape semantics on or off and NumPy array semantics off (``nd`` arrays come back),
    then restore the process's modes (a student's ``npx.set_np()`` included)."""
    before = (mxnet.util.is_np_shape(), mxnet.util.is_np_array())
    npx.reset_np()
    if np_shape:
        npx.set_np(shape=True, array=False)
    try:
        yield
    finally:
        npx.reset_np()
        if before[0] or before[1]:
            npx.set_np(shape=before[0], array=before[1])


def _problem(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:MAX_PROBLEM]}"


def op_nd_load(session: "Session | None", path: str) -> dict[str, Any]:
    """``mxnet.nd.load(path)`` in the file's own shape semantics (see the module's docstring)."""
    problem = ""
    for np_shape in (False, True):
        try:
            with shape_semantics(np_shape):
                value = _LOAD(path)
            return {"value": value, "np_shape": np_shape, "problem": None}
        except Exception as exc:  # noqa: BLE001 - the file is the student's
            problem = _problem(exc)
            if "shape semantics" not in str(exc):
                break
    return {"value": None, "np_shape": None, "problem": problem}


def op_load_parameters(session: "Session", handle: int, path: str) -> dict[str, Any]:
    """``block.load_parameters(path)`` (see the module's docstring)."""
    try:
        session.objects[handle].load_parameters(path)
    except Exception as exc:  # noqa: BLE001 - the file is the student's
        return {"problem": _problem(exc)}
    return {}


def op_save_parameters(session: "Session", handle: int, path: str) -> dict[str, Any]:
    """``block.save_parameters(path)``."""
    with session.student("save_parameters"):
        session.objects[handle].save_parameters(path)
    return {}


FILE_OPS: dict[str, Callable[..., dict[str, Any]]] = {
    **NEUTRAL_FILE_OPS, "nd_load": op_nd_load, "safe_load": op_nd_load, "load_parameters": op_load_parameters,
    "save_parameters": op_save_parameters}
