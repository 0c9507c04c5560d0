"""Strategies and input makers of the Gluon track's declarations (NumPy arrays, float32).

Example:
    >>> from hypothesis import find
    >>> find(cases(n=width(), batch=batch()), lambda c: True)
    {'n': 1, 'batch': 1}
    >>> [x.shape for x in matrix("i")({"i": 3, "batch": 2}, numpy.random.default_rng(0))]
    [(2, 3)]
"""
from __future__ import annotations

from typing import Any, Callable

import numpy
from hypothesis import strategies as st

from grader.tracks.gluon.checks.pair import normal

__all__ = ["cases", "width", "batch", "matrix", "images"]


def width(lo: int = 1, hi: int = 12) -> st.SearchStrategy[int]:
    """A layer width."""
    return st.integers(lo, hi)


def batch(lo: int = 1, hi: int = 5) -> st.SearchStrategy[int]:
    """A batch size."""
    return st.integers(lo, hi)


def cases(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict of drawn fields (shrinks field by field)."""
    return st.fixed_dictionaries(fields)


def matrix(features: str, rows: str = "batch", scale: float = 1.0) -> Callable[[dict[str, Any], Any], list[Any]]:
    """Forward's input: ``X`` of shape ``(case[rows], case[features])``."""
    def make(case: dict[str, Any], rng: numpy.random.Generator) -> list[Any]:
        return [normal(rng, case[rows], case[features], scale=scale)]
    return make


def images(*keys: str) -> Callable[[dict[str, Any], Any], list[Any]]:
    """Forward's input: ``X`` of shape ``(case[k] for k in keys)`` (``"batch", "c", "h", "w"``)."""
    def make(case: dict[str, Any], rng: numpy.random.Generator) -> list[Any]:
        return [normal(rng, *(case[k] for k in keys))]
    return make
