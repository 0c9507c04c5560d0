"""Custom layers (D2L "Custom Layers"): modules with and without parameters, ParameterList/Dict,
shape-changing layers.

Forward outputs are compared with the reference's on drawn shapes, with the
reference's parameter values copied into the student's module first (so the
layers whose initialization the catalog leaves open are graded on names,
shapes and outputs only). ``MyLinear``'s standard-normal initialization gets a
Kolmogorov–Smirnov test; gradient failures caused by ``.data`` / ``.detach()``
in ``forward`` are explained from the student's source (read as text by the
judge, never run: :mod:`grader.tracks.pytorch.checks.detached`).
"""

ORDER = ("centered", "my_linear", "tensor_reduction", "fourier", "param_containers", "pooling")
