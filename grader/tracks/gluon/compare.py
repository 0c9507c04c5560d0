"""Compare what the student's Gluon code produced with the reference, in the judge, with NumPy.

The messages read as the PyTorch track's: structure first (type, shape, dtype), then values:
mismatched elements k / n (p%), greatest absolute and relative difference and where, and the
tolerance allowed. A scalar may come back with shape ``()`` (``mxnet.np``) or ``(1,)``
(``mxnet.nd``): both are the same scalar.

Example:
    >>> import numpy
    >>> compare(numpy.zeros((2, 3), "float32"), numpy.zeros((2, 3), "float32")) is None
    True
    >>> print(compare(numpy.ones(2, "float32"), numpy.zeros(3, "float32")))
    Shape mismatch: expected (3,), got (2,).
    >>> compare(numpy.float32([2.0]), numpy.array(2.0, "float32")) is None
    True
    >>> print(compare(numpy.float32([[1, 2], [3, 4]]), numpy.float32([[1, 2], [3, 5]])))
    Arrays are not close!
    <BLANKLINE>
    Mismatched elements: 1 / 4 (25.0%)
    Greatest absolute difference: 1 at index (1, 1) (expected 5, got 4; up to 1e-05 allowed)
    Greatest relative difference: 0.2 at index (1, 1) (up to 1.3e-06 allowed)
"""
from __future__ import annotations

from typing import Any

import numpy

from grader.checks.compare_values import Arrays, Tolerance, compare_values, describe_plain, not_close, where
from grader.tracks.gluon.arrays import Context

__all__ = ["Tolerance", "compare", "describe_value", "tolerance_for"]


_DEFAULTS = {"float16": Tolerance(1e-3, 1e-3), "float32": Tolerance(1.3e-6, 1e-5), "float64": Tolerance(1e-7, 1e-7)}


def tolerance_for(dtype: Any) -> Tolerance:
    """The default tolerance for ``dtype`` (exact for integers and bool).

    Example:
        >>> str(tolerance_for("float32")), str(tolerance_for("int32"))
        ('atol=1e-05, rtol=1.3e-06', 'atol=0, rtol=0')
    """
    return _DEFAULTS.get(numpy.dtype(dtype).name, Tolerance(0.0, 0.0))


def describe_value(value: Any) -> str:
    """A short description of a value's type and structure, for messages.

    Example:
        >>> describe_value(numpy.zeros((2, 1), "float32")), describe_value(3), describe_value(Context("gpu", 1))
        ('array of shape (2, 1) and dtype float32', 'int 3', 'the context gpu(1)')
    """
    if isinstance(value, Context):
        return f"the context {value}"
    if isinstance(value, numpy.ndarray):
        return f"array of shape {tuple(value.shape)} and dtype {value.dtype.name}"
    return describe_plain(value)


def _coerce(actual: Any, expected: Any) -> Any:
    """A Python number where a one-element array is expected is that array; a one-element array where a
    number is expected is that number (``.sum()`` is ``()`` in np mode, ``(1,)`` in nd mode)."""
    if isinstance(expected, numpy.ndarray) and isinstance(actual, (int, float)) and not isinstance(actual, bool) \
            and expected.size == 1:
        return numpy.asarray(actual, dtype=expected.dtype)
    if isinstance(expected, float) and isinstance(actual, numpy.ndarray) and actual.size == 1:
        return float(actual.reshape(-1)[0])
    return actual


def compare(actual: Any, expected: Any, *, tol: Tolerance | None = None, path: str = "",
            check_dtype: bool = True) -> str | None:
    """``None`` when ``actual`` matches ``expected``; otherwise a message saying how not (the structure by
    :func:`grader.checks.compare_values.compare_values`, arrays here)."""
    arrays = Arrays(kind=numpy.ndarray, describe=describe_value, coerce=_coerce,
                    compare=lambda a, e, tolerance, at: _compare_arrays(a, e, tol=tolerance, path=at,
                                                                        check_dtype=check_dtype),
                    expected_text=lambda e: f"an array of shape {tuple(e.shape)}")
    return compare_values(actual, expected, arrays=arrays, tol=tol, path=path)


def _compare_arrays(actual: numpy.ndarray, expected: numpy.ndarray, *, tol: Tolerance | None, path: str,
                    check_dtype: bool) -> str | None:
    w = where(path)
    a, e = numpy.asarray(actual), numpy.asarray(expected)
    if a.shape != e.shape:
        if a.size == e.size == 1 and a.ndim <= 1 and e.ndim <= 1:
            a, e = a.reshape(()), e.reshape(())  # a scalar: () in np mode, (1,) in nd mode
        else:
            return f"{w}Shape mismatch: expected {tuple(e.shape)}, got {tuple(a.shape)}."
    if check_dtype and a.dtype != e.dtype:
        return f"{w}Dtype mismatch: expected {e.dtype.name}, got {a.dtype.name}."
    tol = tol or tolerance_for(e.dtype)
    if e.dtype == numpy.bool_ or not numpy.issubdtype(e.dtype, numpy.floating):
        bad = a != e
        diff = numpy.abs(a.astype(numpy.float64) - e.astype(numpy.float64))
    else:
        a64, e64 = a.astype(numpy.float64), e.astype(numpy.float64)
        with numpy.errstate(invalid="ignore", over="ignore"):
            diff = numpy.abs(a64 - e64)
            allowed = tol.atol + tol.rtol * numpy.abs(e64)
            bad = ~(diff <= allowed)
        same = (a64 == e64) | (numpy.isnan(a64) & numpy.isnan(e64))  # an infinity matches only itself
        bad = bad & ~same
        diff = numpy.where(numpy.isnan(diff), numpy.inf, diff)
    n_bad = int(numpy.count_nonzero(bad))
    if n_bad == 0:
        return None
    nans = 0
    if numpy.issubdtype(a.dtype, numpy.floating):
        found = int(numpy.isnan(a).sum())
        nans = 0 if numpy.issubdtype(e.dtype, numpy.floating) and numpy.isnan(e).any() else found
    masked = numpy.where(bad, diff, 0.0).reshape(-1)
    flat = int(masked.argmax())
    index = tuple(int(i) for i in numpy.unravel_index(flat, a.shape)) if a.shape else ()
    return not_close(path, "Arrays", mismatched=n_bad, total=bad.size, nans=nans, index=index,
                     abs_diff=float(masked[flat]), expected=e.reshape(-1)[flat].item(), got=a.reshape(-1)[flat].item(),
                     tol=tol)
