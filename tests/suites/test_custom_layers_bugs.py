"""Realistic wrong submissions for custom_layers: each is caught by the right check, with the right message."""
from __future__ import annotations

import pytest

from grader.results import Status
from grader.suites.custom_layers import detached_uses
from tests.conftest import check, text_of

HEAD = """\
import torch
from torch import nn
from torch.nn import functional as F
"""


def _failed(run, exercise: str, check_id: str, *needles: str) -> str:
    """Assert that ``check_id`` failed (not errored) and its feedback contains every needle."""
    result = check(run, f"custom_layers/{exercise}", check_id)
    assert result.status is Status.FAILED, (result.status, result.feedback)
    text = text_of(result)
    for needle in needles:
        assert needle in text, f"{needle!r} not in:\n{text}"
    return text


def _passed(run, exercise: str, *check_ids: str) -> None:
    for check_id in check_ids:
        result = check(run, f"custom_layers/{exercise}", check_id)
        assert result.passed, (check_id, result.feedback)


def _grade(grade_files, exercise: str, body: str):
    return grade_files({f"custom_layers/{exercise}.py": HEAD + body}, f"custom_layers/{exercise}")


# -- centered ----------------------------------------------------------------------------

_CENTERED = """
class CenteredLayer(nn.Module):
    def forward(self, X):
        return {expr}
"""


def test_centered_per_column_mean(grade_files):
    run = _grade(grade_files, "centered", _CENTERED.format(expr="X - X.mean(dim=0)"))
    _passed(run, "centered", "names")
    _failed(run, "centered", "forward", "Tensors are not close", "net = CenteredLayer()", "net(X)",
            "X - X.mean(dim=0)", "each column's mean", "mean of all entries")


def test_centered_per_row_mean(grade_files):
    run = _grade(grade_files, "centered", _CENTERED.format(expr="X - X.mean(dim=-1, keepdim=True)"))
    _failed(run, "centered", "forward", "Tensors are not close", "each row's mean", "mean of all entries")


def test_centered_per_row_mean_fails_on_a_vector(grade_files):
    run = _grade(grade_files, "centered", _CENTERED.format(expr="X - X.mean(dim=1, keepdim=True)"))
    text = _failed(run, "centered", "forward", "IndexError", "Dimension out of range", "any rank")
    assert "shape (1,)" in text or "# shape (" in text


def test_centered_with_a_parameter(grade_files):
    body = """
class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.shift = nn.Parameter(torch.zeros(1))

    def forward(self, X):
        return X - X.mean() + self.shift
"""
    run = _grade(grade_files, "centered", body)
    _passed(run, "centered", "forward")
    _failed(run, "centered", "names", "Unexpected keys: shift", "nothing to learn", "`self.shift`")


def test_centered_changes_the_dtype(grade_files):
    run = _grade(grade_files, "centered", _CENTERED.format(expr="(X - X.mean()).float()"))
    _failed(run, "centered", "forward", "Dtype mismatch: expected float64, got float32")


# -- my_linear ------------------------------------------------------------------------------

_MY_LINEAR = """
class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter({weight})
        self.bias = nn.Parameter({bias})

    def forward(self, X):
{forward}
"""


def _my_linear(weight="torch.randn(in_units, units)", bias="torch.randn(units,)",
               forward="return F.relu(X @ self.weight + self.bias)") -> str:
    return _MY_LINEAR.format(weight=weight, bias=bias, forward="        " + forward.replace("\n", "\n        "))


def test_my_linear_textbook_data_in_forward(grade_files):
    """The book's own MyLinear: right outputs, but no gradient reaches the parameters."""
    body = _my_linear(forward="linear = torch.matmul(X, self.weight.data) + self.bias.data\nreturn F.relu(linear)")
    run = _grade(grade_files, "my_linear", body)
    _passed(run, "my_linear", "names", "forward", "init")
    text = _failed(run, "my_linear", "gradients", "does not require grad", "`self.weight.data`", "`self.bias.data`",
                   "Use the parameters themselves: `self.weight`, not `self.weight.data`")
    result = check(run, "custom_layers/my_linear", "gradients")
    assert result.location is not None and "self.weight.data" in result.location.source
    assert "Look for `.data`, `.detach()`" not in text  # the generic hint gives way to the precise one


