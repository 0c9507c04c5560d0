"""The operations a judge can ask for, run on one exercise module's objects.

The same :class:`Session` runs in the worker on the student's module and in the
judge on the reference, so both sides do exactly the same thing; only plain
data leaves it (see :mod:`grader.sandbox.codec`).

Example:
    >>> import types, torch
    >>> mod = types.SimpleNamespace(Lin=torch.nn.Linear)
    >>> s = Session(mod, root=None)
    >>> h = s.run("build", {"spec": {"kind": "call", "fn": {"kind": "attr", "name": "Lin"},
    ...          "args": [{"kind": "value", "value": 2}, {"kind": "value", "value": 3}],
    ...          "kwargs": {}}, "seed": 0})["handle"]
    >>> sorted(s.run("describe", {"handle": h})["state_keys"])
    ['bias', 'weight']
"""
from __future__ import annotations

import contextlib
import inspect
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Iterator

import torch

from grader.sandbox.inputs_guard import changed_inputs, spy_in_place
from grader.sandbox.structure import describe, tensor_candidates
from grader.sandbox.specs import MissingName, NotCallableName, evaluate

__all__ = ["Session", "StudentCodeError", "OPS"]

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


class Session:
    """Objects built from one exercise module, addressed by integer handles."""

    def __init__(self, namespace: Any, root: Path | None) -> None:
        self.namespace = namespace
        self.root = root.resolve() if root else None
        #: whether answers may say where in the module's files a call came from (and quote the line): the
        #: student's side only; the reference's lines must never reach an answer (a release records them)
        self.locate = True
        self.objects: dict[int, Any] = {}
        self.counters: dict[str, int] = {}
        self._numbers: dict[tuple[str, int], int] = {}
        self._kept: list[Any] = []

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
            return OPS[op](self, **args)
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

    def _store(self, obj: Any) -> int:
        handle = len(self.objects) + 1
        self.objects[handle] = obj
        return handle

    def eval_spec(self, node: dict[str, Any]) -> Any:
        return evaluate(node, namespace=self.namespace, objects=self.objects,
                        counters=self.counters)

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
            try:
                path = inspect.getsourcefile(target)
                if path and self.root and _is_under(path, self.root):
                    out[key] = inspect.getsourcelines(target)[1]
                    out.setdefault("file", os.path.relpath(path, self.root))  # type: ignore[arg-type]
            except (TypeError, OSError):
                continue
        return out


# -- operations -------------------------------------------------------------

def _seed(seed: int) -> None:
    """Seed the CPU generator only (``torch.manual_seed`` also queues lazy CUDA/XPU
    seeding, which costs more than the rest of a request)."""
    torch.random.default_generator.manual_seed(seed)


def op_import(session: Session, module: str) -> dict[str, Any]:
    import importlib

    with session.student("import"):
        session.namespace = importlib.import_module(module)
    return {"file": getattr(session.namespace, "__file__", None) and os.path.basename(session.namespace.__file__)}


def op_build(session: Session, spec: dict[str, Any], seed: int) -> dict[str, Any]:
    from grader.sandbox.ops_params import uninitialized

    _seed(seed)
    with session.student("build"):
        obj = session.eval_spec(spec)
        lazy = uninitialized(obj)
    answer = {"handle": session._store(obj), "type": type(obj).__name__, "is_module": isinstance(obj, torch.nn.Module)}
    return {**answer, "uninitialized": lazy} if lazy else answer


def op_describe(session: Session, handle: int) -> dict[str, Any]:
    with session.student("describe"):
        return describe(session.objects[handle], session)


def op_state(session: Session, handle: int) -> dict[str, Any]:
    """Values of parameters and buffers, each tensor once; ``aliases`` maps every other
    name of a shared tensor (a module used twice) to its first name."""
    module = session.objects[handle]
    tensors: dict[str, torch.Tensor] = {}
    aliases: dict[str, str] = {}
    first: dict[int, str] = {}
    with session.student("state"):
        for name, t, kind in tensor_candidates(module):
            if kind not in ("parameter", "buffer") or isinstance(t, torch.nn.parameter.UninitializedTensorMixin):
                continue
            if id(t) in first:
                aliases[name] = first[id(t)]
            else:
                first[id(t)] = name
                tensors[name] = t.detach().clone()
    return {"tensors": tensors, "aliases": aliases}


def op_assign(session: Session, handle: int, tensors: dict[str, torch.Tensor],
              aliases: dict[str, str] | None = None) -> dict[str, Any]:
    """Copy values into the object's tensors.

    When the object has every name the reference has, by name; otherwise by
    position among tensors of the same shape (a renamed attribute, a plain
    list, 1-based names), then by name for what is left. ``aliases`` (other
    names of one shared reference tensor) go to the same place, or, if the
    object has a separate tensor under that name (an untied copy), get the
    same values too. Returns ``placed``: reference name -> object name.
    """
    module = session.objects[handle]
    with session.student("assign"):
        candidates = tensor_candidates(module)
    by_name: dict[str, torch.Tensor] = {}
    for name, t, _kind in candidates:
        by_name.setdefault(name, t)
    placed: dict[str, str] = {}
    used: set[int] = set()

    def place(ref_name: str, target_name: str, target: torch.Tensor, value: torch.Tensor) -> None:
        _copy(session, target, value)
        placed[ref_name] = target_name
        used.add(id(target))

    def fits(t: torch.Tensor, value: torch.Tensor) -> bool:  # a still-lazy tensor has no shape to fit
        return not isinstance(t, torch.nn.parameter.UninitializedTensorMixin) and list(t.shape) == list(value.shape)

    names_match = all(n in by_name and fits(by_name[n], v) for n, v in tensors.items())
    pending = []
    for name, value in tensors.items():
        if names_match:
            place(name, name, by_name[name], value)
            continue
        match = next(((n, t) for n, t, _ in candidates if id(t) not in used and fits(t, value)), None)
        if match is None:
            pending.append((name, value))
        else:
            place(name, match[0], match[1], value)
    unplaced = []
    for name, value in pending:
        target = by_name.get(name)
        if target is not None and id(target) not in used and fits(target, value):
            place(name, name, target, value)
        else:
            unplaced.append(name)
    for alias, canonical in (aliases or {}).items():
        target = by_name.get(alias)
        if canonical in tensors and target is not None and id(target) not in used \
                and fits(target, tensors[canonical]):
            place(alias, alias, target, tensors[canonical])
        elif canonical in placed:
            placed[alias] = placed[canonical]
        else:
            unplaced.append(alias)
    absent = [n for n in [*tensors, *(aliases or {})] if n not in by_name]  # names the object lacks
    return {"placed": placed, "unplaced": unplaced, "absent": absent}


