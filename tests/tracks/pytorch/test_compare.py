"""Unit tests of grader/tracks/pytorch/compare.py: what ``compare``, ``describe_value`` and ``tolerance_for`` promise.

Structure first (type, shape, device, dtype), then values: mismatched elements k / n (p%), the
greatest absolute and relative difference, where, and the tolerance allowed; nested values say
where. Every test pins the exact text or value so that a change in behaviour fails it.
"""
from __future__ import annotations

import math
from collections import OrderedDict

import pytest
import torch

from grader.tracks.pytorch.compare import Tolerance, compare, describe_value, tolerance_for
from grader.sandbox.codec import DictValue, NamedTupleValue, Opaque

INF, NAN = math.inf, math.nan


def lines(message: str | None) -> list[str]:
    assert message is not None, "expected a mismatch message, got None (a match)"
    return message.splitlines()


# --- tolerance_for / Tolerance -----------------------------------------------------------------

@pytest.mark.parametrize("dtype, rtol, atol", [
    (torch.float16, 1e-3, 1e-3), (torch.bfloat16, 1.6e-2, 1e-2), (torch.float32, 1.3e-6, 1e-5),
    (torch.float64, 1e-7, 1e-7), (torch.complex64, 1.3e-6, 1e-5), (torch.complex128, 1e-7, 1e-7),
])
def test_tolerance_for_floating_dtypes_is_torch_testings_default(dtype, rtol, atol):
    assert tolerance_for(dtype) == Tolerance(rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", [torch.int8, torch.int32, torch.int64, torch.uint8, torch.bool])
def test_tolerance_for_integers_and_bool_is_exact(dtype):
    assert tolerance_for(dtype) == Tolerance(0.0, 0.0)


def test_tolerance_defaults_and_text():
    assert Tolerance() == Tolerance(rtol=1.3e-6, atol=1e-5)
    assert str(Tolerance(rtol=0.5, atol=2e-3)) == "atol=0.002, rtol=0.5"
    with pytest.raises(AttributeError):  # frozen
        Tolerance().rtol = 1.0  # type: ignore[misc]


# --- describe_value ------------------------------------------------------------------------------

def test_describe_value_of_each_kind():
    assert describe_value(torch.zeros(2, 3, dtype=torch.float64)) == "Tensor of shape (2, 3) and dtype float64"
    assert describe_value(torch.zeros((), dtype=torch.int64)) == "Tensor of shape () and dtype int64"
    assert describe_value(Opaque("Generator", "<generator object f>")) == "Generator (<generator object f>)"
    assert describe_value(NamedTupleValue("Pair", ("a", "b"), (1, 2))) == "Pair (a namedtuple of 2)"
    assert describe_value(DictValue({"b": 1, "a": 2}, type_name="OrderedDict")) == "OrderedDict with keys ['a', 'b']"
    assert describe_value([1, 2]) == "list [1, 2]"
    assert describe_value(None) == "NoneType None"
    assert describe_value("x") == "str 'x'"


def test_describe_value_is_cut_at_200_characters():
    text = describe_value(list(range(1000)))
    assert len(text) == 200 and text.startswith("list [0, 1, 2")


# --- compare: tensors, structure first -----------------------------------------------------------

def test_equal_tensors_match():
    assert compare(torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(2, 3)) is None


def test_shape_mismatch_is_reported_before_dtype_and_values():
    got = compare(torch.ones(2, dtype=torch.int64), torch.zeros(3))
    assert got == "Shape mismatch: expected (3,), got (2,)."


def test_same_element_count_different_shape_is_a_shape_mismatch():
    got = compare(torch.zeros(3, 2), torch.zeros(2, 3))
    assert got == "Shape mismatch: expected (2, 3), got (3, 2)."


def test_non_tensor_where_a_tensor_is_expected():
    assert compare([1.0, 2.0], torch.zeros(2)) == "expected a Tensor of shape (2,), got list [1.0, 2.0]."
    assert compare(None, torch.zeros(1, 4)) == "expected a Tensor of shape (1, 4), got NoneType None."


def test_dtype_mismatch_is_reported_before_values():
    got = compare(torch.full((2,), 7.0, dtype=torch.float64), torch.zeros(2))
    assert got == "Dtype mismatch: expected float32, got float64."


def test_without_check_dtype_values_are_compared_in_the_common_dtype():
    assert compare(torch.ones(2, dtype=torch.float64), torch.ones(2), check_dtype=False) is None
    assert compare(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]), check_dtype=False) is None
    got = lines(compare(torch.tensor([1, 3]), torch.tensor([1.0, 2.0]), check_dtype=False))
    assert got[2] == "Mismatched elements: 1 / 2 (50.0%)"


