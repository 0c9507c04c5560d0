"""Helpers the custom-layer exercises share: a summation tolerance, inputs of any shape, a failure with
hints added, and a location in the student's file.

Example:
    >>> import torch
    >>> [tuple(x.shape) for x in any_shape_input({"shape": [2, 3]}, torch.Generator().manual_seed(0))]
    [(2, 3)]
    >>> with_hints(Failure("Tensors are not close", hints=["b"]), ["a"]).hints
    ('a', 'b')
    >>> SUM_TOL.rtol
    1e-05
"""
from __future__ import annotations

from typing import Any

import torch

from grader.checks.base import CheckContext, Failure
from grader.tracks.pytorch.checks.pair import randn
from grader.tracks.pytorch.compare import Tolerance

__all__ = ["SUM_TOL", "any_shape_input", "student_location", "with_hints"]

#: Sums of a few dozen float32 products: allow for another summation order (einsum, a loop, a manual DFT).
SUM_TOL = Tolerance(rtol=1e-5, atol=1e-5)


def any_shape_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    """One standard-normal input of the case's ``shape`` (and ``dtype``, float32 by default)."""
    return [randn(gen, *c["shape"], dtype=getattr(torch, c.get("dtype", "float32")))]


def student_location(ctx: CheckContext, line: int) -> dict[str, Any]:
    """A location in the student's file of this exercise."""
    return {"file": ctx.source_path, "line": line}


def with_hints(failure: Failure, hints: list[str], *, first: bool = True, drop_prefix: str = "",
               location: dict[str, Any] | None = None) -> Failure:
    """A copy of ``failure`` with ``hints`` added (first, by default), dropping hints that
    start with ``drop_prefix``, optionally pointing at another line."""
    kept = [h for h in failure.hints if not (drop_prefix and h.startswith(drop_prefix))]
    new = Failure(failure.feedback, hints=hints + kept if first else kept + hints,
                  location=location or failure.location, case=failure.case, figure=failure.figure)
    if hasattr(failure, "drawn"):
        new.drawn = failure.drawn  # type: ignore[attr-defined]
    return new
