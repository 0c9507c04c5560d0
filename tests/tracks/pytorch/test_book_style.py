"""The book's own idioms (tests/fixtures/book_style/, and variants here): never a grader fault,
and each deviation from the catalog loses exactly its checks with the message a student needs."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.catalog import select
from grader.engine import GradeOptions, grade
from grader.results import RunResult, Status
from grader.sandbox.client import WorkerPool
from tests.conftest import ROOT, check, expect, text_of, mutant_source

BOOK = ROOT / "tests" / "fixtures" / "book_style"


@pytest.fixture(scope="module")
def book_run(pool: WorkerPool) -> RunResult:
    return grade(BOOK, select("all"), seed=11, pool=pool)


def test_no_grader_fault_anywhere(book_run: RunResult) -> None:
    faults = [(c.name, c.feedback[:300]) for c in book_run.checks if c.status is Status.ERROR]
    assert faults == []
    assert 0 < book_run.score < book_run.max_score


def test_what_the_book_writes_as_the_catalog_asks_scores_full(book_run: RunResult) -> None:
    for exercise in ("model_construction/parallel", "model_construction/stack", "model_construction/containers",
                     "parameters/access", "lazy_init/lazy_mlp", "custom_layers/tensor_reduction",
                     "custom_layers/fourier", "custom_layers/param_containers",
                     "read_write/tensor_io", "read_write/checkpoint", "devices/select", "devices/placement"):
        result = next(e for e in book_run.exercises if e.exercise == exercise)
        assert result.score == result.max_score, (exercise, [text_of(c) for c in result.checks if not c.passed])


def test_constructor_without_size_arguments(book_run: RunResult) -> None:
    expect(book_run, "model_construction/mlp",
           {"names": ["MLP.__init__() takes 1 positional argument", "takes no arguments, like the book's version",
                      "add the parameters the exercise lists"]})


def test_objects_where_functions_are_asked_for(book_run: RunResult) -> None:
    expect(book_run, "model_construction/nest_mlp",
           {"chimera_structure": ["`chimera` is an nn.Sequential object; the exercise asks for a function "
                                  "`chimera()` that returns one."]}, passes=["forward"],
           line_of={"chimera_structure": "chimera = nn.Sequential("})
    expect(book_run, "parameters/tying", {"structure": ["`tied_net` is an nn.Sequential object",
                                                       "a function `tied_net()` that returns one"]})
    expect(book_run, "parameters/nested", {"rgnet_names": ["`rgnet` is an nn.Sequential object",
                                                          "a function `rgnet(...)`"]}, passes=["block1"])
    expect(book_run, "read_write/clone", {"same_outputs": ["`clone` is an object of type MLP",
                                                          "a function `clone(...)`"]},
           line_of={"same_outputs": "clone = MLP()"})
    assert "TypeError" not in text_of(check(book_run, "read_write/clone", "same_outputs"))


def test_lazy_layers_with_the_sizes_given(book_run: RunResult) -> None:
    """NestMLP with LazyLinear: forward judged on its merits, names says what to write instead."""
    expect(book_run, "model_construction/nest_mlp",
           {"names": ["nn.LazyLinear infers the input width at the first forward; this exercise gives it: use "
                      "nn.Linear(", "`net.0` = nn.Linear(20, 64)", "No shape yet when the model is built"]},
           passes=["forward"])


def test_book_helpers_d2l_and_data(book_run: RunResult) -> None:
    expect(book_run, "custom_layers/centered", {"forward": ["No module named 'd2l'", "not available while grading"]})
    expect(book_run, "custom_layers/my_linear", {"gradients": ["`self.weight`, not `self.weight.data`"]},
           passes=["forward", "names"])


def test_view_on_a_non_contiguous_input(book_run: RunResult) -> None:
    expect(book_run, "custom_layers/pooling", {"flatten_non_contiguous": ["not contiguous", "X.reshape("]},
           passes=["global_avg_pool", "flatten"])


def test_init_functions_sharing_a_fault_are_all_named(book_run: RunResult) -> None:
    expect(book_run, "parameters/init", {"bias_free": ["Fails for 2 functions: `init_normal`, `init_constant`.",
                                                       "Also in `init_constant`"]},
           passes=["init_normal", "init_constant", "init_xavier", "my_init"])


def test_lazy_linear_mlp_loses_only_names(grade_files) -> None:
    source = mutant_source("model_construction/mlp", "lazy_linear")
    run = grade_files({"model_construction/mlp.py": source}, "model_construction/mlp")
    expect(run, "model_construction/mlp",
           {"names": ["`hidden`, `output` are nn.LazyLinear: nn.LazyLinear infers the input width at the first "
                      "forward; this exercise gives it: use nn.Linear(in_features, out_features)"]},
           passes=["forward", "gradients"])


def test_relu_in_place_on_the_input_is_caught(grade_files) -> None:
    source = """
    import torch
    from torch import nn


    class MLP(nn.Module):
        def __init__(self, in_features=20, hidden=256, out_features=10):
            super().__init__()
            self.hidden = nn.Linear(in_features, hidden)
            self.output = nn.Linear(hidden, out_features)

        def forward(self, X):
            X.clamp_(-1, 1)  # clipping outliers, in place on the caller's tensor
            return self.output(torch.relu(self.hidden(X)))
    """
    run = grade_files({"model_construction/mlp.py": source}, "model_construction/mlp")
    expect(run, "model_construction/mlp", {"forward": ["changed its input `X` in place", "clamp_"]},
           passes=["names"])




# -- where the computation diverges ------------------------------------------------------------------

_SIGMOID_MLP = """
import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features=20, hidden=256, out_features=10):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.output = nn.Linear(hidden, out_features)

    def forward(self, X):
        H = self.hidden(X)
        A = torch.sigmoid(H)
        return self.output(A)
"""


def test_divergence_names_the_first_differing_submodule_and_points_at_its_line(grade_files) -> None:
    run = grade_files({"model_construction/mlp.py": _SIGMOID_MLP}, "model_construction/mlp")
    expect(run, "model_construction/mlp",
           {"forward": ["Where it diverges: The output of `hidden` matches the reference; the input of `output` "
                        "differs (expected relu(hidden(X)), got sigmoid(hidden(X)))."]},
           passes=["names"], line_of={"forward": "return self.output(A)"})


def test_divergence_after_the_last_submodule(grade_files) -> None:
    source = _SIGMOID_MLP.replace("A = torch.sigmoid(H)\n        return self.output(A)",
                                  "return torch.relu(self.output(torch.relu(H)))")
    run = grade_files({"model_construction/mlp.py": source}, "model_construction/mlp")
    expect(run, "model_construction/mlp",
           {"forward": ["match the reference, up to the last, `output`: the difference comes after it"]},
           line_of={"forward": "self.output("})


def test_divergence_inside_a_submodule(grade_files) -> None:
    """A layer built differently (no bias): its input matches, its output does not."""
    source = _SIGMOID_MLP.replace("nn.Linear(in_features, hidden)", "nn.Linear(in_features, hidden, bias=False)")
    source = source.replace("A = torch.sigmoid(H)", "A = torch.relu(H)")
    run = grade_files({"model_construction/mlp.py": source}, "model_construction/mlp")
    text = text_of(check(run, "model_construction/mlp", "forward"))
    assert "The input of `hidden` matches, but its output differs" in text, text