def test_device_is_checked_only_when_asked():
    meta = torch.empty(2, device="meta")
    assert compare(meta, torch.zeros(2), check_device=True) == "Device mismatch: expected cpu, got meta."
    assert compare(meta, torch.zeros(2)) is None  # values of a meta tensor are not compared


def test_meta_tensors_compare_structure_only():
    meta = torch.empty(2, 3, device="meta")
    assert compare(meta, torch.empty(2, 3, device="meta")) is None
    assert compare(torch.empty(3, 2, device="meta"), meta) == "Shape mismatch: expected (2, 3), got (3, 2)."
    assert compare(torch.empty(2, 3, device="meta", dtype=torch.float16), meta) == \
        "Dtype mismatch: expected float32, got float16."


def test_empty_tensors_match():
    assert compare(torch.zeros(0), torch.zeros(0)) is None
    assert compare(torch.zeros(2, 0), torch.zeros(2, 0)) is None


# --- compare: values ------------------------------------------------------------------------------

def test_mismatch_report_counts_elements_and_names_the_worst_difference_and_its_index():
    expected = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    actual = torch.tensor([[1.0, 2.5, 3.0], [4.0, 5.0, 2.0]])
    assert lines(compare(actual, expected)) == [
        "Tensors are not close!",
        "",
        "Mismatched elements: 2 / 6 (33.3%)",
        "Greatest absolute difference: 4 at index (1, 2) (expected 6, got 2; up to 1e-05 allowed)",
        "Greatest relative difference: 0.666667 at index (1, 2) (up to 1.3e-06 allowed)",
    ]


def test_worst_index_in_three_dimensions():
    expected = torch.zeros(2, 3, 4)
    actual = expected.clone()
    actual[1, 2, 3] = 9.0
    actual[0, 1, 1] = 1.0
    got = lines(compare(actual, expected))
    assert got[2] == "Mismatched elements: 2 / 24 (8.3%)"
    assert got[3].startswith("Greatest absolute difference: 9 at index (1, 2, 3) (expected 0, got 9;")
    assert got[4].startswith("Greatest relative difference: inf at index (1, 2, 3)")  # reference 0


def test_the_worst_difference_is_among_the_mismatched_elements_only():
    # 100.0 vs 100.01 is within rtol*|expected| here; 0 vs 0.001 is not, though smaller in absolute terms.
    tol = Tolerance(rtol=1e-3, atol=1e-6)
    got = lines(compare(torch.tensor([100.01, 0.001]), torch.tensor([100.0, 0.0]), tol=tol))
    assert got[2] == "Mismatched elements: 1 / 2 (50.0%)"
    assert "at index (1,)" in got[3] and "expected 0, got 0.001" in got[3]


def test_default_tolerance_follows_the_expected_dtype():
    # float32: atol 1e-5. 5e-6 off is close, 5e-5 off is not.
    assert compare(torch.tensor([5e-6]), torch.tensor([0.0])) is None
    assert compare(torch.tensor([5e-5]), torch.tensor([0.0])) is not None
    # float16: atol 1e-3 -> 5e-4 off is close.
    assert compare(torch.tensor([5e-4], dtype=torch.float16), torch.tensor([0.0], dtype=torch.float16)) is None
    # float64: atol 1e-7 -> 5e-6 off is not close.
    assert compare(torch.tensor([5e-6], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64)) is not None


def test_tolerance_boundary_is_inclusive_and_uses_atol_plus_rtol_times_expected():
    tol = Tolerance(rtol=0.5, atol=0.25)  # allowed at expected=2: 0.25 + 0.5*2 = 1.25 (exact in binary)
    e = torch.tensor([2.0], dtype=torch.float64)
    assert compare(torch.tensor([3.25], dtype=torch.float64), e, tol=tol) is None
    assert compare(torch.tensor([0.75], dtype=torch.float64), e, tol=tol) is None
    got = lines(compare(torch.tensor([3.5], dtype=torch.float64), e, tol=tol))
    assert got[3] == "Greatest absolute difference: 1.5 at index (0,) (expected 2, got 3.5; up to 0.25 allowed)"
    assert got[4] == "Greatest relative difference: 0.75 at index (0,) (up to 0.5 allowed)"


def test_an_explicit_tolerance_replaces_the_default():
    e, a = torch.tensor([1.0]), torch.tensor([1.05])
    assert compare(a, e) is not None
    assert compare(a, e, tol=Tolerance(rtol=0.0, atol=0.1)) is None


