"""Tensors the judge draws for files and devices checks, and how a failing case shows them.

Example:
    >>> import torch
    >>> t = make_tensor("int64", (2,), torch.Generator().manual_seed(0))
    >>> t.dtype, tuple(t.shape)
    (torch.int64, (2,))
    >>> show_tensor(torch.tensor([1.5, 2.0]))
    'torch.tensor([1.5, 2.0], dtype=torch.float32)'
"""
from __future__ import annotations

import torch

from grader.tracks.pytorch.checks.pair import randn

__all__ = ["make_tensor", "show_tensor"]


def make_tensor(dtype_name: str, shape: tuple[int, ...], gen: torch.Generator) -> torch.Tensor:
    """Values of ``dtype`` drawn from the judge's generator: normal floats, signed or
    unsigned integers, random booleans."""
    dtype = getattr(torch, dtype_name)
    if dtype.is_floating_point:
        return randn(gen, *shape).to(dtype) if shape else randn(gen, 1).reshape(()).to(dtype)
    if dtype == torch.bool:
        return torch.randint(0, 2, shape, generator=gen).bool()
    low = 0 if dtype == torch.uint8 else -1000
    high = 256 if dtype == torch.uint8 else 1000
    return torch.randint(low, high, shape, generator=gen, dtype=torch.int64).to(dtype)


def show_tensor(t: torch.Tensor) -> str:
    """A tensor as Python that builds one like it: values when small, a maker call otherwise."""
    dtype = f"dtype=torch.{str(t.dtype).removeprefix('torch.')}"
    shape = tuple(t.shape)
    if t.numel() == 0:
        return f"torch.empty({shape}, {dtype})"
    if t.numel() <= 6:
        values = t.tolist() if not t.is_floating_point() else (torch.round(t.double() * 1e4) / 1e4).tolist()
        return f"torch.tensor({values}, {dtype})"
    if t.is_floating_point():
        return f"torch.randn{shape}.to({dtype.removeprefix('dtype=')})"
    if t.dtype == torch.bool:
        return f"torch.rand{shape} < 0.5"
    low, high = (0, 256) if t.dtype == torch.uint8 else (-1000, 1000)
    return f"torch.randint({low}, {high}, {shape}, {dtype})"
