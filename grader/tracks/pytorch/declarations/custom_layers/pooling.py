"""custom_layers/pooling: GlobalAvgPool2d, FlattenLayer and channel_concat.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('custom_layers/pooling', ['global_avg_pool', 'flatten', 'channel_concat'])
"""
from __future__ import annotations

import ast
import re
from typing import Any, Callable

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import CheckContext, Custom, Failure, Forward, Mistake, build_pair
from grader.checks.base import student_error_failure
from grader.tracks.pytorch.checks.draw import batch, cases, width
from grader.tracks.pytorch.checks.layers import any_shape_input, student_location, with_hints
from grader.tracks.pytorch.checks.pair import forward_location, randn
from grader.tracks.pytorch.compare import compare
from grader.mutants import Mutant
from grader.notebooks.places import student_text
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.worker.specs import ex, tensor

# N, C, H and W are drawn all different, so that averaging over the wrong dimensions shows in the shape and
# each mistake has one explanation; equal sizes come among the defaults.
_nchw = cases(shape=st.lists(st.integers(1, 6), min_size=4, max_size=4, unique=True))
_GAP_DEFAULTS = ({"shape": [2, 3, 5, 7]}, {"shape": [1, 1, 1, 1]}, {"shape": [2, 2, 3, 3]})


def _mean_over(dims: tuple[int, int], keepdim: bool) -> Callable[[torch.nn.Module, torch.Tensor], Any]:
    return lambda m, X: X.mean(dim=dims, keepdim=keepdim)


_SPATIAL = "The spatial dimensions of (N, C, H, W) are 2 and 3: `X.mean(dim=(2, 3), keepdim=True)`."
_GAP_MISTAKES = (
    Mistake("Your output equals `X.mean(dim=(2, 3))` of shape (N, C): keep the averaged dimensions as size 1 "
            "with `keepdim=True`, so the result is (N, C, 1, 1).", _mean_over((2, 3), False)),
    *[Mistake(f"Your output equals `X.mean(dim={d}{', keepdim=True' if k else ''})`: averaged over the wrong "
              f"dimensions. " + _SPATIAL, _mean_over(d, k))
      for d in ((0, 1), (1, 2), (1, 3), (0, 2), (0, 3)) for k in (True, False)],
    Mistake("Your output equals the sum over H and W: divide by H·W, i.e. take the mean. " + _SPATIAL,
            lambda m, X: X.sum(dim=(2, 3), keepdim=True)),
    Mistake("Your output equals the maximum over H and W: this layer averages. " + _SPATIAL,
            lambda m, X: X.amax(dim=(2, 3), keepdim=True)),
    Mistake("Your output equals `X.mean()`, one number for the whole batch. " + _SPATIAL, lambda m, X: X.mean()),
)

_flat_cases = cases(shape=st.lists(width(1, 4), min_size=1, max_size=4), batch=batch(1, 4))
_FLAT_DEFAULTS = ({"shape": [3, 4, 5], "batch": 2},)


def _flat_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], *c["shape"])]


_FLAT_MISTAKES = (
    Mistake("Your output equals `X.reshape(-1)`: the batch dimension was flattened too. Keep it: "
            "`X.reshape(X.shape[0], -1)` (or `X.flatten(start_dim=1)`).", lambda m, X: X.reshape(-1)),
    Mistake("Your output equals `X.reshape(-1, X.shape[-1])`: that keeps the last dimension, not the batch. "
            "Use `X.reshape(X.shape[0], -1)`.", lambda m, X: X.reshape(-1, X.shape[-1]) if X.dim() > 2 else None),
    Mistake("Your output equals `X.reshape(-1, X.shape[0])`: the batch dimension must stay first. "
            "Use `X.reshape(X.shape[0], -1)`.",
            lambda m, X: X.reshape(-1, X.shape[0]) if X.shape[0] not in (X[0].numel(), X.shape[-1]) else None),
)


def _concat_cases() -> st.SearchStrategy[dict[str, Any]]:
    return cases(batch=batch(1, 3), channels=st.lists(width(1, 4), min_size=1, max_size=4),
                 spatial=st.lists(width(1, 4), min_size=0, max_size=2))


_CONCAT_MISTAKES: tuple[tuple[str, Callable[[list[torch.Tensor]], torch.Tensor]], ...] = (
    ("Your result is concatenated along dimension 0 (the batch): the channels are dimension 1, "
     "`torch.cat(xs, dim=1)`.", lambda xs: torch.cat(xs, dim=0)),
    ("Your result is concatenated along the last dimension: the channels are dimension 1, "
     "`torch.cat(xs, dim=1)`.", lambda xs: torch.cat(xs, dim=-1)),
    ("Your result equals `torch.stack(xs, dim=1)`, which adds a new dimension: concatenate along the existing "
     "channel dimension with `torch.cat(xs, dim=1)`.", lambda xs: torch.stack(xs, dim=1)),
)


def _describe_tensors(names: list[str], xs: list[torch.Tensor]) -> str:
    return "\n".join(f"{n} = torch.randn{tuple(x.shape)}" for n, x in zip(names, xs))


