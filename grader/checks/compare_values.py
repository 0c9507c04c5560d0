"""Compare what a student's code returned with the reference's, whatever the framework: the structure
(lists, tuples, namedtuples, dicts, numbers) here, the arrays by the track's own comparison.

Messages follow torch.testing: structure first, then values; nested values say where
(``In [1]['w']: ...``). A track gives :func:`compare_values` its array type, how to compare two of
its arrays (shape first, then mismatched elements, worst difference and where, tolerance) and how
to describe any value in a message.

Example:
    >>> arrays = Arrays(kind=bytes, compare=lambda a, e, tol, path: None if a == e else f"{path}: differ",
    ...                 describe=lambda v: f"{type(v).__name__} {v!r}", expected_text=lambda e: "bytes")
    >>> compare_values({"a": [1.0, b"x"]}, {"a": [1.0, b"x"]}, arrays=arrays) is None
    True
    >>> print(compare_values({"a": [1.0, b"y"]}, {"a": [1.0, b"x"]}, arrays=arrays))
    ['a'][1]: differ
    >>> print(compare_values([1.0, 2.5], [1.0, 2.0], arrays=arrays))
    In [1]: expected 2.0, got 2.5 (atol=1e-07, rtol=1e-07).
    >>> print(compare_values((1,), [1], arrays=arrays))
    expected a list, got tuple (1,).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from grader.sandbox.codec import DictValue, NamedTupleValue, Opaque

__all__ = ["Tolerance", "Arrays", "compare_values", "describe_plain", "not_close", "where"]


@dataclass(frozen=True)
class Tolerance:
    """``|actual - expected| <= atol + rtol * |expected|`` element-wise."""

    rtol: float = 1.3e-6
    atol: float = 1e-5

    def __str__(self) -> str:
        return f"atol={self.atol:g}, rtol={self.rtol:g}"


@dataclass(frozen=True)
class Arrays:
    """A track's arrays: their ``kind`` (a type), ``compare(actual, expected, tol, path)`` for two of
    them (``actual`` may be of another type: the track says how it differs), ``describe`` for any
    value in a message, ``expected_text(expected)`` (``"a Tensor of shape (2, 3)"``), and ``coerce``
    that may turn ``actual`` into the kind of ``expected`` first (a Python number for a one-element
    array, say)."""

    kind: type | tuple[type, ...]
    compare: Callable[[Any, Any, "Tolerance | None", str], "str | None"]
    describe: Callable[[Any], str]
    expected_text: Callable[[Any], str]
    coerce: Callable[[Any, Any], Any] = staticmethod(lambda actual, expected: actual)  # type: ignore[assignment]


def describe_plain(value: Any) -> str:
    """A short description, for messages, of a value that is not a framework's array.

    Example:
        >>> describe_plain(DictValue({"b": 1, "a": 2}, type_name="OrderedDict")), describe_plain(3)
        ("OrderedDict with keys ['a', 'b']", 'int 3')
    """
    if isinstance(value, Opaque):
        return f"{value.type_name} ({value.text})"
    if isinstance(value, NamedTupleValue):
        return f"{value.type_name} (a namedtuple of {len(value)})"
    if isinstance(value, DictValue):
        return f"{value.type_name} with keys {sorted(value)}"
    return f"{type(value).__name__} {value!r}"[:200]


def _num(v: Any) -> str:
    if isinstance(v, complex):
        return f"{v.real:.6g}{v.imag:+.6g}j"
    if isinstance(v, float):
        return f"{v:.6g}"
    return repr(v)


def not_close(path: str, noun: str, *, mismatched: int, total: int, nans: int, index: tuple[int, ...],
              abs_diff: float, expected: Any, got: Any, tol: Tolerance) -> str:
    """The message for two arrays of one shape whose values differ: how many elements, NaNs the
    reference has not (``nans``), the greatest absolute and relative difference and where (``index``,
    where ``expected`` and ``got`` are), and the tolerance allowed. ``noun``: ``Tensors``, ``Arrays``.

    Example:
        >>> print(not_close("", "Arrays", mismatched=1, total=4, nans=0, index=(1, 1), abs_diff=1.0,
        ...                 expected=5.0, got=4.0, tol=Tolerance()))
        Arrays are not close!
        <BLANKLINE>
        Mismatched elements: 1 / 4 (25.0%)
        Greatest absolute difference: 1 at index (1, 1) (expected 5, got 4; up to 1e-05 allowed)
        Greatest relative difference: 0.2 at index (1, 1) (up to 1.3e-06 allowed)
    """
    lines = [f"{where(path)}{noun} are not close!", "",
             f"Mismatched elements: {mismatched} / {total} ({100.0 * mismatched / total:.1f}%)"]
    if nans:
        lines.append(f"The output contains {nans} NaN value(s); the reference has none.")
    rel = abs_diff / abs(expected) if expected not in (0, 0.0) else math.inf
    lines.append(f"Greatest absolute difference: {abs_diff:.6g} at index {index} "
                 f"(expected {_num(expected)}, got {_num(got)}; up to {tol.atol:g} allowed)")
    lines.append(f"Greatest relative difference: {rel:.6g} at index {index} (up to {tol.rtol:g} allowed)")
    return "\n".join(lines)


def where(path: str) -> str:
    """``In <path>: `` for a nested value, nothing at the top."""
    return f"In {path}: " if path else ""


def _a(word: str) -> str:
    """``"a Tensor"``, ``"an OrderedDict"``."""
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def compare_values(actual: Any, expected: Any, *, arrays: Arrays, tol: Tolerance | None = None,
                   path: str = "") -> str | None:
    """``None`` when ``actual`` matches ``expected``; otherwise a message saying how not."""
    if isinstance(expected, arrays.kind):
        actual = arrays.coerce(actual, expected)
        if not isinstance(actual, arrays.kind):
            return f"{where(path)}expected {arrays.expected_text(expected)}, got {arrays.describe(actual)}."
        return arrays.compare(actual, expected, tol, path)
    if isinstance(expected, NamedTupleValue):
        if not isinstance(actual, NamedTupleValue) or actual.type_name != expected.type_name:
            return f"{where(path)}expected {_a(expected.type_name)} (namedtuple), got {arrays.describe(actual)}."
    if isinstance(expected, DictValue) and isinstance(actual, DictValue) and actual.type_name != expected.type_name:
        return f"{where(path)}expected {_a(expected.type_name)}, got {_a(actual.type_name)}."
    if isinstance(expected, (list, tuple)):
        if type(actual) is not type(expected) and not isinstance(expected, NamedTupleValue):
            return f"{where(path)}expected {_a(type(expected).__name__)}, got {arrays.describe(actual)}."
        if len(actual) != len(expected):
            return f"{where(path)}expected {len(expected)} items, got {len(actual)}."
        for i, (a, e) in enumerate(zip(actual, expected)):
            msg = compare_values(a, e, arrays=arrays, tol=tol, path=f"{path}[{i}]")
            if msg:
                return msg
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where(path)}expected a dict, got {arrays.describe(actual)}."
        if set(actual) != set(expected):
            missing, extra = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
            return f"{where(path)}keys differ: missing {missing or 'none'}, unexpected {extra or 'none'}."
        for k in expected:
            msg = compare_values(actual[k], expected[k], arrays=arrays, tol=tol, path=f"{path}[{k!r}]")
            if msg:
                return msg
        return None
    if isinstance(expected, float):
        actual = arrays.coerce(actual, expected)
    if isinstance(expected, float) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        t = tol or Tolerance(1e-7, 1e-7)
        if math.isnan(expected) and math.isnan(actual):
            return None
        if (math.isinf(expected) or math.isinf(actual)) and actual == expected:
            return None  # an infinity matches only itself (inf - inf is nan; the allowance of inf is inf)
        if not math.isinf(expected) and abs(actual - expected) <= t.atol + t.rtol * abs(expected):
            return None
        return f"{where(path)}expected {expected!r}, got {actual!r} ({t})."
    if type(actual) is not type(expected) or actual != expected:
        return f"{where(path)}expected {arrays.describe(expected)}, got {arrays.describe(actual)}."
    return None
