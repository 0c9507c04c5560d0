"""The Gluon track's operations module: what a worker does on a student's MXNet Gluon module.

The worker loop (:mod:`grader.sandbox.worker`) imports it by name in the managed environment's
interpreter (:mod:`grader.tracks.gluon.env`) and asks :class:`Session` to ``run(op, args)``:

- ``import`` (``module``): import the exercise module;
- ``build`` (``spec``, ``seed``): evaluate a spec (:mod:`~grader.tracks.gluon.worker.specs`), keep it
  under a handle;
- ``initialize`` (``handle``, ``seed``, ``force_reinit``): ``block.initialize()``;
- ``forward`` (``handle``, ``inputs``, ``seed``): call the block on arrays the judge sent;
- ``state`` (``handle``, ``values``): the parameters by structural name, as ``save_parameters``
  writes them (a shared parameter once, under its first name; a deferred dimension as 0);
- ``process``: facts about this process (threads, MXNet engine, versions), for the tests.

Importing it registers the MXNet array codec (:mod:`~grader.tracks.gluon.worker.arrays`) and
starts MXNet's engine once with stderr silenced (so its "start using engine" line is not
reported as the student's output). It refuses to load unless MXNet runs its NaiveEngine with
one OpenMP thread and the process is still single-threaded: the worker confines itself per
thread (Landlock, seccomp) after the fork, so no thread may exist before.

Example (in the Gluon environment):
    >>> import types
    >>> from mxnet.gluon import nn
    >>> s = Session(types.SimpleNamespace(Dense=nn.Dense), root=None)
    >>> h = s.run("build", {"spec": {"kind": "call", "fn": {"kind": "attr", "name": "Dense"},
    ...                               "args": [{"kind": "value", "value": 4}], "kwargs": {}}, "seed": 0})["handle"]
    >>> s.run("state", {"handle": h})["shapes"]
    {'weight': [4, 0], 'bias': [4]}
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import mxnet
import numpy
from mxnet import gluon

from grader.tracks.gluon.worker import arrays  # noqa: F401 - registers the MXNet array codec
from grader.sandbox import session as session_core
from grader.sandbox.session import StudentCodeError
from grader.tracks.gluon.worker.specs import evaluate

__all__ = ["Session", "StudentCodeError", "OPS", "cuda_present", "threads"]

REQUIRED_ENV = {"MXNET_ENGINE_TYPE": "NaiveEngine", "OMP_NUM_THREADS": "1"}


def threads() -> int:
    """This process's OS threads."""
    return len(os.listdir("/proc/self/task"))


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _start_engine() -> None:
    wrong = {k: os.environ.get(k) for k, v in REQUIRED_ENV.items() if os.environ.get(k) != v}
    if wrong:
        raise RuntimeError(f"the Gluon worker needs {REQUIRED_ENV} (threads would start before confinement); got {wrong}")
    with _stderr_silenced():
        mxnet.nd.zeros((1,)).wait_to_read()
    if threads() != 1:
        raise RuntimeError(f"MXNet started {threads() - 1} thread(s): the workers could not confine themselves")


_start_engine()


def cuda_present() -> bool:
    """The CPU build of MXNet 1.9.1 never uses CUDA (RLIMIT_AS stays on)."""
    return False


def _seed(seed: int | None) -> None:
    if seed is not None:
        mxnet.random.seed(seed)
        numpy.random.seed(seed)


class Session(session_core.Session):
    """The worker core's session (:class:`grader.sandbox.session.Session`) with the Gluon operations
    (:data:`OPS`) and spec nodes (:mod:`~grader.tracks.gluon.worker.specs`)."""

    def __init__(self, namespace: Any, root: Path | None) -> None:
        super().__init__(namespace, root, OPS, specs=evaluate)


def op_import(session: Session, module: str) -> dict[str, Any]:
    with session.student("import"):
        session.namespace = importlib.import_module(module)
    path = getattr(session.namespace, "__file__", None)
    return {"file": path and os.path.basename(path)}


def op_build(session: Session, spec: dict[str, Any], seed: int | None = None) -> dict[str, Any]:
    _seed(seed)
    with session.student("build"):
        obj = session.eval_spec(spec)
    return {"handle": session.store(obj), "type": type(obj).__name__, "is_block": isinstance(obj, gluon.Block)}


def op_initialize(session: Session, handle: int, seed: int | None = None, force_reinit: bool = False) -> dict[str, Any]:
    _seed(seed)
    with session.student("initialize"):
        session.objects[handle].initialize(force_reinit=force_reinit)
    return {}


def op_forward(session: Session, handle: int, inputs: list[Any], seed: int | None = None) -> dict[str, Any]:
    _seed(seed)
    with session.student("forward"):
        output = session.objects[handle](*inputs)
        if isinstance(output, mxnet.nd.NDArray):
            output.wait_to_read()  # an engine error surfaces here, inside the student's stage
    return {"output": output}


def structural_params(block: Any) -> list[tuple[str, Any]]:
    """(name, parameter) as ``save_parameters`` names them, each parameter once under its first name."""
    seen: set[int] = set()
    out = []
    for name, param in block._collect_params_with_prefix().items():
        if id(param) not in seen:
            seen.add(id(param))
            out.append((name, param))
    return out


def _shape(param: Any) -> list[int]:
    return [max(int(d), 0) for d in (param.shape or ())]  # deferred: 0 (nd) or -1 (np) -> 0


def op_state(session: Session, handle: int, values: bool = False) -> dict[str, Any]:
    with session.student("state"):
        params = structural_params(session.objects[handle])
        answer: dict[str, Any] = {"names": [n for n, _ in params], "shapes": {n: _shape(p) for n, p in params},
                                  "dtypes": {n: numpy.dtype(p.dtype).name for n, p in params}}
        if values:
            answer["values"] = {n: p.data() for n, p in params if 0 not in _shape(p)}
    return answer


def op_process(session: Session) -> dict[str, Any]:
    judge_only = [m for m in ("torch", "scipy", "hypothesis") if importlib.util.find_spec(m) is not None]
    return {"threads": threads(), "engine": os.environ.get("MXNET_ENGINE_TYPE"), "mxnet": mxnet.__version__,
            "numpy": numpy.__version__, "python": sys.executable, "judge_packages": judge_only,
            "np_mode": bool(mxnet.npx.is_np_array())}


OPS: dict[str, Callable[..., dict[str, Any]]] = {
    "import": op_import, "build": op_build, "initialize": op_initialize, "forward": op_forward,
    "state": op_state, "process": op_process,
}