def _channel_concat(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    """channel_concat(*xs) equals the reference's, for tensors differing in dimension 1 only."""
    gen = torch.Generator().manual_seed(seed)
    xs = [randn(gen, case["batch"], c, *case["spatial"]) for c in case["channels"]]
    names = [chr(ord("a") + i) for i in range(len(xs))]
    spec = ex.channel_concat(*[tensor(x) for x in xs])
    shown = f"{_describe_tensors(names, xs)}\nchannel_concat({', '.join(names)})"
    try:
        got = ctx.student.request("value", spec=spec.node, seed=seed)["value"]
    except StudentError as err:
        failure = student_error_failure(err, doing="`channel_concat`", case=shown)
        raise with_hints(failure, _varargs_hint(ctx) if err.type == "TypeError" else _cat_dim_hint(err)) from None
    expected = ctx.reference.request("value", spec=spec.node, seed=seed)["value"]
    diff = compare(got, expected)
    if diff is None:
        return
    hints = []
    for hint, wrong in _CONCAT_MISTAKES:
        try:
            if compare(got, wrong(xs)) is None:
                hints.append(hint)
        except RuntimeError:
            continue
    raise Failure(f"Compared channel_concat({', '.join(names)}) with the reference's.\n{diff}", hints=hints,
                  location=_function_line(ctx, "channel_concat"), case=shown)


def _function_def(ctx: CheckContext, name: str) -> ast.FunctionDef | None:
    """The module-level ``def name`` of the student's file (parsed as text, never run)."""
    try:
        tree = ast.parse(student_text(ctx.submission_root, ctx.source_path))
    except (OSError, SyntaxError, ValueError):
        return None
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return found[-1] if found else None


def _function_line(ctx: CheckContext, name: str) -> dict[str, Any] | None:
    node = _function_def(ctx, name)
    return student_location(ctx, node.lineno) if node else None


def _cat_dim_hint(err: StudentError) -> list[str]:
    """torch.cat along another dimension than 1 refuses tensors whose channel counts differ."""
    found = re.search(r"except in dimension (-?\d+)", err.message)
    if found is None or found.group(1) == "1":
        return []
    return [f"The tensors were concatenated along dimension {found.group(1)}; they have the same size everywhere "
            f"except in the channel dimension 1, which is where to concatenate: `torch.cat(xs, dim=1)`."]


def _varargs_hint(ctx: CheckContext) -> list[str]:
    node = _function_def(ctx, "channel_concat")
    if node is None or node.args.vararg is not None:
        return []
    return ["channel_concat receives the tensors as separate arguments, `channel_concat(a, b, c)`: define it "
            "as `def channel_concat(*xs)`, so that `xs` is the tuple of them."]


EXERCISE = Exercise("custom_layers/pooling", "GlobalAvgPool2d, FlattenLayer and channel_concat", (
    Forward(id="global_avg_pool", points=2, build=lambda c: ex.GlobalAvgPool2d(), inputs=any_shape_input,
            cases=_nchw, defaults=_GAP_DEFAULTS, mistakes=_GAP_MISTAKES,
            title="GlobalAvgPool2d: (N, C, H, W) -> (N, C, 1, 1), the mean over H and W"),
    Forward(id="flatten", points=2, build=lambda c: ex.FlattenLayer(), inputs=_flat_input, cases=_flat_cases,
            defaults=_FLAT_DEFAULTS, mistakes=_FLAT_MISTAKES,
            title="FlattenLayer: (N, ...) -> (N, prod(...)), inputs of rank 2 to 5"),
    Custom(id="channel_concat", points=2, examine=_channel_concat, cases=_concat_cases(), max_examples=10,
           defaults=({"batch": 2, "channels": [1, 3, 2], "spatial": [3]},),
           title="channel_concat(*xs): concatenation along dimension 1, for 1 to 4 tensors of rank 2 to 4"),
))

# -- hidden: FlattenLayer on a non-contiguous input -----------------------------------------------

_VIEW_HINT = ("`.view` only works when the memory layout allows it, and a transposed or permuted tensor is not "
              "contiguous. Use `X.reshape(X.shape[0], -1)` or `X.flatten(start_dim=1)`, which copy when needed.")


def _flatten_non_contiguous(ctx: CheckContext, case: dict[str, Any], seed: int) -> None:
    """FlattenLayer on a transposed view (built in the worker, so it stays non-contiguous)."""
    spec = ex.FlattenLayer()
    pair = build_pair(ctx, spec, seed=seed)
    X = randn(torch.Generator().manual_seed(seed), case["batch"], *case["shape"])
    arg = {"spec": tensor(X).attr("transpose")(1, -1).node}
    shape = tuple(X.transpose(1, -1).shape)
    shown = (f"net = {spec}\nX = torch.randn{(case['batch'], *case['shape'])}.transpose(1, -1)  "
             f"# shape {shape}, not contiguous\nnet(X)")
    try:
        out = ctx.student.request("forward", handle=pair.student, args=[arg])["output"]
    except StudentError as err:
        failure = student_error_failure(err, doing=f"`{spec}` on a transposed input", case=shown)
        view = "view" in err.message and ("stride" in err.message or "contiguous" in err.message)
        raise with_hints(failure, [_VIEW_HINT] if view else []) from None
    expected = ctx.reference.request("forward", handle=pair.reference, args=[arg])["output"]
    diff = compare(out, expected)
    if diff:
        raise Failure(f"Compared the output of net(X) for a non-contiguous X (a transposed view) with the "
                      f"reference's.\n{diff}",
                      location=forward_location(ctx, pair.student, doing=f"`{spec}`"), case=shown)


HIDDEN = (
    Custom(id="flatten_non_contiguous", points=1, examine=_flatten_non_contiguous, max_examples=3,
           cases=cases(shape=st.lists(width(2, 4), min_size=2, max_size=3), batch=batch(1, 3)),
           title="FlattenLayer: works on a non-contiguous input (a transposed view)"),
)


# -- known-bad submissions ------------------------------------------------------------------------

_POOL = "return X.mean(dim=(2, 3), keepdim=True)"
_FLAT = "return X.flatten(start_dim=1)"
_CONCAT = "return torch.cat(xs, dim=1)"
_NO_KEEPDIM = ["Shape mismatch", "keepdim=True", "(N, C, 1, 1)"]
_FLAT_BATCH = ["Shape mismatch", "X.reshape(-1)", "batch dimension was flattened"]
_VIEW = ["view size is not compatible", ".transpose(1, -1)", "not contiguous", "X.flatten(start_dim=1)"]
_ONE_EXPLANATION = "averaged over the wrong dimensions"  # each pooling mistake has one explanation

MUTANTS = (
    Mutant("pool_without_keepdim", "`GlobalAvgPool2d` drops the pooled dimensions (no `keepdim=True`).",
           edits=[(_POOL, "return X.mean(dim=(2, 3))")],
           fails={"global_avg_pool": _NO_KEEPDIM}, absent={"global_avg_pool": _ONE_EXPLANATION},
           passes=["flatten", "channel_concat", "flatten_non_contiguous"]),
    Mutant("flatten_batch_too", "`FlattenLayer` flattens the batch dimension too.",
           edits=[(_FLAT, "return X.reshape(-1)")],
           fails={"flatten": _FLAT_BATCH}, passes=["global_avg_pool", "channel_concat"]),
    Mutant("flatten_with_view", "`FlattenLayer` uses `.view`, which fails on a non-contiguous input.",
           edits=[(_FLAT, "return X.view(X.shape[0], -1)")],
           fails={"flatten_non_contiguous": _VIEW}, passes=["global_avg_pool", "flatten", "channel_concat"]),
    Mutant("concat_with_stack", "`channel_concat` uses `torch.stack` instead of `torch.cat`.",
           edits=[(_CONCAT, "return torch.stack(xs, dim=1)")],
           fails={"channel_concat": ["torch.stack(xs, dim=1)"]}),
    Mutant("no_keepdim_flatten_batch_concat_dim0",
           "Three bugs: no `keepdim=True`, the batch flattened too, concatenation along dimension 0.",
           edits=[(_POOL, "return X.mean(dim=(2, 3))"), (_FLAT, "return X.reshape(-1)"),
                  (_CONCAT, "return torch.cat(xs, dim=0)")],
           fails={"global_avg_pool": _NO_KEEPDIM, "flatten": _FLAT_BATCH,
                  "channel_concat": ["Shape mismatch", "channel_concat(a", "dimension 0 (the batch)"]},
           absent={"global_avg_pool": _ONE_EXPLANATION}),
    Mutant("wrong_dims_and_view_flatten",
           "Two bugs: the mean over dimensions (1, 2), and the book's `.view` flatten.",
           edits=[(_POOL, "return X.mean(dim=(1, 2), keepdim=True)"), (_FLAT, "return X.view(X.shape[0], -1)")],
           fails={"global_avg_pool": ["X.mean(dim=(1, 2), keepdim=True)", "wrong dimensions"],
                  "flatten_non_contiguous": _VIEW},
           absent={"global_avg_pool": "keep the averaged dimensions as size 1"},
           passes=["flatten", "channel_concat"]),
    Mutant("max_pool_and_concat_last_dim", "Two bugs: max pooling, and concatenation along the last dimension.",
           edits=[(_POOL, "return F.max_pool2d(X, kernel_size=X.shape[2:])"), (_CONCAT, "return torch.cat(xs, dim=-1)"),
                  ("from torch import nn\n", "from torch import nn\nfrom torch.nn import functional as F\n")],
           fails={"global_avg_pool": ["maximum over H and W"], "channel_concat": ["last dimension"]}),
    Mutant("flatten_last_dim_and_concat_list",
           "Two bugs: the last dimension kept instead of the batch, and `channel_concat(xs)` taking one list.",
           edits=[(_FLAT, "return X.reshape(-1, X.shape[-1])"),
                  ("def channel_concat(*xs: torch.Tensor)", "def channel_concat(xs: torch.Tensor)")],
           fails={"flatten": ["X.reshape(-1, X.shape[-1])"],
                  "channel_concat": ["TypeError", "def channel_concat(*xs)"]},
           passes=["global_avg_pool"]),
)
