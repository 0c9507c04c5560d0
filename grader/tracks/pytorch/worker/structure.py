"""What a module is made of, as plain data: its parameters, buffers and submodules (with
session-stable object and storage numbers, so sharing shows), and the tensors and modules it keeps
where PyTorch cannot see them (plain attributes, lists, dicts) — the classic registration mistakes.

Example:
    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3))
    >>> [(name, kind) for name, _, kind in tensor_candidates(net)]
    [('0.weight', 'parameter'), ('0.bias', 'parameter')]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import torch

if TYPE_CHECKING:
    from grader.sandbox.session import Session

__all__ = ["tensor_candidates", "describe"]


def tensor_candidates(module: torch.nn.Module) -> list[tuple[str, torch.Tensor, str]]:
    """Every tensor a module holds: parameters, buffers (duplicates kept), then tensors
    in plain attributes, lists and dicts that the module did not register."""
    seen: list[tuple[str, torch.Tensor, str]] = []
    seen += [(n, p, "parameter") for n, p in module.named_parameters(remove_duplicate=False)]
    seen += [(n, b, "buffer") for n, b in module.named_buffers(remove_duplicate=False)]
    for prefix, sub in module.named_modules(remove_duplicate=False):
        for attr, value in _hidden_items(sub):
            path = f"{prefix}.{attr}" if prefix else attr
            if isinstance(value, torch.Tensor):
                seen.append((path, value, "attribute"))
            elif isinstance(value, torch.nn.Module):
                for n, p in value.named_parameters(remove_duplicate=False):
                    seen.append((f"{path}.{n}", p, "unregistered"))
                for n, b in value.named_buffers(remove_duplicate=False):
                    seen.append((f"{path}.{n}", b, "unregistered"))
    return seen


def _hidden_items(module: torch.nn.Module) -> Iterator[tuple[str, Any]]:
    """Tensors and modules kept in a module's ``__dict__`` (not registered)."""
    for attr, value in list(vars(module).items()):
        if attr.startswith("_") or attr == "training":
            continue
        if isinstance(value, (torch.Tensor, torch.nn.Module)):
            yield attr, value
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value[:64]):
                if isinstance(item, (torch.Tensor, torch.nn.Module)):
                    yield f"{attr}[{i}]", item
        elif isinstance(value, dict):
            for key, item in list(value.items())[:64]:
                if isinstance(item, (torch.Tensor, torch.nn.Module)):
                    yield f"{attr}[{key!r}]", item


def _unregistered(module: torch.nn.Module) -> list[dict[str, Any]]:
    out = []
    for prefix, sub in module.named_modules(remove_duplicate=False):
        groups: dict[str, dict[str, Any]] = {}
        for attr, value in _hidden_items(sub):
            base = attr.split("[", 1)[0]
            path = f"{prefix}.{base}" if prefix else base
            container = type(vars(sub)[base]).__name__
            entry = groups.setdefault(path, {"attr": path, "container": container,
                                             "modules": 0, "tensors": 0, "parameters": 0})
            if isinstance(value, torch.nn.Parameter):
                entry["parameters"] += 1
            elif isinstance(value, torch.Tensor):
                entry["tensors"] += 1
            else:
                entry["modules"] += 1
        out += groups.values()
    return out


def describe(module: Any, session: "Session") -> dict[str, Any]:
    """Structure of an object: names, shapes, sharing, unregistered attributes."""
    info: dict[str, Any] = {"type": type(module).__name__, "is_module": isinstance(module, torch.nn.Module),
                            "locations": session.locations(module)}
    if not info["is_module"]:
        return info
    def obj_no(obj: Any) -> int:
        return session.number("object", id(obj), obj)

    def tensor_info(name: str, t: torch.Tensor) -> dict[str, Any]:
        try:
            if t.device.type == "meta" or isinstance(t, torch.nn.parameter.UninitializedTensorMixin):
                storage = -1
            else:
                st = t.untyped_storage()
                storage = session.number("storage", st.data_ptr(), st) if st.nbytes() else -1
        except (RuntimeError, NotImplementedError):
            storage = -1
        uninitialized = isinstance(t, torch.nn.parameter.UninitializedTensorMixin)
        return {"name": name, "shape": None if uninitialized else list(t.shape),
                "dtype": str(t.dtype).removeprefix("torch."),
                "device": str(t.device), "requires_grad": bool(t.requires_grad),
                "object": obj_no(t), "storage": storage,
                "is_parameter": isinstance(t, torch.nn.Parameter),
                "uninitialized": uninitialized}

    info["parameters"] = [tensor_info(n, p) for n, p in module.named_parameters(remove_duplicate=False)]
    info["buffers"] = [tensor_info(n, b) for n, b in module.named_buffers(remove_duplicate=False)]
    info["state_keys"] = list(module.state_dict().keys())
    info["modules"] = [{"name": n, "type": type(m).__name__, "object": obj_no(m), "training": m.training}
                       for n, m in module.named_modules(remove_duplicate=False)]
    info["children"] = [{"name": n, "type": type(m).__name__} for n, m in module.named_children()]
    info["unregistered"] = _unregistered(module)
    info["attributes"] = [{"name": n, "kind": kind, "shape": list(t.shape)}
                          for n, t, kind in tensor_candidates(module) if kind == "attribute"]
    info["training"] = module.training
    return info
