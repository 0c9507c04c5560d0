"""What every check is made of, whatever the framework: the check protocol and its context, the
failure a check raises, custom checks, hints and annotations, case exploration, and the
goodness-of-fit statistics of initialization checks. A track's own check kinds (PyTorch's:
:mod:`grader.tracks.pytorch.checks`) are built on these.

Example:
    >>> from grader.checks import CheckContext, Custom, Failure
    >>> Custom(id="probe", title="a probe", points=1, examine=lambda ctx, case, seed: None).points
    1
"""
from grader.checks.base import Check, CheckContext, Failure, derive_seed
from grader.checks.custom import Custom

__all__ = ["Check", "CheckContext", "Custom", "Failure", "derive_seed"]
