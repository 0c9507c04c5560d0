"""The PyTorch track: the worker's operations on ``torch.nn`` modules, the tensor codec, the
reference runtime and the device simulation.

Importing this package imports no torch: :data:`TRACK` only names modules.

Example:
    >>> TRACK.name, TRACK.ops
    ('pytorch', 'grader.tracks.pytorch.worker.ops')
    >>> TRACK.preload
    ('torch', 'torch._subclasses.fake_tensor')
"""
from __future__ import annotations

from grader.tracks import Track

__all__ = ["TRACK"]

TRACK = Track(
    name="pytorch",
    ops="grader.tracks.pytorch.worker.ops",
    # torch._dynamo is not preloaded: its import (~2-3 s) would sit on the critical path of every
    # run, while only the optimizer and FakeTensorMode exercises need it (~1 s each, in the worker).
    preload=("torch", "torch._subclasses.fake_tensor"),
    environment=(("PYTORCH_NVML_BASED_CUDA_CHECK", "1"),),  # asking whether CUDA exists must not initialise it
    judge=("grader.tracks.pytorch.arrays", "grader.tracks.pytorch.scratch"),
    declarations="grader.tracks.pytorch.declarations",
    references="grader.tracks.pytorch.references:ReferenceRunner",
)
