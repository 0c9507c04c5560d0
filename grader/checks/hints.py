"""Hints drawn from an object's structure: the classic registration mistakes.

Example:
    >>> desc = {"unregistered": [{"attr": "layers", "container": "list", "modules": 2,
    ...          "tensors": 0, "parameters": 0}], "attributes": []}
    >>> print(structure_hints(desc)[0])  # doctest: +ELLIPSIS
    `self.layers` is a plain Python list holding 2 module(s): ...
"""
from __future__ import annotations

import difflib
from typing import Any

__all__ = ["structure_hints", "rename_hints", "lazy_hints"]

_WRAPPERS = {"list": ("nn.ModuleList", "nn.ParameterList"), "tuple": ("nn.ModuleList", "nn.ParameterList"),
             "dict": ("nn.ModuleDict", "nn.ParameterDict")}


def structure_hints(desc: dict[str, Any], expected_keys: set[str] | None = None) -> list[str]:
    """Hints for modules/tensors kept where PyTorch cannot see them."""
    hints = []
    for entry in desc.get("unregistered", []):
        attr, container = entry["attr"], entry["container"]
        if container in _WRAPPERS:
            mod_wrapper, par_wrapper = _WRAPPERS[container]
            kind = "Python list" if container in ("list", "tuple") else "Python dict"
            if entry["modules"]:
                hints.append(f"`self.{attr}` is a plain {kind} holding {entry['modules']} module(s): PyTorch "
                             f"does not see modules inside it, so their parameters are missing from "
                             f"`parameters()` and `state_dict()`. Use `{mod_wrapper}` (or register each "
                             f"with `self.add_module(name, module)`).")
            if entry["parameters"] or entry["tensors"]:
                hints.append(f"`self.{attr}` is a plain {kind} of tensors: they are not registered. Use "
                             f"`{par_wrapper}` of `nn.Parameter`s.")
        elif entry["modules"]:
            hints.append(f"`self.{attr}` holds a module PyTorch did not register: assign submodules as "
                         f"attributes after `super().__init__()`, or use `self.add_module`.")
    saved = set(desc.get("state_keys", []))
    for buf in desc.get("buffers", []):
        name = buf["name"]
        if expected_keys is not None and name in expected_keys and name not in saved:
            hints.append(f"`{name}` is a buffer registered with `persistent=False`: it is not saved in "
                         f"`state_dict()`. Register it with `self.register_buffer('{name.split('.')[-1]}', "
                         f"tensor)` (persistent is the default).")
    for entry in desc.get("attributes", []):
        name = entry["name"]
        if expected_keys is None or name in expected_keys or name.split(".")[-1] in {
                k.split(".")[-1] for k in expected_keys}:
            hints.append(f"`{name}` is a plain tensor attribute: it is not in `state_dict()` and does not "
                         f"follow `.to(device)`. Register it with `self.register_buffer('{name.split('.')[-1]}', "
                         f"tensor)` (or make it an `nn.Parameter` if it should be trained).")
    return hints


def rename_hints(missing: list[str], unexpected: list[str]) -> list[str]:
    """``out.weight`` where ``output.weight`` was expected: say which attribute to rename.

    Example:
        >>> rename_hints(["output.weight", "output.bias"], ["out.weight", "out.bias"])
        ['`out` looks like `output` under another name: the attribute must be called `output` (expected key `output.weight`, found `out.weight`).']
    """
    hints = []
    emitted: set[tuple[str, str]] = set()
    claimed: dict[str, str] = {}  # student prefix -> the expected prefix it was matched with
    for key in missing:
        want = key.rsplit(".", 1)[0] if "." in key else key
        # best similarity first; among equals, the earliest unexpected key (so `a`, `b` map to `net1`, `net2`
        # in order); a student prefix stands for one expected prefix only
        scored = []
        for i, cand in enumerate(unexpected):
            ratio = difflib.SequenceMatcher(None, key, cand).ratio()
            if ratio >= 0.6:
                scored.append((-ratio, i, cand))
        for _, _, cand in sorted(scored):
            got = cand.rsplit(".", 1)[0] if "." in cand else cand
            if claimed.setdefault(got, want) != want:
                continue
            if want != got and (got, want) not in emitted:
                emitted.add((got, want))
                hints.append(f"`{got}` looks like `{want}` under another name: the attribute must be called "
                             f"`{want}` (expected key `{key}`, found `{cand}`).")
            break
    return list(dict.fromkeys(hints))


def lazy_hints(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """The student's layer is lazy (``nn.LazyLinear``) where the reference's has its shapes: the
    exercise gives the input width, so the plain layer is asked for.

    Example:
        >>> mine = {"parameters": [{"name": "hidden.weight", "shape": None}],
        ...         "modules": [{"name": "hidden", "type": "LazyLinear"}]}
        >>> ref = {"parameters": [{"name": "hidden.weight", "shape": [8, 3]}],
        ...        "modules": [{"name": "hidden", "type": "Linear"}]}
        >>> print(lazy_hints(mine, ref)[0])  # doctest: +ELLIPSIS
        `hidden` is an nn.LazyLinear: nn.LazyLinear infers the input width at the first forward; ...
    """
    ref_shapes = {t["name"]: t["shape"] for t in ref.get("parameters", []) + ref.get("buffers", [])}
    ref_types = {m["name"]: m["type"] for m in ref.get("modules", [])}
    my_types = {m["name"]: m["type"] for m in mine.get("modules", [])}
    lazy: dict[tuple[str, str], list[str]] = {}  # (lazy kind, plain kind) -> owners, in order
    for t in mine.get("parameters", []) + mine.get("buffers", []):
        owner = t["name"].rsplit(".", 1)[0] if "." in t["name"] else ""
        kind = my_types.get(owner, "")
        if t["shape"] is None and ref_shapes.get(t["name"]) is not None and kind.startswith("Lazy"):
            owners = lazy.setdefault((kind, ref_types.get(owner) or kind.removeprefix("Lazy")), [])
            owners.append(owner) if owner not in owners else None
    hints = []
    for (kind, plain), owners in lazy.items():
        shown = [f"`{o}` = nn.{plain}({w[1]}, {w[0]})" for o in owners
                 if plain == "Linear" and len(w := ref_shapes.get(f"{o}.weight") or []) == 2]
        names = ", ".join(f"`{o}`" for o in owners)
        example = f" (here the reference has {', '.join(shown[:4])})" if shown else ""
        hints.append(f"{names} {'is an' if len(owners) == 1 else 'are'} nn.{kind}: nn.{kind} infers the input "
                     f"width at the first forward; this exercise gives it: use nn.{plain}(in_features, "
                     f"out_features) with the sizes your constructor receives{example}.")
    return hints
