"""Reusable check kinds, declared per exercise with points.

Example:
    >>> from grader.checks import Forward, Names, Gradients, Custom, Mistake, Failure
"""
from grader.checks.base import Check, CheckContext, Failure, derive_seed
from grader.checks.custom import Custom
from grader.checks.device import Device
from grader.checks.forward import Forward, Mistake
from grader.checks.gradients import Gradients
from grader.checks.names import Names
from grader.checks.pair import build_pair, describe_inputs, randn, student_call

__all__ = ["Check", "CheckContext", "Custom", "Device", "Failure", "Forward", "Gradients", "Mistake", "Names",
           "build_pair", "derive_seed", "describe_inputs", "randn", "student_call"]
