"""`channel_concat` uses `torch.stack` instead of `torch.cat`.

Known-bad submission (a mutant) of custom_layers/pooling: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_custom_layers_bugs.py.
"""
import torch
from torch import nn
from torch.nn import functional as F

class GlobalAvgPool2d(nn.Module):
    def forward(self, X):
        return X.mean(dim=(2, 3), keepdim=True)


class FlattenLayer(nn.Module):
    def forward(self, X):
        return X.flatten(start_dim=1)


def channel_concat(*xs):
    return torch.stack(xs, dim=1)
