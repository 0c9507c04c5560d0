"""Reference: choosing devices.

Implements ``try_gpu`` (GPU ``i`` if it exists, else the CPU) and
``try_all_gpus`` (every GPU, or ``[cpu()]`` when there is none). The GPU count
comes from ``mx.context.num_gpus()`` (``npx.num_gpus`` is the same function).
"""
import mxnet as mx


def try_gpu(i: int = 0) -> mx.Context:
    """Return ``mx.gpu(i)`` if that GPU exists, else ``mx.cpu()``.

    Example:
        >>> try_gpu()          # on a machine without a GPU
        cpu(0)
        >>> try_gpu(10)        # on a machine with fewer than 11 GPUs
        cpu(0)
    """
    if mx.context.num_gpus() >= i + 1:
        return mx.gpu(i)
    return mx.cpu()


def try_all_gpus() -> list[mx.Context]:
    """Return ``[gpu(0), gpu(1), ...]`` for every GPU, or ``[cpu(0)]`` when there is none.

    Example:
        >>> try_all_gpus()     # on a machine without a GPU
        [cpu(0)]
    """
    devices = [mx.gpu(i) for i in range(mx.context.num_gpus())]
    return devices if devices else [mx.cpu()]
