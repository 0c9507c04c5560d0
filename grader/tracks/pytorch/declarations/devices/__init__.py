"""Devices (D2L "GPUs"): choosing a device, moving nested batches, creating tensors on the input's device.

No GPU is needed: GPU counts are simulated in the worker, batches are moved to ``meta``, and
layers run on ``meta`` under FakeTensorMode; where the worker sees CUDA, the Device check also
runs on it for real.
"""

ORDER = ("select", "placement")