def test_integer_tensors_compare_exactly():
    assert compare(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 3])) is None
    assert lines(compare(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 4]))) == [
        "Tensors are not close!", "", "Mismatched elements: 1 / 3 (33.3%)",
        "Greatest absolute difference: 1 at index (2,) (expected 4, got 3; up to 0 allowed)",
        "Greatest relative difference: 0.25 at index (2,) (up to 0 allowed)",
    ]


def test_bool_tensors():
    assert compare(torch.tensor([True, False]), torch.tensor([True, False])) is None
    got = lines(compare(torch.tensor([True, False, False]), torch.tensor([True, True, False])))
    assert got[2] == "Mismatched elements: 1 / 3 (33.3%)"
    assert got[3] == "Greatest absolute difference: 1 at index (1,) (expected True, got False; up to 0 allowed)"


def test_complex_tensors():
    assert compare(torch.tensor([1 + 2j]), torch.tensor([1 + 2j])) is None
    got = lines(compare(torch.tensor([1 + 1j, 0j]), torch.tensor([1 + 2j, 0j])))
    assert got[2] == "Mismatched elements: 1 / 2 (50.0%)"
    assert got[3] == "Greatest absolute difference: 1 at index (0,) (expected 1+2j, got 1+1j; up to 1e-05 allowed)"


def test_nan_matches_nan_and_a_new_nan_is_named():
    assert compare(torch.tensor([NAN, 1.0]), torch.tensor([NAN, 1.0])) is None
    got = lines(compare(torch.tensor([NAN, NAN, 1.0]), torch.tensor([0.0, 2.0, 1.0])))
    assert got[2] == "Mismatched elements: 2 / 3 (66.7%)"
    assert got[3] == "The output contains 2 NaN value(s); the reference has none."
    assert got[4].startswith("Greatest absolute difference: inf at index (0,) (expected 0, got nan;")


def test_a_nan_where_the_reference_has_nan_elsewhere_is_not_called_new():
    got = lines(compare(torch.tensor([NAN, NAN]), torch.tensor([NAN, 1.0])))
    assert got[2] == "Mismatched elements: 1 / 2 (50.0%)"
    assert not any("NaN value" in line for line in got)
    assert "at index (1,) (expected 1, got nan;" in got[3]


def test_a_number_where_the_reference_has_nan_is_a_mismatch():
    got = lines(compare(torch.tensor([1.0]), torch.tensor([NAN])))
    assert got[2] == "Mismatched elements: 1 / 1 (100.0%)"


def test_same_infinity_matches():
    assert compare(torch.tensor([INF, -INF, 1.0]), torch.tensor([INF, -INF, 1.0])) is None


def test_infinity_against_a_finite_reference_is_a_mismatch():
    got = lines(compare(torch.tensor([INF]), torch.tensor([1.0])))
    assert got[2] == "Mismatched elements: 1 / 1 (100.0%)"


def test_a_finite_or_opposite_infinity_against_an_infinite_reference_is_a_mismatch():
    assert compare(torch.tensor([-INF]), torch.tensor([INF])) is not None
    assert compare(torch.tensor([0.0]), torch.tensor([INF])) is not None


# --- compare: Python numbers and other values ------------------------------------------------------

def test_floats_use_a_tight_default_tolerance():
    assert compare(1.0 + 5e-8, 1.0) is None
    assert compare(1.0 + 1e-6, 1.0) == f"expected 1.0, got {1.0 + 1e-6!r} (atol=1e-07, rtol=1e-07)."
    assert compare(1.05, 1.0, tol=Tolerance(rtol=0.0, atol=0.1)) is None


def test_an_int_is_accepted_where_a_float_is_expected_but_a_bool_is_not():
    assert compare(2, 2.0) is None
    assert compare(True, 1.0) == "expected float 1.0, got bool True."


def test_float_nan_matches_nan_only():
    assert compare(NAN, NAN) is None
    assert compare(1.0, NAN) == "expected nan, got 1.0 (atol=1e-07, rtol=1e-07)."
    assert compare(NAN, 1.0) == "expected 1.0, got nan (atol=1e-07, rtol=1e-07)."


def test_float_infinity_matches_itself():
    assert compare(INF, INF) is None
    assert compare(-INF, -INF) is None


def test_a_float_infinity_matches_nothing_else():
    assert compare(1.0, INF) == "expected inf, got 1.0 (atol=1e-07, rtol=1e-07)."
    assert compare(INF, 1.0) is not None and compare(-INF, INF) is not None


