"""What a student release leaves out of an exercise's declaration module: its hidden checks and mutants.

A declaration module holds ``EXERCISE``, ``HIDDEN`` and ``MUTANTS``. The release keeps
the first and drops the other two, with every top-level definition that only they use
(a hidden check's helper, the solution lines a mutant's edits quote), found by name:
a definition goes when nothing that stays refers to it, with the comment lines just
above it. The rest of the text is kept as written.

Example:
    >>> text = '''EXERCISE = make(_shared)
    ... _shared = 1
    ... _only_hidden = 2
    ... def _helper():
    ...     return _only_hidden
    ... HIDDEN = (_helper, _shared)
    ... _QUOTE = "a solution line"
    ... # known-bad submissions
    ... MUTANTS = (_QUOTE,)
    ... '''
    >>> print(strip_declaration(text), end="")
    EXERCISE = make(_shared)
    _shared = 1
"""
from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["strip_declaration", "strip_declarations", "STRIPPED_NAMES"]

#: The names a student release removes from every declaration module.
STRIPPED_NAMES = ("HIDDEN", "MUTANTS")


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _used(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - _defined(node) | \
        {n.value.id for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}


def strip_declaration(text: str) -> str:
    """``text`` without ``HIDDEN``, ``MUTANTS`` and the top-level definitions only they use."""
    tree = ast.parse(text)
    body = tree.body
    removed = {i for i, node in enumerate(body) if _defined(node) & set(STRIPPED_NAMES)}
    changed = True
    while changed:
        changed = False
        kept_uses = set().union(*(_used(body[i]) for i in range(len(body)) if i not in removed))
        removed_uses = set().union(*(_used(body[i]) for i in removed)) if removed else set()
        for i, node in enumerate(body):
            names = _defined(node)
            if i in removed or not names or isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if names & removed_uses and not names & kept_uses and "__all__" not in names:
                removed.add(i)
                changed = True
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    for i in removed:
        node = body[i]
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        while first > 1 and lines[first - 2].lstrip().startswith("#"):  # its comment goes with it
            first -= 1
        drop.update(range(first - 1, node.end_lineno or node.lineno))
    out = "".join(line for n, line in enumerate(lines) if n not in drop)
    return out.rstrip("\n") + "\n" if out.strip() else ""


def strip_declarations(folder: Path) -> list[Path]:
    """Strip every declaration module under ``folder`` (a copy of the declarations package) in place;
    returns the files changed."""
    changed = []
    for path in sorted(folder.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        stripped = strip_declaration(text)
        if stripped != text:
            path.write_text(stripped, encoding="utf-8")
            changed.append(path)
    return changed
