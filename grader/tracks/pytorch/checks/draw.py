"""Strategies and input makers that the suites share.

Example:
    >>> from hypothesis import find
    >>> find(cases(n=width(), batch=batch()), lambda c: True)
    {'n': 1, 'batch': 1}
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from hypothesis import strategies as st

from grader.tracks.pytorch.checks.pair import randn

__all__ = ["cases", "width", "batch", "matrix_input"]


def width(lo: int = 1, hi: int = 16) -> st.SearchStrategy[int]:
    """A layer width."""
    return st.integers(lo, hi)


def batch(lo: int = 1, hi: int = 6) -> st.SearchStrategy[int]:
    """A batch size."""
    return st.integers(lo, hi)


def cases(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict of drawn fields (shrinks field by field)."""
    return st.fixed_dictionaries(fields)


def matrix_input(features_key: str, batch_key: str = "batch", scale: float = 1.0) -> Callable[[dict[str, Any], torch.Generator], list[Any]]:
    """Forward's input: ``X`` of shape ``(case[batch_key], case[features_key])``."""
    def make(case: dict[str, Any], gen: torch.Generator) -> list[Any]:
        return [randn(gen, case[batch_key], case[features_key], scale=scale)]
    return make
