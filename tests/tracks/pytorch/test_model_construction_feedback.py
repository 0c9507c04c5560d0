"""Feedback quality on one buggy MLP: smallest failing case, location, torch.testing-style
messages, and shape problems reported before any value comparison."""
from __future__ import annotations

import pytest

from grader.results import Status
from tests.conftest import check, text_of

MLP_ID = "model_construction/mlp"
MLP_PATH = "model_construction/mlp.py"

NO_RELU = """
import torch
from torch import nn
from torch.nn import functional as F


class MLP(nn.Module):
    def __init__(self, in_features=20, hidden=256, out_features=10):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.output = nn.Linear(hidden, out_features)

    def forward(self, X):
        return self.output(self.hidden(X))
"""
# a student who squeezes the output "to get a vector": (batch, out) -> () for the smallest case
SQUEEZED = NO_RELU.replace("return self.output(self.hidden(X))",
                           "return self.output(F.relu(self.hidden(X))).squeeze()")


def _line_of(source: str, text: str) -> int:
    """1-based line of ``text`` in the file written from ``source`` (already at column 0)."""
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


@pytest.fixture
def no_relu_forward(grade_files):
    run = grade_files({MLP_PATH: NO_RELU}, MLP_ID)
    return check(run, MLP_ID, "forward")


def test_failing_case_is_shrunk_to_the_smallest_sizes(no_relu_forward):
    result = no_relu_forward
    assert result.status is Status.FAILED and result.score == 0
    case = result.failing_case
    assert case.startswith("net = MLP(1, 1, 1)\n"), case
    assert "X = torch.tensor([[" in case and "# shape (1, 1), float32" in case
    assert case.endswith("net(X)")


@pytest.mark.parametrize("seed", [1, 2])
def test_other_seeds_shrink_to_the_same_sizes(grade_files, seed):
    run = grade_files({MLP_PATH: NO_RELU}, MLP_ID, seed=seed)
    assert check(run, MLP_ID, "forward").failing_case.startswith("net = MLP(1, 1, 1)\n")


def test_location_points_at_the_line_of_forward_that_feeds_the_diverging_layer(no_relu_forward):
    loc = no_relu_forward.location
    assert loc is not None
    assert loc.path == MLP_PATH
    assert loc.line == _line_of(NO_RELU, "return self.output(self.hidden(X))")
    assert loc.source == "return self.output(self.hidden(X))"
    assert "the input of `output` differs (expected relu(hidden(X)), got hidden(X))" in no_relu_forward.feedback
    assert str(loc) == f"{MLP_PATH}:{loc.line}"


def test_value_mismatch_reads_like_torch_testing(no_relu_forward):
    feedback = no_relu_forward.feedback
    assert feedback.startswith("Compared the output of net(X) with the reference's (same parameters).")
    assert "Tensors are not close!" in feedback
    assert "Mismatched elements: 1 / 1 (100.0%)" in feedback
    assert "Greatest absolute difference: " in feedback and "at index (0, 0) (expected " in feedback
    assert "up to 1e-05 allowed" in feedback          # float32 atol
    assert "Greatest relative difference: " in feedback
    assert "up to 1.3e-06 allowed" in feedback        # float32 rtol
    assert "Shape mismatch" not in feedback


def test_known_mistake_is_a_hint_not_part_of_the_diff(no_relu_forward):
    result = no_relu_forward
    assert result.hints == ("Your output equals `output(hidden(X))`: the ReLU between `hidden` and `output` "
                            "is missing.",)
    assert "ReLU" not in result.feedback
    assert "the ReLU between `hidden` and `output` is missing" in text_of(result)


def test_same_seed_same_feedback(grade_files, no_relu_forward):
    again = check(grade_files({MLP_PATH: NO_RELU}, MLP_ID), MLP_ID, "forward")
    assert (again.feedback, again.failing_case, again.hints) == \
        (no_relu_forward.feedback, no_relu_forward.failing_case, no_relu_forward.hints)


def test_shape_mismatch_is_reported_before_any_value_talk(grade_files):
    run = grade_files({MLP_PATH: SQUEEZED}, MLP_ID)
    result = check(run, MLP_ID, "forward")
    assert result.status is Status.FAILED and result.score == 0
    feedback = result.feedback
    assert "Shape mismatch: expected (" in feedback
    assert "Shape mismatch: expected (1, 1), got ()." in feedback
    for value_talk in ("Tensors are not close", "Mismatched elements", "Greatest absolute difference"):
        assert value_talk not in feedback, feedback
    assert result.failing_case.startswith("net = MLP(1, 1, 1)\n")
    assert result.location is not None and result.location.path == MLP_PATH
    # the structure is right: only the output is wrong
    assert check(run, MLP_ID, "names").status is Status.PASSED
