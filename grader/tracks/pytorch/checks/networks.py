"""Networks for checks that look at parameters: drawn by hypothesis, shown as Python.

:func:`networks` draws ``nn.Sequential`` specs with nested Sequentials, frozen
layers, layers without bias, buffers (``BatchNorm1d``) and optionally one
``nn.Linear`` tied into two places (a :func:`~grader.tracks.pytorch.worker.specs.shared` spec).
:func:`show` writes a spec as assignments, defining the shared objects first.

Example:
    >>> from grader.tracks.pytorch.worker.specs import nn, shared
    >>> t = shared("tied", nn.Linear(3, 3))
    >>> print(show(nn.Sequential(t, nn.ReLU(), t)))
    tied = nn.Linear(3, 3)
    net = nn.Sequential(tied, nn.ReLU(), tied)
"""
from __future__ import annotations

from typing import Any, Iterator

from hypothesis import strategies as st

from grader.tracks.pytorch.worker.specs import Spec, nn, render, shared

__all__ = ["networks", "layers", "show", "frozen"]


def frozen(layer: Spec) -> Spec:
    """``layer.requires_grad_(False)``: a module whose parameters are not trainable."""
    return layer.attr("requires_grad_")(False)


def layers(max_width: int = 6) -> st.SearchStrategy[Spec]:
    """One layer: Linear (also frozen, and without bias), BatchNorm1d (buffers) or ReLU."""
    w = st.integers(1, max_width)
    return st.one_of(
        st.builds(lambda a, b: nn.Linear(a, b), w, w),
        st.builds(lambda a, b: frozen(nn.Linear(a, b)), w, w),
        st.builds(lambda a, b: nn.Linear(a, b, bias=False), w, w),
        st.builds(lambda a: nn.BatchNorm1d(a), w),
        st.just(nn.ReLU()),
    )


def networks(max_width: int = 6, max_leaves: int = 6, tie: bool = True) -> st.SearchStrategy[Spec]:
    """An ``nn.Sequential`` of layers and nested Sequentials; with ``tie``, sometimes one
    ``nn.Linear`` (possibly frozen) at two positions, the second possibly nested."""
    tree = st.recursive(layers(max_width),
                        lambda kids: st.lists(kids, min_size=1, max_size=3).map(lambda xs: nn.Sequential(*xs)),
                        max_leaves=max_leaves)

    @st.composite
    def build(draw: Any) -> Spec:
        items: list[Spec] = draw(st.lists(tree, min_size=1, max_size=4))
        if tie and draw(st.booleans()):
            w = draw(st.integers(1, max_width))
            layer = frozen(nn.Linear(w, w)) if draw(st.booleans()) else nn.Linear(w, w)
            tied = shared("tied", layer)
            i = draw(st.integers(0, len(items)))
            items.insert(i, tied)
            j = draw(st.integers(i + 1, len(items)))
            items.insert(j, nn.Sequential(nn.ReLU(), tied) if draw(st.booleans()) else tied)
        return nn.Sequential(*items)

    return build()


def _shared_nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("kind") == "shared":
            yield node
        for value in node.values():
            yield from _shared_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _shared_nodes(value)


def show(spec: Spec, name: str = "net") -> str:
    """``name = <spec>`` as Python, preceded by the definition of each shared object."""
    defined: dict[str, str] = {}
    for node in _shared_nodes(spec.node):
        defined.setdefault(node["name"], render(node["spec"]))
    lines = [f"{shared_name} = {text}" for shared_name, text in defined.items()]
    return "\n".join(lines + [f"{name} = {spec!r}"])
