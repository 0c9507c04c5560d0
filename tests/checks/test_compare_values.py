"""The structure walker both tracks compare returned values with: numbers within tolerance, an infinity only
against itself, containers by type, length and keys, and the track's own comparison for its arrays."""
from __future__ import annotations

import math

import numpy

from grader.checks.compare_values import Arrays, Tolerance, compare_values
from grader.sandbox.codec import DictValue, NamedTupleValue
from grader.tracks.gluon.compare import compare as gluon_compare


def test_numbers_within_tolerance_and_infinities_only_against_themselves():
    assert gluon_compare(1.0 + 1e-9, 1.0) is None
    assert "expected 1.0, got 1.1" in gluon_compare(1.1, 1.0)
    assert gluon_compare(math.inf, math.inf) is None
    assert gluon_compare(1e308, math.inf) is not None and gluon_compare(math.inf, 1.0) is not None
    assert gluon_compare(math.nan, math.nan) is None
    assert gluon_compare(1.05, 1.0, tol=Tolerance(rtol=0.1, atol=0)) is None


def test_containers_say_where_they_differ():
    assert gluon_compare([1, (2, 3)], [1, (2, 3)]) is None
    assert gluon_compare([1, [2, 3]], [1, (2, 3)]) == "In [1]: expected a tuple, got list [2, 3]."
    assert gluon_compare({"a": 1}, {"a": 1, "b": 2}) == "keys differ: missing ['b'], unexpected none."
    assert gluon_compare([1], [1, 2]) == "expected 2 items, got 1."


def test_framework_types_keep_their_names():
    mine, theirs = DictValue({"a": 1}, type_name="OrderedDict"), DictValue({"a": 1}, type_name="dict")
    assert gluon_compare(mine, theirs) == "expected a dict, got an OrderedDict."
    batch = NamedTupleValue("Batch", ("X",), (1,))
    assert "expected a Batch (namedtuple)" in gluon_compare((1,), batch)


def test_arrays_are_the_tracks_and_a_scalar_may_be_one_element():
    x = numpy.float32([[1, 2], [3, 4]])
    assert gluon_compare({"w": x}, {"w": x.copy()}) is None
    assert "In ['w']: Shape mismatch: expected (2, 2), got (4,)." == gluon_compare({"w": x.reshape(-1)}, {"w": x})
    assert gluon_compare(2.0, numpy.float32([2.0])) is None  # a Python number for a one-element array
    assert gluon_compare(numpy.float32([2.0]), 2.0) is None  # and the other way round
    arrays = Arrays(kind=numpy.ndarray, compare=lambda *args: None, describe=lambda v: f"str {v!r}",
                    expected_text=lambda e: f"an array of shape {tuple(e.shape)}")
    assert compare_values("x", x, arrays=arrays) == "expected an array of shape (2, 2), got str 'x'."
