"""Gradient failures explained from the student's ``forward``: the ``.data``, ``.detach()`` or
``torch.no_grad()`` that cut a parameter off from autograd (the source is read as text, never run).

Example:
    >>> src = "class L:\\n    def forward(self, X):\\n        return X @ self.weight.data\\n"
    >>> detached_uses(src, "L")
    [(3, 'self.weight.data', 'data')]
    >>> print(data_hint(detached_uses(src, "L")))  # doctest: +ELLIPSIS
    Line 3: forward uses `self.weight.data`. ... Use the parameter itself: `self.weight`, not `self.weight.data`.
"""
from __future__ import annotations

import ast
from typing import Callable

from grader.checks.base import CheckContext, Failure
from grader.tracks.pytorch.checks.layers import student_location, with_hints
from grader.notebooks.places import student_text

__all__ = ["cut_hint", "data_hint", "detached_uses", "explain_gradients"]

_CUT_CALLS = {"detach": "`.detach()`", "detach_": "`.detach_()`", "item": "`.item()`", "numpy": "`.numpy()`",
              "tolist": "`.tolist()`"}
_NO_GRAD_BLOCKS = {"no_grad", "inference_mode"}


def detached_uses(source: str, class_name: str) -> list[tuple[int, str, str]]:
    """``(line, code, what)`` for every place in ``class_name.forward`` that cuts autograd.

    ``what`` is ``"data"``, a method name from ``_CUT_CALLS``, ``"no_grad"`` (``code`` is
    then the context manager, ``torch.no_grad()``) or ``"tensor"`` (``torch.tensor(...)``
    of existing values). Uses on ``self.…`` come first. The source is parsed, never run.

    Example:
        >>> src = "class L:\\n    def forward(self, X):\\n        return X @ self.weight.data\\n"
        >>> detached_uses(src, "L")
        [(3, 'self.weight.data', 'data')]
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found: list[tuple[bool, int, int, str, str]] = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == class_name):
        for fn in (n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and n.name == "forward"):
            for node in ast.walk(fn):
                hit = _cut_kind(node)
                if hit is not None:
                    kind, base, shown = hit
                    text = (ast.get_source_segment(source, shown) or "").replace("\n", " ")
                    found.append((not (kind == "no_grad" or _on_self(base)), node.lineno, node.col_offset,
                                  text[:120], kind))
    found.sort()
    return list(dict.fromkeys((line, text, kind) for _, line, _, text, kind in found))


def _cut_kind(node: ast.AST) -> tuple[str, ast.AST | None, ast.AST] | None:
    """What ``node`` does to autograd, if it cuts it: (kind, the tensor it applies to, the code to show)."""
    if isinstance(node, ast.Attribute) and node.attr == "data":
        return "data", node.value, node
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        name = node.func.attr
        if name in _CUT_CALLS:
            return name, node.func.value, node
        if name in ("tensor", "as_tensor") and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "torch" and node.args:
            return "tensor", node.args[0], node
    if isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            expr = item.context_expr
            call = expr.func if isinstance(expr, ast.Call) else expr
            name = call.attr if isinstance(call, ast.Attribute) else getattr(call, "id", "")
            if name in _NO_GRAD_BLOCKS:
                return "no_grad", None, expr
    return None


def _on_self(node: ast.AST | None) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return isinstance(node, ast.Name) and node.id == "self"


def data_hint(uses: list[tuple[int, str, str]]) -> str:
    """One hint for every ``.data`` in forward: which line, which tensors, what to write instead."""
    lines = sorted({line for line, _, _ in uses})
    codes = list(dict.fromkeys(code for _, code, _ in uses))
    owners = [code[:-len(".data")] if code.endswith(".data") else code for code in codes]
    where = f"Line {lines[0]}" if len(lines) == 1 else f"Lines {', '.join(map(str, lines))}"
    one = len(owners) == 1
    return (f"{where}: forward uses {_listing(codes)}. `.data` is a tensor's values without its autograd "
            f"history, so no gradient flows back to {_listing(owners)} (an optimizer would never change "
            f"{'it' if one else 'them'}). Use the parameter{'' if one else 's'} "
            f"{'itself' if one else 'themselves'}: `{owners[0]}`, not `{codes[0]}`.")


def _listing(items: list[str]) -> str:
    quoted = [f"`{i}`" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def cut_hint(line: int, code: str, kind: str) -> str:
    """The hint for one use that is not ``.data``: a ``with torch.no_grad()`` block, ``torch.tensor(...)``
    of a parameter, or a cutting call (``.detach()``, ``.item()``, ...)."""
    if kind == "no_grad":
        return (f"Line {line}: forward runs a block under `with {code}:`; nothing computed inside it is recorded "
                f"for backward, so no gradient reaches the parameters used there. Remove the `with` block.")
    if kind == "tensor":
        return (f"Line {line}: `{code}` copies values into a new tensor that autograd does not connect to the "
                f"parameter. Use the parameter itself.")
    owner = code.rsplit(".", 1)[0]
    return (f"Line {line}: `{code}` uses {_CUT_CALLS[kind]} in forward, which cuts `{owner}` off from "
            f"autograd, so no gradient flows back to it. Use `{owner}` itself.")


def _explain_cut_gradients(class_name: str) -> Callable[[CheckContext, Failure], Failure]:
    """Explain a gradients failure where no gradient arrived by the line that detaches."""
    def explain(ctx: CheckContext, failure: Failure) -> Failure:
        if "does not require grad" not in failure.feedback and "no gradient" not in failure.feedback:
            return failure
        source = student_text(ctx.submission_root, ctx.source_path)
        uses = detached_uses(source, class_name)
        if not uses:
            return failure
        data = [u for u in uses if u[2] == "data"]
        hints = ([data_hint(data)] if data else []) + [cut_hint(*u) for u in uses if u[2] != "data"][:3]
        return with_hints(failure, hints, drop_prefix="No gradient reached", location=student_location(ctx, uses[0][0]))
    return explain


def _explain_unmatched(ctx: CheckContext, failure: Failure) -> Failure:
    """A reference parameter with no counterpart: say why its gradient was not compared."""
    if "no counterpart in your module" not in failure.feedback:
        return failure
    return with_hints(failure, ["Your module has no parameter with this name and shape (the names check says "
                                "what differs), so its gradient could not be compared."], first=False)


def explain_gradients(class_name: str) -> Callable[[CheckContext, Failure], Failure]:
    """For ``Explained(Gradients(...), explain_gradients("MyLayer"))``: a gradient that did not arrive is
    explained by the line of ``MyLayer.forward`` that detaches; a parameter without counterpart, by the names."""
    cut = _explain_cut_gradients(class_name)
    return lambda ctx, failure: _explain_unmatched(ctx, cut(ctx, failure))
