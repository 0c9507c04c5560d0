"""Exercise: choosing devices.

Write ``try_gpu`` and ``try_all_gpus``. Check them with
``grade exercise devices/select --track gluon``. The grader simulates GPUs by
changing the count that ``mx.context.num_gpus()`` returns (also
``npx.num_gpus()`` and ``mx.util.get_gpu_count()``): read the count from one
of these at each call (not once when the module is imported), and do not try
to allocate memory on a GPU.
"""
import mxnet as mx


def try_gpu(i: int = 0) -> mx.Context:
    """Return ``mx.gpu(i)`` if GPU ``i`` exists, else ``mx.cpu()``.

    GPU ``i`` exists when there are at least ``i + 1`` GPUs
    (``mx.context.num_gpus() > i``). Return an ``mx.Context``, not a string.

    Example:
        >>> try_gpu()          # on a machine without a GPU
        cpu(0)
    """
    raise NotImplementedError("try_gpu: mx.gpu(i) if num_gpus() > i, else mx.cpu()")


def try_all_gpus() -> list[mx.Context]:
    """Return ``[mx.gpu(0), mx.gpu(1), ...]`` (every GPU, in order), or ``[mx.cpu()]`` if there is none.

    Example:
        >>> try_all_gpus()     # on a machine without a GPU
        [cpu(0)]
    """
    raise NotImplementedError("try_all_gpus: every GPU context, or [mx.cpu()]")