def test_my_linear_detach_on_weight_only(grade_files):
    body = _my_linear(forward="w = self.weight.detach()\nreturn F.relu(X @ w + self.bias)")
    run = _grade(grade_files, "my_linear", body)
    _passed(run, "my_linear", "forward")
    _failed(run, "my_linear", "gradients", "weight: no gradient", "`self.weight.detach()`", "`.detach()`")


def test_my_linear_weight_in_nn_linear_layout(grade_files):
    body = _my_linear(weight="torch.randn(units, in_units)", forward="return F.relu(X @ self.weight.T + self.bias)")
    run = _grade(grade_files, "my_linear", body)
    _passed(run, "my_linear", "init")
    _failed(run, "my_linear", "names", "Shape of weight: expected", "(units, in_units)", "nn.Linear's layout")
    _failed(run, "my_linear", "forward", "relu(X @ weight.T + bias)", "no transpose")


def test_my_linear_without_relu(grade_files):
    run = _grade(grade_files, "my_linear", _my_linear(forward="return X @ self.weight + self.bias"))
    _passed(run, "my_linear", "names", "init")
    _failed(run, "my_linear", "forward", "without the ReLU", "net = MyLinear(", "net(X)")


def test_my_linear_uniform_init(grade_files):
    run = _grade(grade_files, "my_linear", _my_linear(weight="torch.rand(in_units, units)"))
    _passed(run, "my_linear", "names", "forward", "gradients")
    _failed(run, "my_linear", "init", "Kolmogorov", "`weight`", "torch.rand", "torch.randn")


def test_my_linear_zero_bias(grade_files):
    run = _grade(grade_files, "my_linear", _my_linear(bias="torch.zeros(units)"))
    _failed(run, "my_linear", "init", "`bias`", "Every entry of `bias` is 0")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_my_linear_reference_init_passes_other_seeds(grade_dir, seed):
    from tests.conftest import ROOT

    run = grade_dir(ROOT / "solutions", "custom_layers/my_linear", seed=seed)
    assert run.score == run.max_score


# -- tensor_reduction ----------------------------------------------------------------------------

_REDUCTION = """
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn({shape}))

    def forward(self, X):
{forward}
"""


def _reduction(forward: str, shape: str = "in_features, in_features, out_features") -> str:
    return _REDUCTION.format(shape=shape, forward="        " + forward.replace("\n", "\n        "))


def test_reduction_linear_in_x(grade_files):
    run = _grade(grade_files, "tensor_reduction", _reduction("return torch.einsum('bi,ijk->bk', X, self.weight)"))
    _passed(run, "tensor_reduction", "names")
    _failed(run, "tensor_reduction", "forward", "einsum('bi,ijk->bk', X, weight)", "linear in x")


def test_reduction_output_index_first(grade_files):
    body = _reduction("return torch.einsum('bi,bj,kij->bk', X, X, self.weight)",
                      shape="out_features, in_features, in_features")
    run = _grade(grade_files, "tensor_reduction", body)
    _failed(run, "tensor_reduction", "names", "Shape of weight", "output index k is the last dimension")
    _failed(run, "tensor_reduction", "forward", "weight[k, i, j]", "LAST dimension")


def test_reduction_batch_rows_mixed(grade_files):
    run = _grade(grade_files, "tensor_reduction",
                 _reduction("return torch.einsum('bi,cj,ijk->bk', X, X, self.weight)"))
    _failed(run, "tensor_reduction", "forward", "mixes batch rows")


def test_reduction_detached_loop(grade_files):
    forward = ("out = torch.zeros(X.shape[0], self.weight.shape[2])\n"
               "for k in range(self.weight.shape[2]):\n"
               "    out[:, k] = ((X @ self.weight[:, :, k].detach()) * X).sum(1)\n"
               "return out")
    run = _grade(grade_files, "tensor_reduction", _reduction(forward))
    _passed(run, "tensor_reduction", "names", "forward")
    _failed(run, "tensor_reduction", "gradients", "does not require grad", "`.detach()`")


# -- fourier --------------------------------------------------------------------------------------

_FOURIER = """
class FourierHalf(nn.Module):
    def forward(self, X):
        return {expr}
"""


def test_fourier_floor_half_fails_odd_lengths_only(grade_files):
    run = _grade(grade_files, "fourier", _FOURIER.format(expr="torch.fft.fft(X)[..., :X.shape[-1] // 2]"))
    _passed(run, "fourier", "forward_even")
    _failed(run, "fourier", "forward_odd", "Shape mismatch", "`n // 2`", "(n + 1) // 2")