def _copy(session: Session, target: torch.Tensor, value: torch.Tensor) -> None:
    with session.student("assign"), torch.no_grad():
        target.copy_(value.to(device=target.device) if target.device.type != "meta" else value.to("meta"))


def op_forward(session: Session, handle: int, args: list[Any], kwargs: dict[str, Any] | None = None,
               grad: bool = False) -> dict[str, Any]:
    """``obj(*args, **kwargs)``; ``changed_inputs`` says which tensor arguments the call wrote into,
    and the in-place operation and line that did (see :mod:`grader.sandbox.inputs_guard`)."""
    obj = session.objects[handle]
    call_args = session._resolve_args(args)
    originals = [a.detach().clone() if isinstance(a, torch.Tensor) else a for a in call_args]
    result: dict[str, Any] = {}

    def call(*values: Any) -> None:
        with torch.set_grad_enabled(grad):
            result["output"] = obj(*values, **(kwargs or {}))

    with session.student("forward"):
        changed = changed_inputs(call_args, call)
    answer: dict[str, Any] = {"output": result["output"]}
    if changed:
        fresh = [a.clone() if isinstance(a, torch.Tensor) else a for a in originals]
        answer["changed_inputs"] = {"positions": changed, **spy_in_place(
            fresh, lambda *v: obj(*v, **(kwargs or {})), root=session.root if session.locate else None)}
    return answer


def op_backward(session: Session, handle: int, args: list[Any], upstream: torch.Tensor | None,
                kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Forward, then backward of ``(output * upstream).sum()``; returns every gradient."""
    module = session.objects[handle]
    call_args = session._resolve_args(args)
    named = [(n, t) for n, t, kind in tensor_candidates(module)
             if kind in ("parameter", "unregistered") or (kind == "attribute" and isinstance(t, torch.nn.Parameter))]
    for _, t in named:
        t.grad = None
    with session.student("forward"):
        out = module(*call_args, **(kwargs or {}))
    if not isinstance(out, torch.Tensor):
        return {"output": out, "grads": {}, "connected": False}
    connected = out.requires_grad
    if connected:
        with session.student("backward"):
            target = upstream if upstream is not None and upstream.shape == out.shape else torch.ones_like(out)
            # a scalar loss: backward(grad_tensors) would import sympy (0.5 s) on first use
            (out * target.to(out.dtype)).sum().real.backward()
    grads = {n: (t.grad.detach().clone() if t.grad is not None else None) for n, t in named}
    return {"output": out.detach(), "grads": grads, "connected": connected}


def op_to(session: Session, handle: int, dtype: str | None = None, device: str | None = None) -> dict[str, Any]:
    """``obj.to(dtype)`` / ``obj.to(device)``; keeps the returned object under the same handle."""
    obj = session.objects[handle]
    target: dict[str, Any] = {}
    if dtype:
        target["dtype"] = getattr(torch, dtype)
    if device:
        target["device"] = torch.device(device)
    with session.student("to"):
        moved = obj.to(**target)
    session.objects[handle] = moved if moved is not None else obj
    return {"type": type(session.objects[handle]).__name__}


def op_counters(session: Session) -> dict[str, Any]:
    return {"counters": dict(session.counters)}


def op_value(session: Session, spec: dict[str, Any], seed: int = 0, keep: bool = False) -> dict[str, Any]:
    """Evaluate a spec (typically a call of the student's function) and return its value;
    ``keep`` also stores it under a handle."""
    _seed(seed)
    with session.student("call"):
        value = session.eval_spec(spec)
    answer: dict[str, Any] = {"value": value, "type": type(value).__name__}
    if keep:
        answer["handle"] = session._store(value)
    return answer


def op_ping(session: Session) -> dict[str, Any]:
    return {"pid": os.getpid(), "python": sys.version.split()[0]}


from grader.sandbox.ops_devices import DEVICE_OPS  # noqa: E402
from grader.sandbox.ops_files import FILE_OPS  # noqa: E402
from grader.sandbox.ops_layers import LAYER_OPS  # noqa: E402
from grader.sandbox.ops_params import PARAM_OPS  # noqa: E402
from grader.sandbox.ops_notebook import NOTEBOOK_OPS  # noqa: E402
from grader.sandbox.ops_trace import TRACE_OPS  # noqa: E402

OPS = {**DEVICE_OPS, **FILE_OPS, **LAYER_OPS, **PARAM_OPS, **TRACE_OPS, **NOTEBOOK_OPS,
    "import": op_import, "build": op_build, "describe": op_describe, "state": op_state,
    "assign": op_assign, "forward": op_forward, "backward": op_backward,
    "counters": op_counters, "to": op_to, "value": op_value, "ping": op_ping,
}
