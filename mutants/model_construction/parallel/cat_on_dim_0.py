"""The outputs are concatenated along dimension 0.

Known-bad submission (a mutant) of model_construction/parallel: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py PAR_CASES[cat_on_dim_0].
"""
import torch
from torch import nn


class Parallel(nn.Module):

    def __init__(self, net1, net2, dim=1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X):
        return torch.cat([self.net1(X), self.net2(X)], dim=0)
