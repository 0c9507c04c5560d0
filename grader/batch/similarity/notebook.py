"""The code cells of a notebook, as one Python text, read as JSON (never run).

Cells are joined in order, each after a comment line ``# cell N`` (cells
counted from 1 over all cells, markdown included, as the grader's feedback
counts them). Left out exactly what grading leaves out (the run plan of
:func:`grader.notebooks.cells.plan_notebook`): markdown and raw cells, cells
tagged ``skip-grading``, cells that start with a cell magic (``%%``), line
magics, ``!`` shell lines, ``x = !cmd``, ``obj?`` help lines and the
notebook's own calls of the grader.
With ``names``, only the cells that define one of them (``def``/``class``
at the start of a line) are kept, unless none does: a topic notebook holds
every module of its topic, and an exercise is compared on its own cells.

Example:
    >>> nb = {"cells": [{"cell_type": "markdown", "source": "# MLP"},
    ...                 {"cell_type": "code", "source": ["%matplotlib inline\\n", "class MLP:\\n", "    pass\\n"]},
    ...                 {"cell_type": "code", "source": "def helper(): ...", "metadata": {"tags": ["skip-grading"]}}]}
    >>> print(code_cells(json.dumps(nb)), end="")
    # cell 2
    class MLP:
        pass
    >>> code_cells("{not json")
    Traceback (most recent call last):
    ...
    ValueError: not a notebook: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)
"""
from __future__ import annotations

import json
import re
from typing import Iterable

from grader.notebooks.cells import plan_notebook

__all__ = ["code_cells"]

def _defines(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` defines one of ``names`` at the start of a line.

    Example:
        >>> _defines("x = 1\\nclass MLP(nn.Module):", ["MLP"]), _defines("MLPx = 1", ["MLP"])
        (True, False)
    """
    return any(re.search(rf"^(?:class|def)\s+{re.escape(n)}\b", text, re.M) for n in names)


def code_cells(text: str, names: Iterable[str] = ()) -> str:
    """The notebook's code as one text (see the module docstring); ``ValueError`` if not a notebook."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not a notebook: {exc}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook: no list of cells")
    plan = plan_notebook({"cells": [c if isinstance(c, dict) else {} for c in cells]})
    dropped = {(s.cell, s.line) for s in plan.skipped if s.line}
    kept = [(c.number, "\n".join(text for i, text in enumerate(c.code.split("\n"), 1)
                                  if (c.number, i) not in dropped)) for c in plan.runnable]
    names = list(names)
    if names and any(_defines(src, names) for _, src in kept):
        kept = [(n, src) for n, src in kept if _defines(src, names)]
    return "".join(f"# cell {n}\n" + src.rstrip("\n") + "\n" for n, src in kept)
