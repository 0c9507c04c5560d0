"""Reference: saving and loading arrays.

Implements ``save`` and ``load`` for an array, a list of arrays or a dict of
arrays, in MXNet's own binary format (``nd.save`` / ``nd.load``). The format
holds arrays only (no pickled Python objects), so loading runs no code.
"""
import os
from typing import Any

from mxnet import nd

PathLike = str | os.PathLike


def save(obj: Any, path: PathLike) -> None:
    """Write ``obj`` (an array, a list or a dict of arrays) to ``path`` with ``nd.save``.

    Example:
        >>> save({'x': nd.arange(4)}, '/tmp/x.nd')
        >>> load('/tmp/x.nd')['x'].asnumpy().tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    nd.save(os.fspath(path), obj)


def load(path: PathLike) -> Any:
    """Read back what ``save`` wrote, as ``nd.load`` returns it.

    A list for an array or a list (a single array comes back as ``[x]``), a
    dict for a dict.

    Example:
        >>> save(nd.ones(2), '/tmp/x.nd')
        >>> [x.shape for x in load('/tmp/x.nd')]
        [(2,)]
    """
    return nd.load(os.fspath(path))
