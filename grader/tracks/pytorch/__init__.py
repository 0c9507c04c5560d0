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
    label="PyTorch",
    ops="grader.tracks.pytorch.worker.ops",
    # torch._dynamo is not preloaded for one exercise: its import (~1.5-3 s) would sit on the critical
    # path, while only the optimizer exercises need it (~1 s each, in the worker). A run of many
    # exercises preloads it (preload_many): once in the server, not once per worker that needs it.
    preload=("torch", "torch._subclasses.fake_tensor"),
    preload_many=("torch._dynamo",),
    environment=(("PYTORCH_NVML_BASED_CUDA_CHECK", "1"),),  # asking whether CUDA exists must not initialise it
    judge=("grader.tracks.pytorch.arrays", "grader.tracks.pytorch.scratch"),
    declarations="grader.tracks.pytorch.declarations",
    references="grader.tracks.pytorch.references:ReferenceRunner",
)
