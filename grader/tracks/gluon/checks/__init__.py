"""The Gluon track's check kinds, run by the judge (NumPy, no MXNet): forward outputs, parameter
names and shapes, gradients, initialization laws, and scenarios (files, checkpoints, devices,
returned values) compared with the reference process's answers.

Example:
    >>> sorted(__all__)[:4]
    ['Forward', 'Gradients', 'Initialization', 'Mistake']
"""
from grader.tracks.gluon.checks.forward import Forward, Mistake
from grader.tracks.gluon.checks.gradients import Gradients
from grader.tracks.gluon.checks.init import Initialization, Trial
from grader.tracks.gluon.checks.names import Names
from grader.tracks.gluon.checks.scenario import Scenario

__all__ = ["Forward", "Gradients", "Initialization", "Mistake", "Names", "Scenario", "Trial"]
