"""Check kind: a module handles devices: it runs on ``meta`` (always) and on CUDA (where the worker has it).

Without a GPU, the student's module is moved to ``meta`` and run (forward and
backward) under ``FakeTensorMode`` in the worker: a tensor created in
``forward`` without ``device=`` lands on the CPU and the mixed-device operation
raises; a plain tensor attribute that is not a buffer stays behind on ``.to()``
and raises the same way. The output must be on ``meta`` with the reference's
shape and dtype. Where the worker sees CUDA (the ``cuda_available``
operation) and a module the grader builds itself runs there, the same cases
also run on ``cuda`` with real values, compared with the reference on the CPU
(same parameters).

Example declaration::

    Device(points=2, build=lambda c: ex.AddPositions(),
           inputs=lambda c: [((c["batch"], c["n"]), "float32")], cases=sizes)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import torch
from hypothesis import strategies as st

from grader.checks.base import CheckContext, Failure, GraderFault, student_error_failure
from grader.checks.explore import explore_check
from grader.tracks.pytorch.checks.pair import build_pair, forward_location, student_call
from grader.tracks.pytorch.compare import Tolerance, compare
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.ops_devices import describe_output
from grader.tracks.pytorch.worker.specs import Spec, nn

__all__ = ["Device", "Shaped", "device_hints", "make_values", "cuda_usable"]

#: One forward argument: its shape and dtype name (``((2, 3), "float32")``).
Shaped = tuple[tuple[int, ...], str]

_MIXED = ("different devices", "same device", "two devices", "Device Propagation", "device type",
          "Expected all tensors")
_NO_VALUES = ("Cannot copy out of meta tensor", "data-dependent", "meta tensor", ".item()", "numpy",
              "doesn't support", "Tensor.item", "tolist")


def device_hints(message: str, device: str) -> list[str]:
    """Hints for the errors a device-unaware module raises on ``device``.

    Example:
        >>> message = "Expected all tensors to be on the same device, but found two devices, meta and cpu!"
        >>> print(device_hints(message, "meta")[0][:65])
        A tensor inside forward is on the CPU while the input is on meta.
        >>> device_hints("shape mismatch", "meta")
        []
    """
    hints = []
    if any(s in message for s in _MIXED):
        first = message.strip().splitlines()[0] if message.strip() else ""
        found = re.search(r"devices?,? (\S+?) and (\S+?)!?$", first)
        others = [d for d in (found.groups() if found else ()) if not d.startswith(device)]
        other = others[0] if others else "cpu"
        where = "on the CPU" if other == "cpu" else f"on {other}"
        hints.append(f"A tensor inside forward is {where} while the input is on {device}. Create new tensors "
                     f"on the input's device (`torch.arange(n, device=X.device, dtype=X.dtype)`, "
                     f"`torch.zeros_like(X)`), and register constant tensors as buffers "
                     f"(`self.register_buffer(...)`) so that they follow `.to(device)`.")
    elif any(s in message for s in _NO_VALUES):
        hints.append(f"forward reads tensor values on the host (`.item()`, `.tolist()`, `.numpy()`, a Python "
                     f"`if` on a tensor): on {device} there are no host values to read. Keep the computation in "
                     f"tensor operations.")
    if "cuda" in message.lower() and device == "meta":
        hints.append("Do not hard-code `'cuda'` (or `.cuda()`): use the input's device, `X.device`.")
    return hints


def make_values(shaped: list[Shaped], gen: torch.Generator) -> list[torch.Tensor]:
    """Real input values of the given shapes and dtypes (normal floats, small integers, random booleans).

    Example:
        >>> values = make_values([((2, 3), "float32"), ((4,), "bool")], torch.Generator().manual_seed(0))
        >>> [(tuple(v.shape), v.dtype) for v in values]
        [((2, 3), torch.float32), ((4,), torch.bool)]
    """
    out = []
    for shape, dtype_name in shaped:
        dtype = getattr(torch, dtype_name)
        if dtype.is_floating_point or dtype.is_complex:
            out.append(torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype))
        elif dtype == torch.bool:
            out.append(torch.randint(0, 2, shape, generator=gen).bool())
        else:
            out.append(torch.randint(-50, 50, shape, generator=gen, dtype=torch.int64).to(dtype))
    return out


def _show_inputs(shaped: list[Shaped], device: str, names: tuple[str, ...]) -> str:
    parts = []
    for i, (shape, dtype) in enumerate(shaped):
        name = names[i] if i < len(names) else f"arg{i}"
        parts.append(f"{name} = torch.randn({', '.join(map(str, shape)) or '()'}, dtype=torch.{dtype}, "
                     f"device={device!r})")
    return "\n".join(parts)


def cuda_usable(ctx: CheckContext) -> bool:
    """True when the worker reports CUDA and a module the grader builds runs there.

    The probe keeps a machine whose CUDA the worker cannot use (a driver without devices, a
    memory limit too low for the CUDA runtime) from looking like the student's fault: the
    CUDA branch is then skipped, never failed.
    """
    try:
        if not ctx.student.request("cuda_available")["available"]:
            return False
        probe = ctx.student.request("build", spec=nn.Linear(2, 2).node, seed=0)["handle"]
        ctx.student.request("forward_on", handle=probe, inputs=[], device="cuda",
                            values=[torch.ones(1, 2)])
        return True
    except StudentError:
        return False


@dataclass(frozen=True)
class Device:
    """The student's module runs on ``meta`` under FakeTensorMode with the reference's output
    shape/dtype, and on CUDA (where usable) with the reference's values."""

    build: Callable[[dict[str, Any]], Spec]
    inputs: Callable[[dict[str, Any]], list[Shaped]]
    cases: st.SearchStrategy[dict[str, Any]]
    points: float = 1.0
    id: str = "device"
    title: str = "runs on the meta device (and on CUDA where there is one) like the reference"
    backward: bool = True
    cuda: bool = True
    tol: Tolerance | None = Tolerance(rtol=1e-4, atol=1e-5)
    max_examples: int = 6
    arg_names: tuple[str, ...] = ("X",)
    hints: tuple[str, ...] = ()
    hidden: bool = False
    defaults: tuple[dict[str, Any], ...] = ()

    def run(self, ctx: CheckContext) -> None:
        on_cuda = self.cuda and cuda_usable(ctx)

        def examine(case: dict[str, Any], seed: int) -> None:
            spec, shaped = self.build(case), self.inputs(case)
            self.on_meta(ctx, spec, shaped, seed)
            if on_cuda:
                self.on_device(ctx, spec, shaped, seed, "cuda")

        explore_check(self, ctx, examine)

    def _call(self, n: int) -> str:
        return f"net({', '.join(self.arg_names[:n])})"

    def on_meta(self, ctx: CheckContext, spec: Spec, shaped: list[Shaped], seed: int) -> None:
        """Forward (and backward) on ``meta`` under FakeTensorMode; compare shape, dtype and device."""
        shown = f"net = {spec}.to('meta')\n{_show_inputs(shaped, 'meta', self.arg_names)}\n{self._call(len(shaped))}"
        built = student_call(ctx, "build", doing=f"`{spec}`", case=shown, spec=spec.node, seed=seed)
        inputs = [[list(shape), dtype] for shape, dtype in shaped]
        try:
            got = ctx.student.request("forward_on", handle=built["handle"], inputs=inputs, device="meta",
                                      backward=self.backward)["output"]
        except StudentError as err:
            failure = student_error_failure(err, doing=f"`{spec}` on the meta device", case=shown)
            failure.hints = tuple(dict.fromkeys(list(failure.hints) + device_hints(err.message, "meta")
                                                + list(self.hints)))
            raise failure from None
        expected = _reference_on_meta(ctx, spec, shaped, seed)
        problems = [f"{key}: expected {expected.get(key)}, got {got.get(key)}"
                    for key in ("type", "shape", "dtype", "device") if got.get(key) != expected.get(key)]
        if problems:
            raise Failure(f"Ran {self._call(len(shaped))} on the meta device (no values, only shapes, dtypes and "
                          f"devices) and compared the output with the reference's.\n" + "\n".join(problems),
                          hints=self.hints, location=_forward_line(ctx, built["handle"]), case=shown)

    def on_device(self, ctx: CheckContext, spec: Spec, shaped: list[Shaped], seed: int, device: str) -> None:
        """Forward (and backward) on a real ``device`` with values; compare with the reference on the CPU."""
        values = make_values(shaped, torch.Generator().manual_seed(seed))
        shown = (f"net = {spec}.to({device!r})   # the reference's parameters\n"
                 f"{_show_inputs(shaped, device, self.arg_names)}\n{self._call(len(shaped))}")
        pair = build_pair(ctx, spec, seed=seed)
        try:
            answer = ctx.student.request("forward_on", handle=pair.student, inputs=[], device=device,
                                         backward=self.backward, values=values)
        except StudentError as err:
            failure = student_error_failure(err, doing=f"`{spec}` on {device}", case=shown)
            failure.hints = tuple(dict.fromkeys(list(failure.hints) + device_hints(err.message, device)
                                                + list(self.hints)))
            raise failure from None
        expected = ctx.reference.request("forward", handle=pair.reference, args=values)["output"]
        got_device = str(answer["output"].get("device", ""))
        problems = []
        if isinstance(expected, torch.Tensor) and not got_device.startswith(device):
            problems.append(f"The output is on {got_device or 'no device'}, expected {device}.")
        else:
            diff = compare(answer.get("value"), expected, tol=self.tol)
            if diff:
                problems.append(diff)
        if problems:
            raise Failure(f"Ran {self._call(len(shaped))} on {device} and compared the output with the "
                          f"reference's on the CPU (same parameters).\n" + "\n".join(problems),
                          hints=self.hints, location=_forward_line(ctx, pair.student), case=shown)


