"""Compare what the student's code produced with the reference, and say how they differ.

Messages follow torch.testing: structure first (type, shape, dtype, device), then
values: mismatched elements k / n (p%), greatest absolute and relative
difference and where, and the tolerance allowed. Nested values say where
("item ['hidden.weight']").

Example:
    >>> import torch
    >>> compare(torch.zeros(2, 3), torch.zeros(2, 3)) is None
    True
    >>> print(compare(torch.ones(2), torch.zeros(3)))
    Shape mismatch: expected (3,), got (2,).
"""
from __future__ import annotations

import math
from typing import Any

import torch

from grader.checks.compare_values import Arrays, Tolerance, compare_values, describe_plain, not_close, where

__all__ = ["Tolerance", "compare", "describe_value", "tolerance_for"]


_DEFAULTS = {
    torch.float16: Tolerance(1e-3, 1e-3), torch.bfloat16: Tolerance(1.6e-2, 1e-2),
    torch.float32: Tolerance(1.3e-6, 1e-5), torch.float64: Tolerance(1e-7, 1e-7),
    torch.complex64: Tolerance(1.3e-6, 1e-5), torch.complex128: Tolerance(1e-7, 1e-7),
}


def tolerance_for(dtype: torch.dtype) -> Tolerance:
    """torch.testing's default tolerance for ``dtype`` (exact for integers and bool)."""
    return _DEFAULTS.get(dtype, Tolerance(0.0, 0.0))


def describe_value(value: Any) -> str:
    """A short description of a value's type and structure, for messages."""
    if isinstance(value, torch.Tensor):
        return f"Tensor of shape {_shape(value)} and dtype {_dtype(value.dtype)}"
    return describe_plain(value)


def _shape(t: torch.Tensor) -> str:
    return str(tuple(t.shape))


def _dtype(d: torch.dtype) -> str:
    return str(d).removeprefix("torch.")


def compare(actual: Any, expected: Any, *, tol: Tolerance | None = None, path: str = "",
            check_dtype: bool = True, check_device: bool = False) -> str | None:
    """``None`` when ``actual`` matches ``expected``; otherwise a message saying how not (the structure by
    :func:`grader.checks.compare_values.compare_values`, tensors here)."""
    def tensors(a: Any, e: Any, tolerance: Tolerance | None, at: str) -> str | None:
        return _compare_tensors(a, e, tol=tolerance, path=at, check_dtype=check_dtype, check_device=check_device)

    arrays = Arrays(kind=torch.Tensor, compare=tensors, describe=describe_value,
                    expected_text=lambda e: f"a Tensor of shape {_shape(e)}")
    return compare_values(actual, expected, arrays=arrays, tol=tol, path=path)


def _compare_tensors(actual: torch.Tensor, expected: torch.Tensor, *, tol: Tolerance | None, path: str,
                     check_dtype: bool, check_device: bool) -> str | None:
    w = where(path)
    if actual.shape != expected.shape:
        return f"{w}Shape mismatch: expected {_shape(expected)}, got {_shape(actual)}."
    if check_device and actual.device.type != expected.device.type:
        return f"{w}Device mismatch: expected {expected.device}, got {actual.device}."
    if check_dtype and actual.dtype != expected.dtype:
        return f"{w}Dtype mismatch: expected {_dtype(expected.dtype)}, got {_dtype(actual.dtype)}."
    if expected.device.type == "meta" or actual.device.type == "meta":
        return None
    tol = tol or tolerance_for(expected.dtype)
    a, e = actual.detach().cpu(), expected.detach().cpu()
    if a.dtype != e.dtype:
        common = torch.promote_types(a.dtype, e.dtype)
        a, e = a.to(common), e.to(common)
    if e.dtype == torch.bool or not (e.is_floating_point() or e.is_complex()):
        bad = a != e
        diff = (a.to(torch.float64) - e.to(torch.float64)).abs() if e.dtype != torch.bool else bad.to(torch.float64)
        allowed = torch.zeros_like(diff)
    else:
        a64 = a.to(torch.complex128 if e.is_complex() else torch.float64)
        e64 = e.to(a64.dtype)
        diff = (a64 - e64).abs()
        allowed = tol.atol + tol.rtol * e64.abs()
        infinite = torch.isinf(e64) | torch.isinf(a64)  # an infinity matches only itself
        bad = ~(diff <= allowed) | (infinite & (a64 != e64))
        both_nan = torch.isnan(a64) & torch.isnan(e64) if not e.is_complex() else torch.zeros_like(bad)
        same_inf = (a64 == e64) & torch.isinf(e64)
        bad = bad & ~both_nan & ~same_inf
        diff = torch.where(torch.isnan(diff), torch.full_like(diff, math.inf), diff)
    n_bad = int(bad.sum())
    if n_bad == 0:
        return None
    nans = 0
    if a.is_floating_point() or a.is_complex():
        nan_count = int(torch.isnan(a.to(torch.complex128 if a.is_complex() else torch.float64)).sum())
        if nan_count and not bool(torch.isnan(e.to(torch.complex128 if e.is_complex() else torch.float64)).any()):
            nans = nan_count
    masked = torch.where(bad, diff, torch.zeros_like(diff))
    flat_idx = int(masked.reshape(-1).argmax())
    return not_close(path, "Tensors", mismatched=n_bad, total=bad.numel(), nans=nans,
                     index=_unravel(flat_idx, tuple(a.shape)), abs_diff=float(masked.reshape(-1)[flat_idx]),
                     expected=e.reshape(-1)[flat_idx].item(), got=a.reshape(-1)[flat_idx].item(), tol=tol)


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    out = []
    for dim in reversed(shape):
        out.append(flat % dim if dim else 0)
        flat = flat // dim if dim else 0
    return tuple(reversed(out))
