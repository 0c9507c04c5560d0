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

__all__ = ["structure_hints", "rename_hints"]

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
        ['`out` looks like `output` under another name: the attribute must be called `output` (state_dict keys `output.weight`, ...).']
    """
    hints = []
    for key in missing:
        close = difflib.get_close_matches(key, unexpected, n=1, cutoff=0.6)
        if close:
            want = key.rsplit(".", 1)[0] if "." in key else key
            got = close[0].rsplit(".", 1)[0] if "." in close[0] else close[0]
            if want != got:
                hints.append(f"`{got}` looks like `{want}` under another name: the attribute must be called "
                             f"`{want}` (state_dict keys `{want}.weight`, ...).")
    return list(dict.fromkeys(hints))
