"""Where a forward computation first departs from the reference's.

Both sides run forward with hooks on every named submodule (the ``trace``
operation, :mod:`grader.tracks.pytorch.worker.ops_trace`), with the same parameters. Walking
the reference's calls in order, the first submodule whose input, or else whose
output, differs from the student's is where the student's code goes wrong:
its input differing means the code *between* two layers is wrong, its output
differing means the layer itself is. When every submodule agrees, the
difference comes after the last one.

Example:
    >>> import torch
    >>> X = torch.tensor([[1.0, -2.0]])
    >>> h = X * 3
    >>> ref = [{"name": "hidden", "type": "Linear", "input": X, "output": h, "frame": None},
    ...        {"name": "output", "type": "Linear", "input": h.relu(), "output": h.relu(), "frame": None}]
    >>> mine = [ref[0], {"name": "output", "type": "Linear", "input": h.sigmoid(), "output": h,
    ...                  "frame": {"file": "mlp.py", "line": 12, "text": "return self.output(h.sigmoid())"}}]
    >>> d = first_divergence(mine, ref)
    >>> print(d.text)
    The output of `hidden` matches the reference; the input of `output` differs (expected relu(hidden(X)), got sigmoid(hidden(X))).
    >>> d.frame["line"]
    12
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from grader.tracks.pytorch.compare import compare

__all__ = ["Divergence", "first_divergence", "module_names"]

_RELATIONS: tuple[tuple[str, Callable[[torch.Tensor], torch.Tensor]], ...] = (
    ("{}", lambda t: t), ("relu({})", torch.relu), ("sigmoid({})", torch.sigmoid), ("tanh({})", torch.tanh),
    ("-{}", torch.neg), ("softmax({}, dim=-1)", lambda t: torch.softmax(t, dim=-1)),
)


@dataclass(frozen=True)
class Divergence:
    """What differs first (a sentence) and the student's line that made the diverging call."""

    text: str
    frame: dict[str, Any] | None


def module_names(placed: dict[str, str]) -> dict[str, str]:
    """Reference module name -> the student's, from how parameters were matched.

    Example:
        >>> module_names({"output.weight": "out.weight", "hidden.weight": "hidden.weight"})
        {'output': 'out', 'hidden': 'hidden'}
    """
    out: dict[str, str] = {}
    for ref, mine in placed.items():
        if "." in ref and "." in mine:
            out.setdefault(ref.rsplit(".", 1)[0], mine.rsplit(".", 1)[0])
    return out


def _keyed(calls: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    seen: dict[str, int] = {}
    out = {}
    for call in calls:
        n = seen.get(call["name"], 0)
        seen[call["name"]] = n + 1
        out[(call["name"], n)] = call
    return out


def _differs(a: Any, b: Any) -> bool:
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor):
        return False  # nothing comparable (a module given a tuple, say): no verdict from here
    return compare(a, b) is not None


def _relation(value: Any, previous: dict[str, Any] | None, first_input: Any) -> str:
    """``relu(hidden(X))`` when ``value`` is a known function of the previous call's output,
    else the range of its values."""
    if not isinstance(value, torch.Tensor):
        return "no tensor"
    if previous is not None and isinstance(previous.get("output"), torch.Tensor):
        prev_out = previous["output"]
        inner = previous["name"] + ("(X)" if isinstance(first_input, torch.Tensor) and isinstance(
            previous.get("input"), torch.Tensor) and compare(previous["input"], first_input) is None else "(…)")
        for pattern, fn in _RELATIONS:
            try:
                if prev_out.shape == value.shape and compare(value, fn(prev_out)) is None:
                    return pattern.format(inner)
            except (RuntimeError, TypeError):
                continue
    if value.numel() == 0 or value.is_complex():
        return f"a tensor of shape {tuple(value.shape)}"
    lo, hi = float(value.min()), float(value.max())
    return f"values in [{lo:.4g}, {hi:.4g}]"


def first_divergence(mine: list[dict[str, Any]], ref: list[dict[str, Any]],
                     renamed: dict[str, str] | None = None) -> Divergence | None:
    """The first reference submodule call whose input or output the student's run does not match;
    None when the traces cannot say (no submodules, nothing comparable)."""
    if not ref or not mine:
        return None
    names = renamed or {}
    my_calls = _keyed(mine)
    my_index = {id(call): i for i, call in enumerate(mine)}  # by identity: the calls hold tensors
    first_input = ref[0].get("input")
    matched: dict[str, Any] | None = None
    for index, (key, call) in enumerate(_keyed(ref).items()):
        other = my_calls.get((names.get(key[0], key[0]), key[1]))
        if other is None:
            continue
        previous = ref[index - 1] if index else None
        mine_at = my_index[id(other)]
        my_previous = mine[mine_at - 1] if mine_at else None
        shown = f"`{other['name']}`"
        before = f"The output of `{matched['name']}` matches the reference; " if matched else ""
        if _differs(other.get("input"), call.get("input")):
            what = (f"expected {_relation(call['input'], previous, first_input)}, "
                    f"got {_relation(other['input'], my_previous, first_input)}")
            return Divergence(f"{before}{'the' if before else 'The'} input of {shown} differs ({what}).",
                              other.get("frame"))
        if _differs(other.get("output"), call.get("output")):
            kind = (f"yours is a {other['type']}, the reference's a {call['type']}" if other["type"] != call["type"]
                    else "check how it is built and what it is given besides the input")
            return Divergence(f"{before}{'the' if before else 'The'} input of {shown} matches, but its output "
                              f"differs: the layer itself computes something else ({kind}).", other.get("frame"))
        matched = other
    if matched is None:
        return None
    return Divergence(f"Every submodule's input and output match the reference, up to the last, `{matched['name']}`: "
                      f"the difference comes after it (what forward does with its output).", matched.get("frame"))