def _reference_on_meta(ctx: CheckContext, spec: Spec, shaped: list[Shaped], seed: int) -> dict[str, Any]:
    """What the reference's output is on ``meta``: its shape and dtype, from a run on the CPU.

    The reference is device-correct, so its shapes and dtypes do not depend on the device; the
    first operation on ``meta`` in a process imports ``torch._dynamo`` (about a second), which the
    judge need not pay.
    """
    ref = ctx.reference.request("build", spec=spec.node, seed=seed)["handle"]

    def on_cpu(module: Any) -> dict[str, Any]:
        args = [torch.zeros(shape, dtype=getattr(torch, dtype)) for shape, dtype in shaped]
        try:
            with torch.no_grad():
                out = module(*args)
        except Exception as exc:  # noqa: BLE001 - the reference failing is the grader's problem
            raise GraderFault(f"the reference {spec} failed on {shaped}: {type(exc).__name__}: {exc}") from exc
        return describe_output(out)

    info = dict(ctx.reference.derive(ref, "output on meta", on_cpu, inputs=[[list(s), d] for s, d in shaped]))
    if "device" in info:
        info["device"] = "meta"
    return info


def _forward_line(ctx: CheckContext, handle: int) -> dict[str, Any] | None:
    """:func:`forward_location`, or None when describing the module raises (the failure being
    reported is another)."""
    try:
        return forward_location(ctx, handle, doing="the module")
    except Failure:
        return None
