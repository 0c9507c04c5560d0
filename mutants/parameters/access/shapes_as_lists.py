"""`param_shapes` gives lists, not tuples.

Known-bad submission (a mutant) of parameters/access: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_parameters_bugs.py ACCESS_CASES[shapes-as-lists].
"""
from torch import nn


def param_shapes(net: nn.Module) -> dict[str, tuple[int, ...]]:
    """Map every parameter name to its shape as a tuple of ints.

    A tied parameter appears once, under the first name
    ``named_parameters()`` gives it.

    Example:
        >>> param_shapes(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)))
        {'0.weight': (8, 4), '0.bias': (8,), '2.weight': (1, 8), '2.bias': (1,)}
    """
    return {n: list(p.shape) for n, p in net.named_parameters()}


def count_params(net: nn.Module, trainable_only: bool = True) -> int:
    """Total number of scalars in ``net``'s distinct parameters.

    With ``trainable_only`` (the default), parameters with
    ``requires_grad=False`` are skipped.

    Example:
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
        >>> count_params(net)
        49
        >>> _ = net[0].weight.requires_grad_(False)
        >>> count_params(net), count_params(net, trainable_only=False)
        (17, 49)
    """
    # parameters() yields each Parameter object once, so tied ones count once.
    return sum(p.numel() for p in net.parameters()
               if p.requires_grad or not trainable_only)