@pytest.mark.parametrize("expr, needle", [
    ("torch.fft.fft(X)[..., :(X.shape[-1] + 1) // 2].abs()", "magnitudes"),
    ("torch.fft.fft(X)[..., :(X.shape[-1] + 1) // 2].real", "real parts"),
])
def test_fourier_real_valued_output(grade_files, expr, needle):
    run = _grade(grade_files, "fourier", _FOURIER.format(expr=expr))
    for check_id in ("forward_even", "forward_odd"):
        _failed(run, "fourier", check_id, "Dtype mismatch: expected complex64, got float32", needle)


def test_fourier_rfft_fails_even_lengths_only(grade_files):
    run = _grade(grade_files, "fourier", _FOURIER.format(expr="torch.fft.rfft(X)"))
    _passed(run, "fourier", "forward_odd")
    _failed(run, "fourier", "forward_even", "Shape mismatch", "torch.fft.rfft(X)", "n // 2 + 1")


def test_fourier_wrong_dimension(grade_files):
    run = _grade(grade_files, "fourier",
                 _FOURIER.format(expr="torch.fft.fft(X, dim=0)[..., :(X.shape[-1] + 1) // 2]"))
    _failed(run, "fourier", "forward_odd", "Tensors are not close", "FFT over dimension 0")


# -- param_containers -------------------------------------------------------------------------------

_CONTAINERS = """
class ListDense(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.{list_attr} = {list_expr}

    def forward(self, X):
        for w in self.{list_attr}:
            X = {list_step}
        return X


class DictDense(nn.Module):
    def __init__(self):
        super().__init__()
        self.params = {dict_expr}

    def forward(self, X, {choice}="linear1"):
        return X @ self.params[{pick}]
"""
_WEIGHTS = "[nn.Parameter(torch.randn(sizes[i], sizes[i + 1])) for i in range(len(sizes) - 1)]"
_NAMED = ('{"linear1": nn.Parameter(torch.randn(4, 4)), "linear2": nn.Parameter(torch.randn(4, 1)), '
          '"linear3": nn.Parameter(torch.randn(4, 2))}')


def _containers(*, list_attr="params", list_expr=f"nn.ParameterList({_WEIGHTS})", list_step="X @ w",
                dict_expr=f"nn.ParameterDict({_NAMED})", choice="choice", pick="choice") -> str:
    return _CONTAINERS.format(list_attr=list_attr, list_expr=list_expr, list_step=list_step, dict_expr=dict_expr,
                              choice=choice, pick=pick)


def test_plain_list_and_plain_dict(grade_files):
    run = _grade(grade_files, "param_containers", _containers(list_expr=_WEIGHTS, dict_expr=_NAMED))
    _passed(run, "param_containers", "list_forward", "dict_forward")  # no double jeopardy
    _failed(run, "param_containers", "list_names", "Missing keys: params.0", "plain Python list",
            "nn.ParameterList", "optimizer")
    _failed(run, "param_containers", "dict_names", "Missing keys: params.linear1, params.linear2, params.linear3",
            "plain Python dict", "nn.ParameterDict")


def test_list_dense_with_relu(grade_files):
    run = _grade(grade_files, "param_containers", _containers(list_step="torch.relu(X @ w)"))
    _passed(run, "param_containers", "list_names", "dict_names", "dict_forward")
    _failed(run, "param_containers", "list_forward", "ReLU", "no activation")


def test_list_dense_transposed_weights_and_other_name(grade_files):
    weights = "nn.ParameterList(nn.Parameter(torch.randn(sizes[i + 1], sizes[i])) for i in range(len(sizes) - 1))"
    run = _grade(grade_files, "param_containers",
                 _containers(list_attr="weights", list_expr=weights, list_step="X @ w.T"))
    _failed(run, "param_containers", "list_names", "Unexpected keys: weights.0", "`self.params`")


def test_dict_dense_ignores_choice(grade_files):
    run = _grade(grade_files, "param_containers", _containers(pick='"linear1"'))
    _passed(run, "param_containers", "dict_names")
    _failed(run, "param_containers", "dict_forward", "always uses `linear1`", "keyword arguments: {'choice': ")


def test_dict_dense_renamed_argument(grade_files):
    run = _grade(grade_files, "param_containers", _containers(choice="key", pick="key"))
    _failed(run, "param_containers", "dict_forward", "unexpected keyword argument 'choice'", "signature")


