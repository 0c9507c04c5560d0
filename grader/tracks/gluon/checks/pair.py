"""Build the same Gluon block on both sides, initialize it, give it its shapes and the reference's values.

The student's block lives in the confined worker, the reference's in the trusted reference
process (:mod:`grader.tracks.gluon.references`); both answer the same operations. A student's
exception becomes a :class:`~grader.checks.base.Failure` with Gluon's known mistakes as hints.

Example:
    >>> import numpy
    >>> print(show_inputs([numpy.float32([[0.94, -1.5]])]))
    X = nd.array([[0.94, -1.5]])  # shape (1, 2), float32
    >>> print(show_case(ex.MLP(1, 1), [numpy.float32([[0.94]])], "net(X)"))
    net = MLP(1, 1)
    net.initialize()
    X = nd.array([[0.94]])  # shape (1, 1), float32
    net(X)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy

from grader.checks.base import CheckContext, Failure, student_error_failure
from grader.sandbox.client import StudentError
from grader.tracks.gluon.specs import Spec, ex

__all__ = ["Pair", "build_pair", "build_sequential", "sequential_text", "student_call", "gluon_hints", "track_hints", "show_inputs",
           "show_case", "normal", "set_values", "ex"]


def normal(rng: numpy.random.Generator, *shape: int, scale: float = 1.0) -> numpy.ndarray:
    """Standard-normal float32 values from the judge's generator."""
    return (rng.standard_normal(shape) * scale).astype(numpy.float32)


#: words of the framework-neutral hints (grader.checks.base) that speak of PyTorch: never shown here
_PYTORCH_WORDS = ("pytorch", "nn.module", "torch (", "nn.linear", "'cuda'")


def gluon_hints(err: StudentError) -> list[str]:
    """Hints for exceptions that match Gluon's known mistakes."""
    msg, hints = err.message, []
    frames = err.frames
    if err.type == "NotImplementedError" and not (frames and frames[-1].get("in_submission")):
        hints.append("Gluon raised NotImplementedError: your block has no method spelled exactly `forward`, so "
                     "nn.Block's own ran. An nn.Block runs `forward(self, X)`; `hybrid_forward(self, F, X)` is "
                     "run only by an nn.HybridBlock.")
    if "has not been initialized" in msg:
        hints.append("A parameter was never initialized. Either `initialize()` was not called on the block that "
                     "holds it, or the block is not a registered child: blocks kept in a plain Python list or dict "
                     "are invisible to `initialize()` and `collect_params()`; assign each to an attribute, or use "
                     "`self.register_child(block)` (or an `nn.Sequential`).")
    if "has no attribute" in msg and any(k in msg for k in ("'_children'", "'_reg_params'", "'_scope'", "'_prefix'")):
        hints.append("Call `super().__init__(**kwargs)` first thing in your `__init__`: nn.Block must set itself up "
                     "before you assign blocks and parameters to attributes.")
    if "'function' object has no attribute" in msg:
        hints.append("A function is kept where a block belongs: a block factory added without calling it "
                     "(`net.add(make_block)` instead of `net.add(make_block())`) is one way.")
    if "concat.cc" in msg:
        hints.append("Concatenated arrays must have the same size on every axis but the one they are joined on: "
                     "check the axis you concatenate on (`dim=` in `nd.concat`, `axis=` in `np.concatenate`).")
    elif "shape inconsistent" in msg.lower() or "inferred shape" in msg or ("Incompatible" in msg and "shape" in msg):
        hints.append("A layer received an input whose width does not match its weight: the input width fixed where "
                     "deferred initialization is asked for (`nn.Dense(units)`, no `in_units`), the blocks applied in "
                     "another order, or one block used at two different input widths.")
    if "ModuleNotFoundError" in err.type and "'d2l'" in msg:
        hints.append("The `d2l` package is not available while grading, and an exercise file must stand on its own: "
                     "write what you used from `d2l` in your file, importing only mxnet (and your sibling exercise "
                     "modules).")
    if "No GPU" in msg or "CUDA" in msg or "cudaGetDevice" in msg or "GPU is not enabled" in msg:
        hints.append("Your code puts an array on a GPU this machine does not have: do not hard-code `mx.gpu()`; "
                     "use the input's context (`X.context` / `X.ctx`) or `try_gpu()`.")
    return hints


