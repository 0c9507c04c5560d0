"""Both networks kept in a plain Python list.

Known-bad submission (a mutant) of model_construction/parallel: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_model_construction_bugs.py PAR_CASES[nets_in_plain_list].
"""
import torch
from torch import nn


class Parallel(nn.Module):

    def __init__(self, net1, net2, dim=1):
        super().__init__()
        self.nets = [net1, net2]
        self.dim = dim

    def forward(self, X):
        return torch.cat([net(X) for net in self.nets], dim=self.dim)
