"""The Gluon track's operations module: what a worker does on a student's MXNet Gluon module.

The worker loop (:mod:`grader.sandbox.worker`) imports it by name in the managed environment's
interpreter (:mod:`grader.tracks.gluon.env`) and asks :class:`Session` to ``run(op, args)``; the
judge runs the same operations on the reference in a second, trusted worker. Every answer is a dict
of plain data (arrays and contexts cross through :mod:`~grader.tracks.gluon.worker.arrays`). Here:

- ``import`` (``module``): import the exercise module; ``notebook``: where a notebook's run stopped;
- ``build`` (``spec``, ``seed``): evaluate a spec (:mod:`~grader.tracks.gluon.worker.specs`), keep it
  under a handle: ``{handle, type, is_block}``;
- ``value`` (``spec``, ``seed=0``, ``keep=False``): evaluate a spec (a call of the student's function)
  and answer its ``value`` (and ``type``; ``handle`` too when ``keep``);
- ``initialize`` (``handle``, ``seed``, ``init=None`` a spec, ``force_reinit=False``, ``ctx=None``):
  ``block.initialize(init, ctx, force_reinit=...)``;
- ``forward`` (``handle``, ``inputs``, ``seed=None``, ``ctx=None``): call the block on the judge's
  arrays (copied to ``ctx`` first when given): ``{output}``;
- ``call_method`` (``handle``, ``name``, ``args=[]``, ``kwargs={}``): ``obj.name(*args, **kwargs)``;
- ``locate`` (``on``): whether answers may name the module's lines (off on the reference);
- ``process``: facts about this process (threads, MXNet engine, versions), for the tests;

and, from the ``ops_*`` modules: ``state``, ``assign`` (:mod:`~.ops_params`); ``backward``, ``train``
(:mod:`~.ops_autograd`); ``trace``, ``derive`` (:mod:`~.ops_trace`); ``exists``, ``listdir``,
``remove``, ``nd_load``, ``load_parameters``, ``save_parameters`` (:mod:`~.ops_files`);
``simulate_gpus``, ``forward_on`` (:mod:`~.ops_devices`).

Importing it registers the MXNet codecs and starts MXNet's engine once with stderr silenced (so its
"start using engine" line is not reported as the student's output). It refuses to load unless MXNet
runs its NaiveEngine with one OpenMP thread and the process is still single-threaded: the worker
confines itself per thread (Landlock, seccomp) after the fork, so no thread may exist before. It
also takes back the fatal signals libmxnet's own handler catches (a segfault is then reported as one).

Example (in the Gluon environment):
    >>> import types
    >>> from mxnet.gluon import nn
    >>> s = Session(types.SimpleNamespace(Dense=nn.Dense), root=None)
    >>> h = s.run("build", {"spec": {"kind": "call", "fn": {"kind": "attr", "name": "Dense"},
    ...                               "args": [{"kind": "value", "value": 4}], "kwargs": {}}, "seed": 0})["handle"]
    >>> s.run("state", {"handle": h})["shapes"]
    {'weight': [4, 0], 'bias': [4]}
    >>> s.run("initialize", {"handle": h, "seed": 0, "ctx": "cpu(1)"})
    {}
    >>> s.run("state", {"handle": h})["contexts"]["weight"]
    ['cpu(1)']
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import signal
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import mxnet
import numpy
from mxnet import gluon

from grader.sandbox import session as session_core
from grader.sandbox.notebook_op import NOTEBOOK_OPS
from grader.sandbox.session import StudentCodeError
from grader.tracks.gluon.worker.arrays import as_context, plain
from grader.tracks.gluon.worker.blocks import reseed_for
from grader.tracks.gluon.worker.inputs import place, reseed, settle
from grader.tracks.gluon.worker.ops_autograd import AUTOGRAD_OPS
from grader.tracks.gluon.worker.ops_devices import DEVICE_OPS
from grader.tracks.gluon.worker.ops_files import FILE_OPS
from grader.tracks.gluon.worker.ops_params import PARAM_OPS
from grader.tracks.gluon.worker.ops_trace import TRACE_OPS
from grader.tracks.gluon.worker.specs import evaluate

__all__ = ["Session", "StudentCodeError", "OPS", "cuda_present", "threads", "contexts_arg"]

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


def _default_fault_signals() -> None:
    """Give the fatal signals back their default action. libmxnet installs a SIGSEGV handler of its own
    when it loads, which prints "Segmentation fault: 11" and exits with status 255: the judge would
    then report a segfault of the student's code as a plain exit (``sys.exit`` or ``os._exit``?). With
    the default action the worker's faulthandler dumps the stack and the process dies by the signal."""
    for sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL):
        signal.signal(sig, signal.SIG_DFL)


_default_fault_signals()


def cuda_present() -> bool:
    """The CPU build of MXNet 1.9.1 never uses CUDA (RLIMIT_AS stays on)."""
    return False


class Session(session_core.Session):
    """The worker core's session (:class:`grader.sandbox.session.Session`) with the Gluon operations
    (:data:`OPS`) and spec nodes (:mod:`~grader.tracks.gluon.worker.specs`)."""

    def __init__(self, namespace: Any, root: Path | None) -> None:
        super().__init__(namespace, root, OPS, specs=evaluate)


def contexts_arg(ctx: Any) -> Any:
    """A request's ``ctx`` (text, a context, or a list of them) as MXNet takes it; None stays None."""
    if ctx is None:
        return None
    if isinstance(ctx, (list, tuple)):
        return [as_context(c) for c in ctx]
    return as_context(ctx)