def student_call(check: CheckContext, op: str, /, *, doing: str, case: str = "", **args: Any) -> dict[str, Any]:
    """Ask the student's worker for ``op`` (its arguments may be called ``ctx``: an MXNet context); a
    student exception becomes a :class:`Failure`."""
    try:
        return check.student.request(op, **args)
    except StudentError as err:
        failure = student_error_failure(err, doing=doing, case=case)
        failure.hints = track_hints(err, failure.hints)
        raise failure from None


def track_hints(err: StudentError, hints: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The hints of a student's exception for a Gluon submission: the shared ones that do not speak of
    PyTorch, then Gluon's known mistakes (the track's ``error_hints``: the engine uses it too, for an
    exception at import)."""
    neutral = [h for h in hints if not any(w in h.lower() for w in _PYTORCH_WORDS)]
    return tuple(dict.fromkeys([*neutral, *gluon_hints(err)]))


def show_inputs(arrays: list[Any], names: tuple[str, ...] = ("X",)) -> str:
    """The inputs as Gluon code (small arrays in full, larger ones by shape)."""
    lines = []
    for i, a in enumerate(arrays):
        name = names[i] if i < len(names) else f"arg{i}"
        a = numpy.asarray(a)
        if a.size <= 12:
            values = numpy.round(a.astype(numpy.float64), 4).tolist() if a.dtype.kind == "f" else a.tolist()
            lines.append(f"{name} = nd.array({values})  # shape {tuple(a.shape)}, {a.dtype.name}")
        else:
            lines.append(f"{name}: a {a.dtype.name} array of shape {tuple(a.shape)} (standard-normal values)")
    return "\n".join(lines)


def show_case(spec: Spec, inputs: list[Any], call: str, *, names: tuple[str, ...] = ("X",),
              initialize: bool = True) -> str:
    """The failing case as code a student can paste: build, initialize, inputs, the call."""
    return "\n".join([f"net = {spec}", *(["net.initialize()"] if initialize else []),
                      *([show_inputs(inputs, names)] if inputs else []), call])


def sequential_text(layers: tuple[Spec, ...], name: str = "net") -> str:
    """How a network of ``layers`` is written in Gluon.

    Example:
        >>> from grader.tracks.gluon.specs import nn
        >>> print(sequential_text((nn.Dense(4), nn.Dense(2))))
        net = nn.Sequential()
        net.add(nn.Dense(4), nn.Dense(2))
    """
    return f"{name} = nn.Sequential()\n{name}.add({', '.join(map(str, layers))})"


def build_sequential(runner: Any, layers: tuple[Spec, ...], *, seed: int) -> int:
    """Build ``nn.Sequential()`` holding ``layers`` on one side (``runner``: a worker or the reference),
    returning its handle; nothing of the exercise's code runs (``add`` returns None, so it is called apart)."""
    from grader.tracks.gluon.specs import handle, nn

    built = runner.request("build", spec=nn.Sequential().node, seed=seed)["handle"]
    runner.request("value", spec=handle(built).attr("add")(*layers).node, seed=seed)
    return int(built)


@dataclass
class Pair:
    """A student's block and the reference's, built from one spec, initialized and run once."""

    spec: Spec
    student: int
    reference: int
    placed: dict[str, str] = field(default_factory=dict)  # reference name -> student name
    by_position: bool = False
    #: reference name -> (its shape, the shape of the student's parameter of that name): values not copied
    reshaped: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)  # the reference's parameters yours has no counterpart for
    extra: list[str] = field(default_factory=list)  # the student's parameters the reference's values did not reach

    def alignment_note(self) -> str:
        """Says how the reference's values went in when it was not by name, and which could not go in.

        Example:
            >>> Pair(None, 1, 2, placed={"0.weight": "layers0.weight"}, by_position=True).alignment_note()
            'Parameters matched by position, not by name: 0.weight → layers0.weight.'
            >>> Pair(None, 1, 2, placed={"b": "b"}, reshaped={"w": ((4, 3), (5, 3))}).alignment_note()[:88]
            'Not copied, being of another shape in yours: w (4, 3) in the reference, (5, 3) in yours.'
        """
        notes = []
        if self.by_position:
            pairs = ", ".join(f"{r} → {s}" for r, s in list(self.placed.items())[:6] if r != s)
            if pairs:
                notes.append(f"Parameters matched by position, not by name: {pairs}.")
        if self.reshaped:
            shapes = "; ".join(f"{n} {want} in the reference, {got} in yours"
                               for n, (want, got) in list(self.reshaped.items())[:4])
            notes.append(f"Not copied, being of another shape in yours: {shapes}. Those keep your own initial "
                         "values, so your output is not expected to match: the names check shows the shapes.")
        if self.unmatched:
            notes.append(f"Not copied, having no counterpart in yours: {', '.join(self.unmatched[:6])} (the names "
                         "check lists the names).")
        if self.extra:
            notes.append(f"Yours has parameters the reference's values did not reach: {', '.join(self.extra[:6])}; "
                         "they keep your own initial values.")
        return "\n".join(notes)


