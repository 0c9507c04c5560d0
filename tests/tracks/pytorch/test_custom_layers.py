"""custom_layers: the helpers that read a student's source or error, and the reference's
initialization under other seeds (the known-bad submissions are declared mutants, graded by
test_declarations.py)."""
from __future__ import annotations

import pytest

from grader.tracks.pytorch.checks.detached import detached_uses
from grader.sandbox.client import StudentError
from grader.tracks.pytorch.declarations.custom_layers.pooling import _cat_dim_hint
from tests.conftest import ROOT

HEAD = """\
import torch
from torch import nn
from torch.nn import functional as F
"""


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
    err = StudentError({"type": "RuntimeError", "message": "Sizes of tensors must match except in dimension 0. "
                        "Expected size 1 but got size 2 for tensor number 1 in the list."})
    assert "along dimension 0" in _cat_dim_hint(err)[0]
    assert _cat_dim_hint(StudentError({"type": "RuntimeError", "message": "except in dimension 1"})) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_my_linear_reference_init_passes_other_seeds(grade_dir, seed):
    run = grade_dir(ROOT / "solutions", "custom_layers/my_linear", seed=seed)
    assert run.score == run.max_score
