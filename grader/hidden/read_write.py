"""Hidden checks of read_write: checkpoint resume with Adam (the public check uses SGD with momentum).

Example:
    >>> sorted(HIDDEN)
    ['read_write/checkpoint']
"""
from __future__ import annotations

from hypothesis import strategies as st

from grader.checks import Custom
from grader.checks.draw import cases
from grader.suites.read_write import _ckpt_sizes, _resume

_adam_cases = cases(**_ckpt_sizes)
_ADAM_DEFAULTS = ({"i": 4, "h": 8, "o": 2, "n": 6, "k": 3, "m": 2, "lr": 0.01},)

HIDDEN = {"read_write/checkpoint": (
    Custom(id="resume_adam", title="Adam: k steps, save, load into fresh objects, m steps == k + m steps straight "
           "through", points=2, examine=_resume, cases=_adam_cases, max_examples=4, defaults=_ADAM_DEFAULTS),
)}
