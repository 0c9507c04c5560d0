"""Check your work from a Jupyter (or Colab) notebook.

In a cell::

    from grader.notebook import check
    check("model_construction/mlp")     # an exercise, a topic, or "all"

Your notebook's code is graded in the grader's confined worker, never in your kernel, and the
report shows below the cell. It says what was graded: the saved notebook when Jupyter tells the
kernel its path (save first!), else the cells you ran (the kernel's input history).

Example:
    >>> callable(check)
    True
"""
from __future__ import annotations

from grader.app.notebook import CheckReport, check

__all__ = ["check", "CheckReport"]
