"""Build the same object on both sides, and give the student's the reference's values.

Example (inside a check)::

    pair = build_pair(ctx, ex.MLP(3, 4, 2), seed=7)
    pair.placed   # {'hidden.weight': 'hidden.weight', ...}: reference name -> student name
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from grader.checks.base import CheckContext, Failure, student_error_failure
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import Spec

__all__ = ["Pair", "build_pair", "student_call", "forward_location", "describe_inputs", "randn",
           "inputs_changed_failure"]


@dataclass
class Pair:
    """A student's object and the reference's, built from one spec."""

    spec: Spec
    student: int
    reference: int
    placed: dict[str, str] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)
    absent: list[str] | None = None  # reference names the student's object lacks (None: not asked)

    def alignment_note(self) -> str:
        """Says how the reference's values went in, when it was not simply by name.

        Example:
            >>> Pair(None, 1, 2, placed={"0.weight": "layers.0.weight"}, absent=["0.weight"]).alignment_note()
            'Parameters matched by position, not by name: 0.weight → layers.0.weight.'
            >>> Pair(None, 1, 2, placed={"4.weight": "2.weight"}, absent=[]).alignment_note()  # a tied alias
            ''
        """
        renamed = {r: s for r, s in self.placed.items() if r != s}
        notes = []
        if renamed and (self.absent is None or self.absent):  # every name there: nothing was renamed
            pairs = ", ".join(f"{r} → {s}" for r, s in list(renamed.items())[:6])
            notes.append(f"Parameters matched by position, not by name: {pairs}.")
        if self.unplaced:
            notes.append("Reference tensors with no counterpart in your object (left at your own "
                         f"initial values): {', '.join(self.unplaced[:8])}.")
        return " ".join(notes)


def student_call(ctx: CheckContext, op: str, *, doing: str, case: str = "", **args: Any) -> dict[str, Any]:
    """Ask the worker for ``op``; a student exception becomes a :class:`Failure`."""
    try:
        return ctx.student.request(op, **args)
    except StudentError as err:
        raise student_error_failure(err, doing=doing, case=case) from None


def forward_location(ctx: CheckContext, handle: int, *, doing: str) -> dict[str, Any] | None:
    """The line of the student's ``forward`` of the object behind ``handle`` (its class line when it
    defines none), for a failure to point at; None when it is not in the submission's files. The
    worker is asked: an exception of the student's code there is a :class:`Failure`."""
    loc = student_call(ctx, "describe", doing=doing, handle=handle).get("locations", {})
    return {"file": loc["file"], "line": loc.get("forward", loc.get("class", 0))} if "file" in loc else None


def inputs_changed_failure(ctx: CheckContext, changed: dict[str, Any], handle: int, arg_names: tuple[str, ...],
                           spec: Spec, *, case: str) -> Failure:
    """The forward wrote into the caller's tensors (``changed`` is the worker's ``changed_inputs``):
    which argument, which in-place operation, and the student's line."""
    positions = [int(i) for i in changed.get("positions", [])]
    names = [f"`{arg_names[i]}`" if i < len(arg_names) else f"argument {i + 1}" for i in positions]
    op = str(changed.get("op", ""))
    frame = changed.get("frame") if isinstance(changed.get("frame"), dict) else None
    line = str(frame.get("text", "")) if frame else ""
    how = f" with the in-place operation {op.removeprefix('aten.')}" + (f" (`{line}`)" if line else "") if op else ""
    text = (f"Calling forward of `{spec}` changed its input {', '.join(names)} in place{how}: after the call the "
            f"caller's tensor holds other values. A layer must leave its inputs as it found them.")
    hint = (f"`{line}` writes into the tensor it was given. " if line else "") + \
        ("Compute a new tensor instead: `X = X - X.mean()` rather than `X -= X.mean()`, `torch.relu(X)` rather "
         "than `X.relu_()` or `nn.ReLU(inplace=True)` on the input, `X = X.clone()` before assigning into `X[...]`.")
    where = ({"file": frame["file"], "line": frame["line"]} if frame and frame.get("file")
             else forward_location(ctx, handle, doing=f"`{spec}`"))
    return Failure(text, hints=(hint,), location=where, case=case)


def build_pair(ctx: CheckContext, spec: Spec, *, seed: int, align: bool = True,
               module: bool = True, dry_run: tuple[list[Any], dict[str, Any]] | None = None) -> Pair:
    """Build ``spec`` on both sides (same torch seed); optionally copy the reference's
    parameters and buffers into the student's object (by name, then by position).

    ``dry_run`` (forward's arguments and keyword arguments): when the student's object has
    lazy parameters the reference's has not (``nn.LazyLinear`` where ``nn.Linear`` is
    asked for), one forward without gradients gives them their shapes before the copy, so
    the outputs are judged on their merits (the names check reports the lazy layer)."""
    built = student_call(ctx, "build", doing=f"`{spec}`", case=f"{spec}", spec=spec.node, seed=seed)
    if module and not built["is_module"]:
        raise Failure(f"`{spec}` returned a {built['type']}, expected an nn.Module.", case=f"{spec}")
    ref = ctx.reference.request("build", spec=spec.node, seed=seed)
    pair = Pair(spec=spec, student=built["handle"], reference=ref["handle"])
    if dry_run is not None and built.get("uninitialized") and not ref.get("uninitialized"):
        student_call(ctx, "materialize", doing=f"`{spec}`", case=f"{spec}", handle=pair.student,
                     args=dry_run[0], kwargs=dry_run[1])
    if align and ref["is_module"]:
        state = ctx.reference.request("state", handle=pair.reference)
        placed = student_call(ctx, "assign", doing=f"`{spec}`", case=f"{spec}", handle=pair.student,
                              tensors=dict(state["tensors"]), aliases=dict(state["aliases"]))
        pair.placed = dict(placed["placed"])
        pair.unplaced = list(placed["unplaced"])
        pair.absent = list(placed["absent"]) if "absent" in placed else None
    return pair


def randn(gen: torch.Generator, *shape: int, scale: float = 1.0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Standard-normal values from the judge's generator."""
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).to(dtype)


def describe_inputs(args: list[Any], names: tuple[str, ...] = ("X",)) -> str:
    """Show forward's arguments: small tensors in full, larger ones by shape."""
    parts = []
    for i, arg in enumerate(args):
        name = names[i] if i < len(names) else f"arg{i}"
        if isinstance(arg, torch.Tensor):
            dtype = str(arg.dtype).removeprefix("torch.")
            if arg.numel() <= 12:
                values = torch.round(arg.detach().to(torch.float64) * 1e4) / 1e4 if arg.is_floating_point() else arg
                parts.append(f"{name} = torch.tensor({values.tolist()})  # shape {tuple(arg.shape)}, {dtype}")
            else:
                parts.append(f"{name}: a {dtype} tensor of shape {tuple(arg.shape)} "
                             f"(standard-normal values)")
        else:
            parts.append(f"{name} = {arg!r}")
    return "\n".join(parts)
