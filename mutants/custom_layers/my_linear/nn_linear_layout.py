"""`weight` has nn.Linear's layout `(units, in_units)`.

Known-bad submission (a mutant) of custom_layers/my_linear: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_custom_layers_bugs.py.
"""
import torch
from torch import nn
from torch.nn import functional as F

class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(units, in_units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        return F.relu(X @ self.weight.T + self.bias)
