"""The PyTorch track's check kinds, declared per exercise with points: forward outputs, names,
gradients, initialization, devices, and the helpers declarations share (drawing cases, pairs of
student and reference objects, files, layers, tensors). The framework-neutral parts they are
built on (the check protocol, ``Failure``, ``Custom``) are re-exported here for declarations.

Example:
    >>> from grader.tracks.pytorch.checks import Forward, Names, Gradients, Custom, Mistake, Failure
    >>> from grader.tracks.pytorch.checks.draw import cases, width
    >>> Names(points=2, build=lambda c: None, cases=cases(i=width())).id
    'names'
"""
from grader.checks.base import Check, CheckContext, Failure, derive_seed
from grader.checks.custom import Custom
from grader.tracks.pytorch.checks.device import Device
from grader.tracks.pytorch.checks.forward import Forward, Mistake
from grader.tracks.pytorch.checks.gradients import Gradients
from grader.tracks.pytorch.checks.names import Names
from grader.tracks.pytorch.checks.pair import build_pair, describe_inputs, randn, student_call

__all__ = ["Check", "CheckContext", "Custom", "Device", "Failure", "Forward", "Gradients", "Mistake", "Names",
           "build_pair", "derive_seed", "describe_inputs", "randn", "student_call"]
