"""custom_layers/param_containers: ListDense and DictDense, ParameterList and ParameterDict.

Example:
    >>> EXERCISE.id, [c.id for c in EXERCISE.checks]
    ('custom_layers/param_containers', ['list_names', 'list_forward', 'dict_names', 'dict_forward'])
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.pytorch.checks import Forward, Mistake, Names
from grader.tracks.pytorch.checks.draw import batch, cases, width
from grader.tracks.pytorch.checks.layers import SUM_TOL
from grader.tracks.pytorch.checks.pair import randn
from grader.mutants import Mutant
from grader.tracks.pytorch.worker.specs import Spec, ex

_list_cases = cases(sizes=st.lists(width(1, 6), min_size=2, max_size=5), batch=batch())
_LIST_DEFAULTS = ({"sizes": [4, 8, 2], "batch": 3},)


def _list_dense(c: dict[str, Any]) -> Spec:
    return ex.ListDense(list(c["sizes"]))


def _list_input(c: dict[str, Any], gen: torch.Generator) -> list[Any]:
    return [randn(gen, c["batch"], c["sizes"][0])]


def _list_relu(m: torch.nn.Module, X: torch.Tensor) -> Any:
    if len(m.params) < 2:
        return None
    for i, w in enumerate(m.params):
        X = X @ w if i == 0 else F.relu(X) @ w
    return X


def _list_relu_all(m: torch.nn.Module, X: torch.Tensor) -> Any:
    for w in m.params:
        X = F.relu(X @ w)
    return X


def _list_reversed(m: torch.nn.Module, X: torch.Tensor) -> Any:
    if len(m.params) < 2:
        return None
    for w in reversed(list(m.params)):
        X = X @ w
    return X


def _transposed_params(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    got = {p["name"]: tuple(p["shape"]) for p in mine["parameters"]}
    for p in ref["parameters"]:
        have, want = got.get(p["name"]), tuple(p["shape"])
        if have and have != want and have == tuple(reversed(want)):
            return [f"`{p['name']}` has shape {have}, the transpose of {want}: the weights are "
                    f"(sizes[i], sizes[i + 1]), so that forward computes `X @ params[i]`."]
    return []


def _container_name(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """``weights.0`` where ``params.0`` was expected: the container has another name."""
    want = [k for k in ref["state_keys"] if k not in mine["state_keys"]]
    suffixes = {k.split(".", 1)[1] for k in want if "." in k}
    others = {k.split(".", 1)[0] for k in mine["state_keys"] if "." in k and k.split(".", 1)[1] in suffixes}
    others.discard("params")
    if want and others:
        name = sorted(others)[0]
        return [f"`self.{name}` holds the weights under another name: the container must be the attribute "
                f"`self.params` (state_dict keys {', '.join(want[:3])}{', ...' if len(want) > 3 else ''})."]
    return []


def _plain_container(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """``self.params = [...]`` / ``{...}``: say what registering them changes, with the keys expected."""
    for entry in mine.get("unregistered", []):
        if entry["attr"] == "params" and entry["container"] in ("list", "tuple", "dict") \
                and entry["parameters"] + entry["tensors"]:
            wrapper = "nn.ParameterDict" if entry["container"] == "dict" else "nn.ParameterList"
            keys = ", ".join(ref["state_keys"][:3]) + (", ..." if len(ref["state_keys"]) > 3 else "")
            return [f"Wrapped in `{wrapper}(...)`, the weights are registered under the keys {keys}: then "
                    f"`parameters()` lists them (so an optimizer trains them), `state_dict()` saves them and "
                    f"`.to(device)` moves them. In a plain {entry['container']} they are invisible to all three."]
    return []


def _params_diagnosis(mine: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    return _plain_container(mine, ref) + _container_name(mine, ref) + _transposed_params(mine, ref)


_dict_cases = cases(choice=st.sampled_from([None, "linear1", "linear2", "linear3"]), batch=batch())


_DICT_DEFAULTS = tuple({"choice": c, "batch": 2} for c in (None, "linear1", "linear2", "linear3"))


def _dict_dense(c: dict[str, Any]) -> Spec:
    return ex.DictDense()


def _choice_kwargs(c: dict[str, Any]) -> dict[str, Any]:
    return {} if c["choice"] is None else {"choice": c["choice"]}


EXERCISE = Exercise("custom_layers/param_containers", "ListDense and DictDense: ParameterList and "
                    "ParameterDict", (
    Names(id="list_names", points=2, build=_list_dense, cases=_list_cases, defaults=_LIST_DEFAULTS,
          diagnose=_params_diagnosis,
          title="ListDense: a ParameterList `params` (keys params.0, params.1, ...) of (sizes[i], sizes[i+1])"),
    Forward(id="list_forward", points=2, build=_list_dense, inputs=_list_input, cases=_list_cases,
            defaults=_LIST_DEFAULTS, tol=SUM_TOL, mistakes=(
                Mistake("Your output has a ReLU between the matrices: ListDense has no activation.", _list_relu),
                Mistake("Your output has a ReLU after each matrix: ListDense has no activation.", _list_relu_all),
                Mistake("Your output multiplies by the matrices in reverse order: use params[0] first.",
                        _list_reversed),
            ), title="ListDense: forward is X @ params[0] @ params[1] @ ... (weights copied from the reference)"),
    Names(id="dict_names", points=2, build=_dict_dense, cases=st.just({}), max_examples=1,
          diagnose=_params_diagnosis,
          title="DictDense: a ParameterDict `params` with linear1 (4, 4), linear2 (4, 1), linear3 (4, 2)"),
    Forward(id="dict_forward", points=2, build=_dict_dense, inputs=lambda c, g: [randn(g, c["batch"], 4)],
            cases=_dict_cases, kwargs=_choice_kwargs, defaults=_DICT_DEFAULTS, max_examples=8, tol=SUM_TOL,
            mistakes=(Mistake("Your output always uses `linear1`: use the matrix named by `choice`, "
                              "`self.params[choice]`.", lambda m, X, choice="linear1": X @ m.params["linear1"]),),
            title="DictDense: forward(X, choice='linear1') is X @ params[choice] (weights copied from the reference)"),
))


# -- known-bad submissions ------------------------------------------------------------------------

_LIST_INIT = """        self.params = nn.ParameterList(
            nn.Parameter(torch.randn(sizes[i], sizes[i + 1])) for i in range(len(sizes) - 1)
        )"""
_PLAIN_LIST = """        self.params = [
            nn.Parameter(torch.randn(sizes[i], sizes[i + 1])) for i in range(len(sizes) - 1)
        ]"""
_PLAIN_DICT = [("self.params = nn.ParameterDict({", "self.params = {"), ("        })", "        }")]
_DICT_PICK = "return X @ self.params[choice]"
_DICT_SIGNATURE = 'def forward(self, X: torch.Tensor, choice: str = "linear1")'
_NOT_REGISTERED = ["plain Python dict", "nn.ParameterDict"]

MUTANTS = (
    Mutant("plain_dict", "`DictDense` keeps its weights in a plain Python dict.",
           edits=_PLAIN_DICT,
           fails={"dict_names": ["Missing keys: params.linear1, params.linear2, params.linear3", *_NOT_REGISTERED]},
           passes=["list_names", "list_forward", "dict_forward"]),
    Mutant("plain_list_and_dict", "Plain Python list and dict instead of `nn.ParameterList` and `nn.ParameterDict`.",
           edits=[(_LIST_INIT, _PLAIN_LIST), *_PLAIN_DICT],
           fails={"list_names": ["Missing keys: params.0", "plain Python list", "nn.ParameterList", "optimizer"],
                  "dict_names": ["Missing keys: params.linear1, params.linear2, params.linear3", *_NOT_REGISTERED]},
           passes=["list_forward", "dict_forward"]),  # no double jeopardy
    Mutant("list_with_relu", "`ListDense` applies a ReLU after each weight.",
           edits=[("            X = X @ w", "            X = torch.relu(X @ w)")],
           fails={"list_forward": ["ReLU", "no activation"]}, passes=["list_names", "dict_names", "dict_forward"]),
    Mutant("list_transposed_and_renamed", "`ListDense` stores transposed weights under `self.weights`.",
           edits=[(_LIST_INIT, _LIST_INIT.replace("self.params", "self.weights")
                   .replace("sizes[i], sizes[i + 1]", "sizes[i + 1], sizes[i]")),
                  ("for w in self.params:\n            X = X @ w", "for w in self.weights:\n            X = X @ w.T")],
           fails={"list_names": ["Unexpected keys: weights.0", "`self.params`"]}),
    Mutant("dict_ignores_choice", "`DictDense.forward` always uses `linear1`.",
           edits=[(_DICT_PICK, 'return X @ self.params["linear1"]')],
           fails={"dict_forward": ["always uses `linear1`", "keyword arguments: {'choice': "]},
           passes=["dict_names"]),
    Mutant("dict_argument_renamed", "`DictDense.forward`'s argument is `key`, not `choice`.",
           edits=[(_DICT_SIGNATURE, 'def forward(self, X: torch.Tensor, key: str = "linear1")'),
                  (_DICT_PICK, "return X @ self.params[key]")],
           fails={"dict_forward": ["unexpected keyword argument 'choice'", "signature"]}),
)
