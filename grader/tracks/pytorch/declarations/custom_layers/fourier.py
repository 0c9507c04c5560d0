"""custom_layers/fourier: FourierHalf, the first half of the Fourier coefficients.

Even lengths are graded openly; odd lengths (where ``n // 2`` and ``ceil(n / 2)``
differ) by a hidden check.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('custom_layers/fourier', ['forward_even'])
"""
from __future__ import annotations

from typing import Any

import torch
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import Forward, Mistake
from grader.tracks.pytorch.checks.draw import cases, width
from grader.tracks.pytorch.checks.layers import SUM_TOL
from grader.tracks.pytorch.checks.pair import randn
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

# The first dimension is at least 2, so that no output has a single element: a one-element view with a
# stride (the real part of a complex tensor) does not cross the worker boundary yet (codec).
# Even lengths are drawn from 4 up (n = 2 comes among the defaults): at n = 2, rfft, "no slicing" and the
# right answer's shape (1 coefficient) cannot tell the classic mistakes apart.
_lead = st.lists(width(1, 4), min_size=0, max_size=2).flatmap(
    lambda rest: st.integers(2, 3).map(lambda first: [first, *rest]))
_even_cases = cases(lead=_lead, n=st.integers(2, 6).map(lambda k: 2 * k))


def _fourier(c: dict[str, Any]) -> Spec:
    return ex.FourierHalf()


def _signal(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, *c["lead"], c["n"])]


def _half(n: int) -> int:
    return (n + 1) // 2


_FOURIER_MISTAKES = (
    Mistake("Your output keeps `n // 2` coefficients: for an odd length n that is one too few. Keep "
            "ceil(n / 2) = `(n + 1) // 2`.", lambda m, X: torch.fft.fft(X)[..., : X.shape[-1] // 2]),
    Mistake("Your output equals `torch.fft.rfft(X)`, which has n // 2 + 1 coefficients: for an even n that is "
            "one too many. Slice `torch.fft.fft(X)[..., :(n + 1) // 2]`.",
            lambda m, X: torch.fft.rfft(X) if X.shape[-1] > 2 else None),
    Mistake("Your output has all n coefficients: keep only the first ceil(n / 2), "
            "`torch.fft.fft(X)[..., :(n + 1) // 2]`.", lambda m, X: torch.fft.fft(X) if X.shape[-1] > 1 else None),
    Mistake("Your output equals the magnitudes `fft(X).abs()`: return the complex coefficients themselves "
            "(dtype complex64).", lambda m, X: torch.fft.fft(X)[..., : _half(X.shape[-1])].abs()),
    Mistake("Your output equals the real parts `fft(X).real`: return the complex coefficients themselves "
            "(dtype complex64).", lambda m, X: torch.fft.fft(X)[..., : _half(X.shape[-1])].real),
    Mistake("Your output is sliced along the first dimension (`fft(X)[:k]`): the coefficients are along the "
            "last one, `fft(X)[..., :k]`.",
            lambda m, X: torch.fft.fft(X)[: _half(X.shape[-1])] if X.shape[0] > _half(X.shape[-1]) else None),
    Mistake("Your output equals the FFT over dimension 0: transform the last dimension "
            "(`torch.fft.fft(X, dim=-1)`, the default).",
            lambda m, X: torch.fft.fft(X, dim=0)[..., : _half(X.shape[-1])] if X.shape[0] > 1 else None),
    Mistake("Your output equals the FFT with `norm='ortho'` (scaled by 1 / sqrt(n)): use the default, "
            "unnormalized forward transform.",
            lambda m, X: torch.fft.fft(X, norm="ortho")[..., : _half(X.shape[-1])] if X.shape[-1] > 1 else None),
)

EXERCISE = Exercise("custom_layers/fourier", "FourierHalf: the first half of the Fourier coefficients", (
    Forward(id="forward_even", points=2, build=_fourier, inputs=_signal, cases=_even_cases, tol=SUM_TOL,
            mistakes=_FOURIER_MISTAKES, defaults=({"lead": [2], "n": 2}, {"lead": [2, 3], "n": 8}),
            title="even lengths n: the first n / 2 complex coefficients over the last dimension, rank 2 to 4"),
))

_odd_cases = cases(lead=_lead, n=st.integers(0, 5).map(lambda k: 2 * k + 1))

HIDDEN = (
    Forward(id="forward_odd", points=2, build=_fourier, inputs=_signal, cases=_odd_cases, tol=SUM_TOL,
            mistakes=_FOURIER_MISTAKES, defaults=({"lead": [2, 3], "n": 5},),
            title="odd lengths n: the first (n + 1) / 2 complex coefficients over the last dimension, "
                  "rank 2 to 4"),
)


# -- known-bad submissions ------------------------------------------------------------------------

_FORWARD = "return torch.fft.fft(X, dim=-1)[..., : (n + 1) // 2]"
_COMPLEX = "Dtype mismatch: expected complex64, got float32"

MUTANTS = (
    Mutant("floor_half", "Keeps `n // 2` coefficients instead of `ceil(n / 2)`.",
           edits=[(_FORWARD, "return torch.fft.fft(X)[..., :X.shape[-1] // 2]")],
           fails={"forward_odd": ["Shape mismatch", "`n // 2`", "(n + 1) // 2"]}, passes=["forward_even"]),
    Mutant("magnitudes", "Returns the magnitudes of the coefficients, not the complex values.",
           edits=[(_FORWARD, "return torch.fft.fft(X)[..., :(X.shape[-1] + 1) // 2].abs()")],
           fails={c: [_COMPLEX, "magnitudes"] for c in ("forward_even", "forward_odd")}),
    Mutant("real_parts", "Returns the real parts of the coefficients, not the complex values.",
           edits=[(_FORWARD, "return torch.fft.fft(X)[..., :(X.shape[-1] + 1) // 2].real")],
           fails={c: [_COMPLEX, "real parts"] for c in ("forward_even", "forward_odd")}),
    Mutant("rfft", "`torch.fft.rfft`, which keeps `n // 2 + 1` coefficients.",
           edits=[(_FORWARD, "return torch.fft.rfft(X)")],
           fails={"forward_even": ["Shape mismatch", "torch.fft.rfft(X)", "n // 2 + 1"]}, passes=["forward_odd"]),
    Mutant("fft_over_dim_0", "The FFT runs over dimension 0 instead of the last one.",
           edits=[(_FORWARD, "return torch.fft.fft(X, dim=0)[..., :(X.shape[-1] + 1) // 2]")],
           fails={"forward_odd": ["Tensors are not close", "FFT over dimension 0"]}),
)
