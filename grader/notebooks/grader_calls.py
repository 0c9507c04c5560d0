"""Statements of a notebook that call the grader itself (``from grader.notebook import check``,
``check("model_construction/mlp")``): graded code never runs them, as Run All of a graded copy
would only start the grader inside itself.

Only top-level statements of a cell count, and a call counts only through a name the notebook
imported from ``grader.notebook`` (or that module's attribute), so a student's own function
called ``check`` still runs unless the grader's was imported under that name.

Example:
    >>> names = check_names(["from grader.notebook import check", "import grader.notebook as gn"])
    >>> sorted(names)
    ['check', 'gn.check', 'grader.notebook.check']
    >>> grader_statements('x = 1\\ncheck(\\n    "model_construction/mlp")\\ngn.check("all")', names)
    [(2, 3), (4, 4)]
"""
from __future__ import annotations

import ast
from typing import Iterable

__all__ = ["check_names", "grader_statements", "MODULE"]

MODULE = "grader.notebook"


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _parse(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError):
        return None


def check_names(codes: Iterable[str]) -> frozenset[str]:
    """The dotted names through which the cells ``codes`` reach ``grader.notebook.check``."""
    names = {f"{MODULE}.check"}
    for code in codes:
        tree = _parse(code)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ImportFrom) and node.module == MODULE:
                names.update(a.asname or a.name for a in node.names if a.name in ("check", "*"))
            elif isinstance(node, ast.ImportFrom) and node.module == "grader":
                names.update(f"{a.asname or a.name}.check" for a in node.names if a.name == "notebook")
            elif isinstance(node, ast.Import):
                names.update(f"{a.asname}.check" for a in node.names if a.name == MODULE and a.asname)
    if "*" in names:  # `from grader.notebook import *` brings `check`
        names = (names - {"*"}) | {"check"}
    return frozenset(names)


def _is_grader(stmt: ast.stmt, names: frozenset[str]) -> bool:
    if isinstance(stmt, ast.ImportFrom):
        return stmt.module in (MODULE, "grader") and (stmt.module == MODULE or
                                                       any(a.name == "notebook" for a in stmt.names))
    if isinstance(stmt, ast.Import):
        return any(a.name in (MODULE, "grader") for a in stmt.names)
    value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign)) else None
    return isinstance(value, ast.Call) and _dotted(value.func) in names


def grader_statements(code: str, names: frozenset[str]) -> list[tuple[int, int]]:
    """``(first, last)`` lines (from 1) of the top-level statements of ``code`` that call the grader."""
    tree = _parse(code)
    if tree is None:
        return []
    return [(s.lineno, s.end_lineno or s.lineno) for s in tree.body if _is_grader(s, names)]