# -- pooling -----------------------------------------------------------------------------------------

_POOLING = """
class GlobalAvgPool2d(nn.Module):
    def forward(self, X):
        return {pool}


class FlattenLayer(nn.Module):
    def forward(self, X):
        return {flat}


def channel_concat({xs}):
    return {concat}
"""


def _pooling(pool="X.mean(dim=(2, 3), keepdim=True)", flat="X.flatten(start_dim=1)", xs="*xs",
             concat="torch.cat(xs, dim=1)") -> str:
    return _POOLING.format(pool=pool, flat=flat, xs=xs, concat=concat)


def test_pool_without_keepdim_flatten_batch_concat_dim0(grade_files):
    run = _grade(grade_files, "pooling", _pooling(pool="X.mean(dim=(2, 3))", flat="X.reshape(-1)",
                                                  concat="torch.cat(xs, dim=0)"))
    text = _failed(run, "pooling", "global_avg_pool", "Shape mismatch", "keepdim=True", "(N, C, 1, 1)")
    assert text.count("Your output equals") == 1
    _failed(run, "pooling", "flatten", "Shape mismatch", "X.reshape(-1)", "batch dimension was flattened")
    _failed(run, "pooling", "channel_concat", "Shape mismatch", "channel_concat(a", "dimension 0 (the batch)")


def test_pool_over_wrong_dims_and_textbook_view_flatten(grade_files):
    run = _grade(grade_files, "pooling", _pooling(pool="X.mean(dim=(1, 2), keepdim=True)",
                                                  flat="X.view(X.shape[0], -1)"))
    text = _failed(run, "pooling", "global_avg_pool", "X.mean(dim=(1, 2), keepdim=True)", "wrong dimensions")
    assert text.count("Your output equals") == 1
    _passed(run, "pooling", "flatten", "channel_concat")
    _failed(run, "pooling", "flatten_non_contiguous", "view size is not compatible", ".transpose(1, -1)",
            "not contiguous", "X.flatten(start_dim=1)")


def test_pool_max_and_concat_last_dim(grade_files):
    run = _grade(grade_files, "pooling", _pooling(pool="F.max_pool2d(X, kernel_size=X.shape[2:])",
                                                  concat="torch.cat(xs, dim=-1)"))
    _failed(run, "pooling", "global_avg_pool", "maximum over H and W")
    _failed(run, "pooling", "channel_concat", "last dimension")


def test_flatten_keeps_last_dim_and_concat_takes_a_list(grade_files):
    run = _grade(grade_files, "pooling", _pooling(flat="X.reshape(-1, X.shape[-1])", xs="xs"))
    _passed(run, "pooling", "global_avg_pool")
    _failed(run, "pooling", "flatten", "X.reshape(-1, X.shape[-1])")
    _failed(run, "pooling", "channel_concat", "TypeError", "def channel_concat(*xs)")


def test_concat_with_stack(grade_files):
    run = _grade(grade_files, "pooling", _pooling(concat="torch.stack(xs, dim=1)"))
    _failed(run, "pooling", "channel_concat", "torch.stack(xs, dim=1)")


# -- reading the source for detached parameters ------------------------------------------------------

def test_detached_uses_finds_data_detach_and_no_grad():
    src = HEAD + """
class L(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(2).data)   # fine in __init__

    def forward(self, X):
        a = X.data + self.w.data
        with torch.no_grad():
            b = self.w * 2
        return a + b + self.w.detach()
"""
    found = detached_uses(src, "L")
    assert [(kind, code) for _, code, kind in found] == [
        ("data", "self.w.data"), ("no_grad", "torch.no_grad()"), ("detach", "self.w.detach()"), ("data", "X.data")]
    assert detached_uses(src, "Other") == []
    assert detached_uses("def broken(:", "L") == []


def test_concat_error_along_another_dimension_is_explained():
    from grader.sandbox.client import StudentError
    from grader.suites.custom_layers import _cat_dim_hint

    err = StudentError({"type": "RuntimeError", "message": "Sizes of tensors must match except in dimension 0. "
                        "Expected size 1 but got size 2 for tensor number 1 in the list."})
    assert "along dimension 0" in _cat_dim_hint(err)[0]
    assert _cat_dim_hint(StudentError({"type": "RuntimeError", "message": "except in dimension 1"})) == []
