"""`block1`'s second layer is `Linear(4, 8)`, not `Linear(8, 4)`.

Known-bad submission (a mutant) of parameters/nested: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_parameters_bugs.py NESTED_CASES[block1-transposed].
"""
from torch import nn


def block1() -> nn.Sequential:
    """``Sequential(Linear(4, 8), ReLU(), Linear(8, 4), ReLU())``.

    Example:
        >>> list(block1().state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
    """
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(4, 8), nn.ReLU())


def block2(n: int = 4) -> nn.Sequential:
    """A ``Sequential`` of ``n`` ``block1()`` named ``'block 0'``, ``'block 1'``, ...

    Example:
        >>> list(block2(2).state_dict())[:2]
        ['block 0.0.weight', 'block 0.0.bias']
    """
    net = nn.Sequential()
    for i in range(n):
        net.add_module(f"block {i}", block1())
    return net


def rgnet(n: int = 4) -> nn.Sequential:
    """``Sequential(block2(n), Linear(4, 1))``.

    Example:
        >>> import torch
        >>> net = rgnet()
        >>> net(torch.rand(2, 4)).shape
        torch.Size([2, 1])
        >>> list(net.state_dict())[:2]
        ['0.block 0.0.weight', '0.block 0.0.bias']
        >>> list(net.state_dict())[-2:]
        ['1.weight', '1.bias']
    """
    return nn.Sequential(block2(n), nn.Linear(4, 1))
