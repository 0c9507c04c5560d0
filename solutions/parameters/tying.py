"""Reference: tied (shared) parameters.

Implements ``tied_net``: one ``Linear(8, 8)`` object used at two positions of a
``Sequential``. Its parameters are the same tensors in both places, so their
gradient is the sum of the gradients of both uses.
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
                         shared, nn.ReLU(),
                         nn.Linear(8, 1))
