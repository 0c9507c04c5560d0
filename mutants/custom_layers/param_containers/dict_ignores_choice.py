"""`DictDense.forward` always uses `linear1`.

Known-bad submission (a mutant) of custom_layers/param_containers: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_custom_layers_bugs.py.
"""
import torch
from torch import nn
from torch.nn import functional as F

class ListDense(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.params = nn.ParameterList([nn.Parameter(torch.randn(sizes[i], sizes[i + 1])) for i in range(len(sizes) - 1)])

    def forward(self, X):
        for w in self.params:
            X = X @ w
        return X


class DictDense(nn.Module):
    def __init__(self):
        super().__init__()
        self.params = nn.ParameterDict({"linear1": nn.Parameter(torch.randn(4, 4)), "linear2": nn.Parameter(torch.randn(4, 1)), "linear3": nn.Parameter(torch.randn(4, 2))})

    def forward(self, X, choice="linear1"):
        return X @ self.params["linear1"]