def build_pair(ctx: CheckContext, spec: Spec, *, seed: int, inputs: list[Any] | None, case: str,
               align: bool = True) -> Pair:
    """Build ``spec`` on both sides, ``initialize()`` both, run one forward on ``inputs`` (deferred shapes
    are settled there), and with ``align`` give the reference's parameters values drawn from ``seed``
    (:func:`set_values`: biases too, where an initializer's zero biases would hide a missing bias or let
    two different ReLU networks agree on an output of 0) and copy them into the student's block: by
    structural name, else by position when the shapes agree."""
    doing = f"`{spec}`"
    built = student_call(ctx, "build", doing=doing, case=case, spec=spec.node, seed=seed)
    if not built["is_block"]:
        raise Failure(f"`{spec}` returned a {built['type']}, expected a Gluon Block (nn.Block).", case=case)
    ref = ctx.reference.request("build", spec=spec.node, seed=seed)
    pair = Pair(spec=spec, student=built["handle"], reference=ref["handle"])
    student_call(ctx, "initialize", doing=doing, case=case, handle=pair.student, seed=seed)
    ctx.reference.request("initialize", handle=pair.reference, seed=seed)
    if inputs is not None:
        student_call(ctx, "forward", doing=doing, case=case, handle=pair.student, inputs=inputs, seed=seed)
        ctx.reference.request("forward", handle=pair.reference, inputs=inputs, seed=seed)
    if align:
        set_values(ctx.reference, pair.reference, seed)
        _align(ctx, pair, doing=doing, case=case)
    return pair


def _align(ctx: CheckContext, pair: Pair, *, doing: str, case: str) -> None:
    reference = ctx.reference.request("state", handle=pair.reference, values=True)
    mine = student_call(ctx, "state", doing=doing, case=case, handle=pair.student)
    ref_names, my_names = list(reference["names"]), list(mine["names"])
    values = dict(reference.get("values", {}))
    if set(ref_names) <= set(my_names):
        placed = {n: n for n in ref_names if n in values}
    else:
        shapes_agree = len(ref_names) == len(my_names) and all(
            list(reference["shapes"][r]) == list(mine["shapes"][s]) for r, s in zip(ref_names, my_names))
        placed = {r: s for r, s in zip(ref_names, my_names) if r in values} if shapes_agree else \
            {n: n for n in ref_names if n in my_names and n in values}
        pair.by_position = shapes_agree
    given = {s: values[r] for r, s in placed.items()
             if list(reference["shapes"][r]) == list(mine["shapes"].get(s, []))}
    if given:
        student_call(ctx, "assign", doing=doing, case=case, handle=pair.student, values=given)
    pair.placed = {r: s for r, s in placed.items() if s in given}
    pair.reshaped = {r: (tuple(reference["shapes"][r]), tuple(mine["shapes"][s])) for r, s in placed.items()
                     if s not in given and s in mine["shapes"]}
    pair.unmatched = [r for r in ref_names if r not in placed and r in values]
    pair.extra = [s for s in my_names if s not in placed.values()]


def set_values(side: Any, block: int, seed: int, *, scale: float = 0.5) -> list[str]:
    """Give every parameter of ``block`` (on one side: a worker or the reference) values drawn from
    ``seed``, in the order the parameters are listed, so that both sides hold the same values by
    position whatever each side's initialization drew (``mxnet.np`` and ``mxnet.nd`` draw
    differently). Parameters without values yet are skipped; returns the names set.

    Example (in a scenario's steps)::

        set_values(side, net, seed)
    """
    state = side.request("state", handle=block)
    initialized = state.get("initialized", {})
    rng = numpy.random.default_rng(seed)
    values = {}
    for name in state["names"]:
        shape = [int(d) for d in state["shapes"][name]]
        drawn = normal(rng, *shape, scale=scale)
        if initialized.get(name, True) and 0 not in shape:
            values[name] = drawn
    if values:
        side.request("assign", handle=block, values=values)
    return list(values)
