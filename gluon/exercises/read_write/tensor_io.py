"""Exercise: saving and loading arrays.

Write ``save`` and ``load``. Check them with
``grade exercise read_write/tensor_io --track gluon``.

Use MXNet's own file format: ``nd.save`` / ``nd.load`` (first edition), or
``npx.save`` / ``npx.load`` after ``npx.set_np()`` (second edition). It holds
arrays only, so loading a file runs no code. Do not use ``pickle``.
"""
import os
from typing import Any

from mxnet import nd

PathLike = str | os.PathLike


def save(obj: Any, path: PathLike) -> None:
    """Write ``obj`` -- an array, a list of arrays or a dict of arrays (``str`` keys) -- to ``path``.

    The file must be one that ``nd.load(path)`` reads; dtypes and shapes
    must survive the round trip. ``path`` may be a ``str`` or a
    ``pathlib.Path`` (``nd.save`` wants a ``str``: ``os.fspath(path)``).
    Arrays have rank >= 1 and no zero-size axis.

    Example:
        >>> save({'x': nd.arange(4)}, '/tmp/x.nd')
    """
    raise NotImplementedError("save: nd.save(path, obj)")


def load(path: PathLike) -> Any:
    """Read back what ``save`` wrote, and return exactly what ``nd.load`` returns.

    That is a **list** for a saved array or list (a single array comes back
    as ``[x]``) and a **dict** for a saved dict, holding arrays with the
    saved values, dtypes and shapes.

    Example:
        >>> save(nd.ones(2), '/tmp/x.nd')
        >>> [x.shape for x in load('/tmp/x.nd')]
        [(2,)]
    """
    raise NotImplementedError("load: return nd.load(path)")
