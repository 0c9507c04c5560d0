"""The activation after the second shared layer is Tanh, not ReLU.

Known-bad submission (a mutant) of parameters/tying: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_parameters_bugs.py TYING_CASES[tanh].
"""
from torch import nn


def tied_net() -> nn.Sequential:
    """``Sequential(Linear(4,8), ReLU(), shared, ReLU(), shared, ReLU(), Linear(8,1))``.

    Example:
        >>> net = tied_net()
        >>> net[2] is net[4]
        True
        >>> list(dict(net.named_parameters()))
        ['0.weight', '0.bias', '2.weight', '2.bias', '6.weight', '6.bias']
    """
    shared = nn.Linear(8, 8)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                         shared, nn.ReLU(),
                         shared, nn.Tanh(),
                         nn.Linear(8, 1))
