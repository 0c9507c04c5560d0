"""What the operations do around a student's call: seed MXNet's and NumPy's generators, put the judge's
arrays on a context, and wait for every array of an output (an engine error surfaces where it is waited
for, so the waiting happens inside the student's stage).

Example (in the Gluon environment):
    >>> import mxnet as mx
    >>> from mxnet import nd
    >>> xs = place([nd.ones(2), [nd.zeros(1)], 3], "cpu(1)")
    >>> str(xs[0].context), str(xs[1][0].context), xs[2]
    ('cpu(1)', 'cpu(1)', 3)
    >>> first_array((1, nd.ones(3))).shape
    (3,)
"""
from __future__ import annotations

from typing import Any

import mxnet
import numpy

from grader.tracks.gluon.worker.arrays import as_context, is_array

__all__ = ["reseed", "place", "settle", "first_array", "MAX_DEPTH"]

MAX_DEPTH = 20


def reseed(value: int | None) -> None:
    """Seed MXNet's and NumPy's global generators (None: leave them)."""
    if value is not None:
        mxnet.random.seed(int(value))
        numpy.random.seed(int(value))


def place(value: Any, ctx: Any | None, _depth: int = 0) -> Any:
    """``value`` with every MXNet array (inside lists, tuples and dicts too) copied to ``ctx``
    (text such as ``"cpu(1)"`` or a context); ``ctx`` None leaves it as it is."""
    if ctx is None or _depth > MAX_DEPTH:
        return value
    target = as_context(ctx)
    if is_array(value):
        return value.as_in_context(target)
    if isinstance(value, list):
        return [place(v, target, _depth + 1) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(place(v, target, _depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: place(v, target, _depth + 1) for k, v in value.items()}
    return value


def settle(value: Any, _depth: int = 0) -> None:
    """Wait for every MXNet array in ``value`` (lists, tuples, dicts): an asynchronous failure raises here."""
    if _depth > MAX_DEPTH:
        return
    if is_array(value):
        value.wait_to_read()
    elif isinstance(value, (list, tuple)):
        for v in value:
            settle(v, _depth + 1)
    elif isinstance(value, dict):
        for v in value.values():
            settle(v, _depth + 1)


def first_array(value: Any, _depth: int = 0) -> Any | None:
    """The first MXNet array in ``value`` (itself, or inside a list or tuple), or None."""
    if is_array(value):
        return value
    if isinstance(value, (list, tuple)) and _depth < MAX_DEPTH:
        return next((a for a in (first_array(v, _depth + 1) for v in value) if a is not None), None)
    return None
