"""Reference: choosing devices.

Implements ``try_gpu`` (GPU ``i`` if it exists, else the CPU) and
``try_all_gpus`` (every GPU, or ``[cpu]`` when there is none).
"""
import torch


def try_gpu(i: int = 0) -> torch.device:
    """Return ``torch.device(f'cuda:{i}')`` if that GPU exists, else ``torch.device('cpu')``.

    Example:
        >>> try_gpu()          # on a machine without a GPU
        device(type='cpu')
        >>> try_gpu(10)        # on a machine with fewer than 11 GPUs
        device(type='cpu')
    """
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def try_all_gpus() -> list[torch.device]:
    """Return ``[cuda:0, cuda:1, ...]`` for every GPU, or ``[cpu]`` when there is none.

    Example:
        >>> try_all_gpus()     # on a machine without a GPU
        [device(type='cpu')]
    """
    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    return devices if devices else [torch.device("cpu")]
