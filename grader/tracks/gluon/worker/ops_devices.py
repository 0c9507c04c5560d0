"""Devices without devices: simulated GPU counts, and a forward on a second context that sees where the
student's code created its arrays.

- ``simulate_gpus`` (``count``): every public route to MXNet's GPU count answers ``count``:
  ``mxnet.context.num_gpus`` (which ``mxnet.npx.num_gpus`` is, and ``mx.test_utils.list_gpus`` counts
  through ``mxnet.util.get_gpu_count``), ``mxnet.util.get_gpu_count``, and every module's name bound to
  one of them (``from mxnet.context import num_gpus`` in the student's module, before or after the
  call). MXNet 1.9.1 has no ``mx.num_gpus``. Answers ``patched`` (``module.name`` each) and ``count``.
  Making ``mx.gpu(i)`` needs no GPU; computing on it does.
- ``forward_on`` (``handle``, ``inputs``, ``ctx``, ``seed=None``, ``move=True``, ``param_ctx=None``): the
  inputs copied to ``ctx`` (``"cpu(1)"``), the block's parameters moved to ``param_ctx`` (a context or a
  list; default ``ctx``; ``reset_ctx``, when ``move`` and they have a context yet), then the call, while every array made by ``mxnet.nd`` / ``mxnet.np``
  ``arange array zeros ones full empty`` and their ``random`` samplers (see :data:`CREATORS`) is
  recorded. Answers ``output``, ``output_ctx`` (the first output array's context, or None) and
  ``created``: ``[{"fn": "nd.arange", "ctx": "cpu(0)", "ctx_given": bool, "in_submission": bool,
  "frame": {file, line, function} or None}]`` in call order, ``in_submission`` when the direct caller
  is a file of the submission (MXNet's own arrays, such as a deferred initialization's, are not) and
  ``frame`` that caller when the session may name lines. The functions are restored afterwards.
  A parameter on a single context gives that copy to ``data()`` whatever the context asked: to see a
  ``weight.data()`` that should read ``weight.data(X.ctx)``, put the parameters on two contexts, neither
  the default one (``param_ctx=["cpu(1)", "cpu(2)"]``, inputs on ``cpu(1)``): ``data()`` then asks for
  ``cpu(0)`` and MXNet raises.

Example (in the Gluon environment):
    >>> import mxnet as mx
    >>> from mxnet import nd
    >>> from grader.tracks.gluon.worker.ops import Session
    >>> class AddPositions(mx.gluon.nn.Block):
    ...     def forward(self, X):
    ...         return X + nd.arange(X.shape[-1])
    >>> s = Session(None, None); s.objects[1] = AddPositions()
    >>> answer = op_forward_on(s, 1, [nd.zeros((2, 3))], "cpu(1)")
    >>> answer["output_ctx"], [(c["fn"], c["ctx"], c["ctx_given"]) for c in answer["created"]]
    ('cpu(1)', [('nd.arange', 'cpu(0)', False)])
    >>> "mxnet.context.num_gpus" in op_simulate_gpus(s, 2)["patched"], mx.context.num_gpus()
    (True, 2)
    >>> _ = op_simulate_gpus(s, 0); mx.npx.num_gpus(), mx.util.get_gpu_count(), len(mx.test_utils.list_gpus())
    (0, 0, 0)
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterator

import mxnet
import mxnet.context
import mxnet.util

from grader.tracks.gluon.worker.arrays import as_context, context_name, is_array, plain
from grader.tracks.gluon.worker.blocks import contexts, reseed_for, structural_params
from grader.tracks.gluon.worker.frames import caller_frame, in_submission
from grader.tracks.gluon.worker.inputs import first_array, place, settle

if TYPE_CHECKING:
    from pathlib import Path

    from grader.sandbox.session import Session

__all__ = ["DEVICE_OPS", "CREATORS", "GPU_COUNTERS", "op_simulate_gpus", "op_forward_on", "recording_creations"]

#: MXNet's own GPU counters (taken when this module is imported, before any patch)
GPU_COUNTERS: tuple[Callable[[], int], ...] = (mxnet.context.num_gpus, mxnet.util.get_gpu_count)
_SIMULATED = "__grader_simulated_gpus__"
#: (module, label prefix, names) of the functions that make arrays, watched by ``forward_on``
CREATORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("mxnet.ndarray", "nd", ("arange", "array", "zeros", "ones", "full", "empty")),
    ("mxnet.ndarray.random", "nd.random", ("uniform", "normal", "randn", "randint")),
    ("mxnet.numpy", "np", ("arange", "array", "zeros", "ones", "full", "empty")),
    ("mxnet.numpy.random", "np.random", ("uniform", "normal", "randn", "randint", "rand")),
)
MAX_CREATED = 256


def _bound_names(targets: dict[int, Any], modules: list[Any]) -> Iterator[tuple[Any, str, Any]]:
    """(module, name, original) for each name of ``modules`` bound to one of ``targets`` (by identity)."""
    for module in modules:
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for name, value in list(namespace.items()):
            if id(value) in targets and targets[id(value)] is value:
                yield module, name, value


def _mxnet_and_submission(root: "Path | None") -> list[Any]:
    """MXNet's modules and the submission's (a file under ``root``: resolved only when its path, as Python
    found it, lies there, so that the hundreds of other modules cost a string comparison each)."""
    prefix = str(root) if root is not None else None
    out = []
    for name, module in list(sys.modules.items()):
        if name == "mxnet" or name.startswith("mxnet."):
            out.append(module)
            continue
        path = getattr(module, "__file__", None) or ""
        if prefix and path.startswith(prefix) and in_submission(path, root):
            out.append(module)
    return out


def op_simulate_gpus(session: "Session", count: int) -> dict[str, Any]:
    """Every public route to the GPU count answers ``count`` (see the module's docstring)."""
    number = int(count)

    def simulated() -> int:
        return number

    setattr(simulated, _SIMULATED, True)
    targets = {id(f): f for f in GPU_COUNTERS}
    for module in _mxnet_and_submission(session.root):
        for value in list(getattr(module, "__dict__", {}).values()):
            if getattr(value, _SIMULATED, False) is True:
                targets[id(value)] = value  # an earlier simulation's count, replaced as well
    patched = []
    for module, name, _value in _bound_names(targets, _mxnet_and_submission(session.root)):
        setattr(module, name, simulated)
        patched.append(f"{module.__name__}.{name}")
    return {"patched": sorted(patched), "count": number}


def _ctx_given(signature: inspect.Signature | None, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    if kwargs.get("ctx") is not None:
        return True
    if signature is None:
        return False
    try:
        bound = signature.bind(*args, **kwargs).arguments
    except TypeError:
        return False
    return bound.get("ctx") is not None


@contextlib.contextmanager
def recording_creations(root: "Path | None", locate: bool) -> Iterator[list[dict[str, Any]]]:
    """Wrap the array-making functions of :data:`CREATORS` (and names bound to them in the submission's
    modules) for the duration; yields the list the records go to (outermost calls only)."""
    created: list[dict[str, Any]] = []
    depth = [0]
    originals: dict[int, tuple[str, Any]] = {}
    for module_name, label, names in CREATORS:
        module = sys.modules.get(module_name)
        for name in names:
            fn = getattr(module, name, None)
            if callable(fn):
                originals[id(fn)] = (f"{label}.{name}", fn)

    def wrap(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        try:
            signature: inspect.Signature | None = inspect.signature(fn)
        except (TypeError, ValueError):
            signature = None

        @functools.wraps(fn)
        def creator(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                return fn(*args, **kwargs)
            depth[0] += 1
            try:
                out = fn(*args, **kwargs)
            finally:
                depth[0] -= 1
            if len(created) < MAX_CREATED:
                frame = caller_frame(root, 1)
                created.append({"fn": label, "ctx": str(out.ctx) if is_array(out) else None,
                                "ctx_given": _ctx_given(signature, args, kwargs), "in_submission": frame is not None,
                                "frame": frame if locate else None})
            return out
        return creator

    wrappers = {key: wrap(label, fn) for key, (label, fn) in originals.items()}
    targets = {key: fn for key, (_label, fn) in originals.items()}
    swapped = []
    for module_name, _label, names in CREATORS:
        module = sys.modules.get(module_name)
        for name in names:
            fn = getattr(module, name, None)
            if fn is not None and id(fn) in wrappers:
                swapped.append((module, name, fn))
    swapped += [(m, n, v) for m, n, v in _bound_names(targets, [m for m in _mxnet_and_submission(root)
                                                                  if not m.__name__.startswith("mxnet")])]
    try:
        for module, name, fn in swapped:
            setattr(module, name, wrappers[id(fn)])
        yield created
    finally:
        for module, name, fn in swapped:
            setattr(module, name, fn)


def _move(block: Any, targets: list[Any]) -> None:
    params = [p for _, p in structural_params(block) if contexts(p)]
    for param in params:
        if [str(c) for c in param.list_ctx()] != [str(c) for c in targets]:
            param.reset_ctx(targets)


def op_forward_on(session: "Session", handle: int, inputs: list[Any], ctx: Any, seed: int | None = None,
                  move: bool = True, param_ctx: Any = None) -> dict[str, Any]:
    """The block called on ``ctx``, its array creations recorded (see the module's docstring)."""
    block = session.objects[handle]
    target = as_context(ctx)
    reseed_for(block, seed)
    args = place(list(inputs), target)
    if move:
        targets = [as_context(c) for c in (param_ctx if isinstance(param_ctx, (list, tuple)) else [param_ctx or target])]
        with session.student("to"):
            _move(block, targets)
    with session.student("forward"):
        with recording_creations(session.root, session.locate) as created:
            output = block(*args)
            settle(output)
    found = first_array(output)
    return {"output": plain(output), "output_ctx": context_name(found.ctx) if found is not None else None,
            "created": created}


DEVICE_OPS: dict[str, Callable[..., dict[str, Any]]] = {"simulate_gpus": op_simulate_gpus,
                                                         "forward_on": op_forward_on}