def op_import(session: Session, module: str) -> dict[str, Any]:
    with session.student("import"):
        session.namespace = importlib.import_module(module)
    path = getattr(session.namespace, "__file__", None)
    return {"file": path and os.path.basename(path)}


def op_build(session: Session, spec: dict[str, Any], seed: int | None = None) -> dict[str, Any]:
    reseed(seed)
    with session.student("build"):
        obj = session.eval_spec(spec)
    return {"handle": session.store(obj), "type": type(obj).__name__, "is_block": isinstance(obj, gluon.Block)}


def op_value(session: Session, spec: dict[str, Any], seed: int | None = 0, keep: bool = False) -> dict[str, Any]:
    """Evaluate a spec (typically a call of the student's function such as ``param_shapes(net)``) and
    answer its value, NumPy scalars made Python numbers; ``keep`` also stores it under a handle."""
    reseed(seed)
    with session.student("call"):
        value = session.eval_spec(spec)
        settle(value)
    answer: dict[str, Any] = {"value": plain(value), "type": type(value).__name__}
    if keep:
        answer["handle"] = session.store(value)
    return answer


def op_initialize(session: Session, handle: int, seed: int | None = None, init: dict[str, Any] | None = None,
                  force_reinit: bool = False, ctx: Any = None) -> dict[str, Any]:
    """``block.initialize(init, ctx, force_reinit=...)``; ``init`` is a spec (``{"kind": "mx", "name":
    "init.Xavier"}`` called, or the student's ``MyInit()``) or a name MXNet knows (``"xavier"``), ``ctx``
    text such as ``"cpu(1)"`` or a list. A parameter's own initializer (``Dense``'s bias: ``'zeros'``)
    wins over ``init``, as in MXNet."""
    reseed(seed)
    with session.student("initialize"):
        initializer = session.eval_spec(init) if isinstance(init, dict) else init  # a spec, or MXNet's name
        kwargs: dict[str, Any] = {"force_reinit": force_reinit}
        if initializer is not None:
            kwargs["init"] = initializer
        if ctx is not None:
            kwargs["ctx"] = contexts_arg(ctx)
        session.objects[handle].initialize(**kwargs)
    return {}


def op_forward(session: Session, handle: int, inputs: list[Any], seed: int | None = None,
               ctx: Any = None) -> dict[str, Any]:
    """``block(*inputs)`` (inputs copied to ``ctx`` first when given): an array, a tuple or list of
    arrays, or a Python number."""
    reseed_for(session.objects[handle], seed)
    args = place(list(inputs), ctx)
    with session.student("forward"):
        output = session.objects[handle](*args)
        settle(output)  # an engine error surfaces here, inside the student's stage
    return {"output": plain(output)}


def _arguments(session: Session, args: list[Any], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    def one(a: Any) -> Any:
        return session.eval_spec(a["spec"]) if isinstance(a, dict) and set(a) == {"spec"} else a

    return [one(a) for a in args], {k: one(v) for k, v in kwargs.items()}


def op_call_method(session: Session, handle: int, name: str, args: list[Any] | None = None,
                   kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """``obj.name(*args, **kwargs)`` on a stored object (``net.initialize``, ``trainer.step``); an
    argument given as ``{"spec": node}`` is evaluated first. Answers the returned ``value``."""
    obj = session.objects[handle]
    with session.student("call"):
        call_args, call_kwargs = _arguments(session, list(args or []), dict(kwargs or {}))
        value = getattr(obj, name)(*call_args, **call_kwargs)
        settle(value)
    return {"value": plain(value), "type": type(value).__name__}


def op_describe(session: Session, handle: int) -> dict[str, Any]:
    """Where the stored object's class, ``__init__`` and ``forward`` (a HybridBlock's ``hybrid_forward``)
    are in the submission's files, for a failure to point at: ``locations`` (``file``, ``class``,
    ``__init__``, ``forward``); empty for the reference's (``locate`` off) and for MXNet's own blocks."""
    obj = session.objects[handle]
    with session.student("describe"):
        where = session.locations(obj) if session.locate else {}
        hybrid = getattr(type(obj), "hybrid_forward", None)
        if session.locate and "forward" not in where and hybrid is not None:
            where = {**where, **{("forward" if k == "class" else k): v for k, v in session.locations(hybrid).items()
                                 if k in ("class", "file")}}
    return {"type": type(obj).__name__, "is_block": isinstance(obj, gluon.Block), "locations": where}


def op_counters(session: Session) -> dict[str, Any]:
    """How many times each ``factory`` spec node was called in this session, by counter name."""
    return {"counters": dict(session.counters)}


def op_locate(session: Session, on: bool) -> dict[str, Any]:
    """Whether answers may name lines of the module's files (the reference's worker turns it off)."""
    session.locate = bool(on)
    return {"locate": session.locate}


def op_process(session: Session) -> dict[str, Any]:
    judge_only = [m for m in ("torch", "scipy", "hypothesis") if importlib.util.find_spec(m) is not None]
    return {"threads": threads(), "engine": os.environ.get("MXNET_ENGINE_TYPE"), "mxnet": mxnet.__version__,
            "numpy": numpy.__version__, "python": sys.executable, "judge_packages": judge_only,
            "np_mode": bool(mxnet.npx.is_np_array())}


OPS: dict[str, Callable[..., dict[str, Any]]] = {
    **NOTEBOOK_OPS, **PARAM_OPS, **AUTOGRAD_OPS, **TRACE_OPS, **FILE_OPS, **DEVICE_OPS,
    "import": op_import, "build": op_build, "value": op_value, "initialize": op_initialize, "forward": op_forward,
    "call_method": op_call_method, "locate": op_locate, "process": op_process, "describe": op_describe,
    "counters": op_counters,
}