def test_other_values_compare_by_type_and_equality():
    assert compare(3, 3) is None
    assert compare("relu", "relu") is None
    assert compare(None, None) is None
    assert compare(3, 4) == "expected int 4, got int 3."
    assert compare(3.0, 3) == "expected int 3, got float 3.0."  # an int is expected: a float is a different type
    assert compare("3", 3) == "expected int 3, got str '3'."
    assert compare(Opaque("Generator", "g"), None) == "expected NoneType None, got Generator (g)."


# --- compare: containers and where ---------------------------------------------------------------

def test_lists_and_tuples():
    assert compare([torch.ones(1), 2], [torch.ones(1), 2]) is None
    assert compare((1, 2), [1, 2]) == "expected a list, got tuple (1, 2)."
    assert compare([1, 2], (1, 2)) == "expected a tuple, got list [1, 2]."
    assert compare([1, 2, 3], [1, 2]) == "expected 2 items, got 3."


def test_the_first_difference_in_a_sequence_is_reported_with_its_path():
    got = compare([torch.ones(2), torch.ones(3)], [torch.ones(2), torch.ones(4)])
    assert got == "In [1]: Shape mismatch: expected (4,), got (3,)."
    got = compare([1, [2, 3]], [1, [2, 4]])
    assert got == "In [1][1]: expected int 4, got int 3."


def test_dicts_name_missing_and_unexpected_keys():
    assert compare({"a": 1, "b": 2}, {"b": 2, "a": 1}) is None
    assert compare({"a": 1, "c": 3}, {"a": 1, "b": 2}) == "keys differ: missing ['b'], unexpected ['c']."
    assert compare({"a": 1}, {"a": 1, "b": 2}) == "keys differ: missing ['b'], unexpected none."
    assert compare({"a": 1, "b": 2}, {"a": 1}) == "keys differ: missing none, unexpected ['b']."
    assert compare([("a", 1)], {"a": 1}) == "expected a dict, got list [('a', 1)]."


def test_a_nested_state_dict_value_says_where():
    expected = OrderedDict([("hidden.weight", torch.zeros(2, 2)), ("hidden.bias", torch.zeros(2))])
    actual = OrderedDict([("hidden.weight", torch.zeros(2, 2)), ("hidden.bias", torch.tensor([0.0, 1.0]))])
    got = lines(compare(actual, expected))
    assert got[0] == "In ['hidden.bias']: Tensors are not close!"
    assert got[2] == "Mismatched elements: 1 / 2 (50.0%)"
    assert compare({"w": [torch.ones(2)]}, {"w": [torch.ones(3)]}, path="state") == \
        "In state['w'][0]: Shape mismatch: expected (3,), got (2,)."


def test_options_reach_nested_values():
    assert compare([torch.ones(2, dtype=torch.float64)], [torch.ones(2)]) == \
        "In [0]: Dtype mismatch: expected float32, got float64."
    assert compare([torch.ones(2, dtype=torch.float64)], [torch.ones(2)], check_dtype=False) is None
    assert compare({"x": [1.05]}, {"x": [1.0]}, tol=Tolerance(rtol=0.0, atol=0.1)) is None
    assert compare({"x": torch.empty(1, device="meta")}, {"x": torch.zeros(1)}, check_device=True) == \
        "In ['x']: Device mismatch: expected cpu, got meta."


def test_decoded_dicts_keep_their_class_name():
    od = DictValue({"a": 1}, type_name="OrderedDict")
    assert compare(DictValue({"a": 1}, type_name="OrderedDict"), od) is None
    assert compare(DictValue({"a": 1}, type_name="dict"), od) == "expected an OrderedDict, got a dict."
    assert compare(DictValue({"a": 1}, type_name="Counter"), DictValue({"a": 1}, type_name="dict")) == \
        "expected a dict, got a Counter."
    assert compare(DictValue({"a": 2}, type_name="OrderedDict"), od) == "In ['a']: expected int 1, got int 2."


def test_decoded_namedtuples_keep_their_type_name():
    pair = NamedTupleValue("Pair", ("a", "b"), (1, 2))
    assert compare(NamedTupleValue("Pair", ("a", "b"), (1, 2)), pair) is None
    assert compare((1, 2), pair) == "expected a Pair (namedtuple), got tuple (1, 2)."
    assert compare(NamedTupleValue("Other", ("a", "b"), (1, 2)), pair) == \
        "expected a Pair (namedtuple), got Other (a namedtuple of 2)."
    assert compare(NamedTupleValue("Pair", ("a", "b"), (1, 3)), pair) == "In [1]: expected int 2, got int 3."
    assert compare(NamedTupleValue("Pair", ("a",), (1,)), pair) == "expected 2 items, got 1."
