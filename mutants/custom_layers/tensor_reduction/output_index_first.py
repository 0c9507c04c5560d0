"""`weight` has the output index first: `(out_features, in, in)`.

Known-bad submission (a mutant) of custom_layers/tensor_reduction: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_custom_layers_bugs.py.
"""
import torch
from torch import nn
from torch.nn import functional as F

class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features, in_features))

    def forward(self, X):
        return torch.einsum('bi,bj,kij->bk', X, X, self.weight)
