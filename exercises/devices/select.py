"""Exercise: choosing devices.

Write ``try_gpu`` and ``try_all_gpus``. Check them with
``grade exercise devices/select``. The grader simulates GPUs by patching
``torch.cuda.device_count`` and ``torch.cuda.is_available`` together; use
either.
"""
import torch


def try_gpu(i: int = 0) -> torch.device:
    """Return ``torch.device(f'cuda:{i}')`` if GPU ``i`` exists, else ``torch.device('cpu')``.

    GPU ``i`` exists when there are at least ``i + 1`` GPUs. Return a
    ``torch.device``, not a string.

    Example:
        >>> try_gpu()          # on a machine without a GPU
        device(type='cpu')
    """
    raise NotImplementedError("try_gpu: cuda:i if that GPU exists, else cpu")


def try_all_gpus() -> list[torch.device]:
    """Return ``[cuda:0, cuda:1, ...]`` (every GPU, in order), or ``[cpu]`` if there is none.

    Example:
        >>> try_all_gpus()     # on a machine without a GPU
        [device(type='cpu')]
    """
    raise NotImplementedError("try_all_gpus: every cuda device, or [cpu]")
