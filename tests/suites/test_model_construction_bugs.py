"""Realistic buggy submissions for every model_construction exercise.

Each case is a complete student module with one classic mistake. The test
asserts that the check(s) aimed at that mistake fail with score 0 and with
feedback that names the mistake, and that the checks of the same exercise that
have nothing to do with it still pass (no double jeopardy).

The cases at the end of this file pin down corner cases of parameter alignment
(a module used twice, 1-based names) and of hints (NotImplementedError raised
by PyTorch, not by a stub).
"""
from __future__ import annotations

from typing import Any, Iterable

import pytest

from grader.results import RunResult, Status
from tests.conftest import ROOT, check, expect, text_of

FIXED_REFERENCE = (ROOT / "solutions" / "model_construction" / "fixed_hidden_mlp.py").read_text()



def case(id: str, source: str, fails: dict[str, Iterable[str]], passes: Iterable[str] = (),
         absent: dict[str, Iterable[str]] | None = None) -> Any:
    """One buggy submission: a pytest.param for the ``PARAMS`` of the tests below."""
    return pytest.param(source, fails, tuple(passes), absent or {}, id=id)


PARAMS = "source, fails, passes, absent"
SUPER_HINT = "super().__init__()"
SIGNATURE_HINT = "signature against the exercise"

# ------------------------------------------------------------------------------------ my_sequential

SEQ_ID = "model_construction/my_sequential"
SEQ_HEAD = """
import torch
from torch import nn
"""
SEQ_REGISTER = """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for idx, module in enumerate(modules):
            self.add_module(str(idx), module)
"""
LIST_HINT = "register each one under `str(index)`"
REVERSE_HINT = "applying the modules in reverse order"
ONCE_HINT = "applying the repeated module `a` only once"

PLAIN_LIST_SEQ = SEQ_HEAD + """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = list(modules)

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X
"""

SEQ_CASES = [
    case("plain_list", PLAIN_LIST_SEQ,
         fails={"names": ["Missing keys: 0.weight, 0.bias", "Your keys:     (none)", "plain Python list", LIST_HINT]},
         passes=["forward", "order", "repeated_module"]),
    case("reversed_order", SEQ_HEAD + SEQ_REGISTER + """
    def forward(self, X):
        for module in reversed(list(self._modules.values())):
            X = module(X)
        return X
""", fails={"forward": [REVERSE_HINT], "order": [REVERSE_HINT]},
         passes=["names", "repeated_module", "gradients"],  # (a, tanh, a) reads the same backwards
         absent={"forward": [LIST_HINT], "order": [LIST_HINT]}),
    case("children_skips_repeated_module", SEQ_HEAD + SEQ_REGISTER + """
    def forward(self, X):
        for module in self.children():
            X = module(X)
        return X
""", fails={"repeated_module": [ONCE_HINT, "self._modules.values()", "net = MySequential(a, nn.Tanh(), a)"]},
         passes=["names", "forward", "order"],
         absent={"repeated_module": [LIST_HINT], "gradients": [LIST_HINT]}),
    case("dedups_modules", SEQ_HEAD + """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        unique = []
        for module in modules:
            if not any(module is m for m in unique):
                unique.append(module)
        for idx, module in enumerate(unique):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X
""", fails={"repeated_module": [ONCE_HINT]}, passes=["names", "forward", "order"]),
    case("return_inside_loop", SEQ_HEAD + SEQ_REGISTER + """
    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
            return X
""", fails={"forward": ["net = MySequential()", "expected a Tensor of shape", "got NoneType None"],
            "order": ["Tensors are not close!"]},
         passes=["names"]),
    case("setattr_other_names", SEQ_HEAD + """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for idx, module in enumerate(modules):
            setattr(self, f"layer{idx}", module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X
""", fails={"names": ["Missing keys: 0.weight", "Unexpected keys: layer0.weight", "`layer0` looks like `0`"]},
         passes=["forward", "order", "repeated_module"]),
    case("no_super_init", SEQ_HEAD + """
class MySequential(nn.Module):
    def __init__(self, *modules):
        for idx, module in enumerate(modules):
            self._modules[str(idx)] = module

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X
""", fails={c: ["AttributeError", SUPER_HINT] for c in ("names", "forward", "order", "repeated_module",
                                                        "gradients")}),
    case("takes_a_list", SEQ_HEAD + """
class MySequential(nn.Module):
    def __init__(self, modules):
        super().__init__()
        for idx, module in enumerate(modules):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X
""", fails={"names": ["TypeError", "missing 1 required positional argument: 'modules'", SIGNATURE_HINT],
            "order": ["TypeError", "takes 2 positional arguments but 3 were given", SIGNATURE_HINT]}),
]


@pytest.mark.parametrize(PARAMS, SEQ_CASES)
def test_my_sequential_bug(grade_files, source, fails, passes, absent):
    run = grade_files({"model_construction/my_sequential.py": source}, SEQ_ID)
    expect(run, SEQ_ID, fails, passes, absent=absent)


# --------------------------------------------------------------------------------- fixed_hidden_mlp

FIXED_ID = "model_construction/fixed_hidden_mlp"
FIXED_HEAD = """
import torch
from torch import nn
from torch.nn import functional as F


class FixedHiddenMLP(nn.Module):
    def __init__(self, features=20):
        super().__init__()
"""
FIXED_FORWARD = """
    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()
"""
BUFFER = """        self.register_buffer("rand_weight", torch.rand(features, features))
        self.linear = nn.Linear(features, features)
"""
BUFFER_HINT = "self.register_buffer('rand_weight', torch.rand(features, features))"

FIXED_CASES = [
    case("rand_weight_parameter", FIXED_HEAD + """
        self.rand_weight = nn.Parameter(torch.rand(features, features))
        self.linear = nn.Linear(features, features)
""" + FIXED_FORWARD, fails={"rand_weight_buffer": ["`rand_weight` is an nn.Parameter", BUFFER_HINT],
                            "names": ["rand_weight should be a buffer, but it is a parameter"]},
         passes=["forward", "gradients"]),
    case("rand_weight_plain_attribute", FIXED_HEAD + """
        self.rand_weight = torch.rand(features, features)
        self.linear = nn.Linear(features, features)
""" + FIXED_FORWARD, fails={"rand_weight_buffer": ["plain tensor attribute", "does not follow .to(device)",
                                                  BUFFER_HINT],
                            "names": ["Missing keys: rand_weight", "`rand_weight` is a plain tensor attribute"]},
         passes=["forward", "gradients"]),
    case("rand_weight_randn", FIXED_HEAD + """
        self.register_buffer("rand_weight", torch.randn(features, features))
        self.linear = nn.Linear(features, features)
""" + FIXED_FORWARD, fails={"rand_weight_buffer": ["outside [0, 1)", "torch.rand (uniform), not torch.randn"]},
         passes=["names", "forward", "gradients"]),
    case("rand_weight_not_persistent", FIXED_HEAD + """
        self.register_buffer("rand_weight", torch.rand(features, features), persistent=False)
        self.linear = nn.Linear(features, features)
""" + FIXED_FORWARD, fails={"rand_weight_buffer": ["not saved in state_dict", "persistent=False"],
                            "names": ["Missing keys: rand_weight", "registered with `persistent=False`"]},
         passes=["forward", "gradients"]),
    case("two_linear_layers", FIXED_HEAD + """
        self.register_buffer("rand_weight", torch.rand(features, features))
        self.linear = nn.Linear(features, features)
        self.linear2 = nn.Linear(features, features)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear2(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()
""", fails={"names": ["Unexpected keys: linear2.weight, linear2.bias", "ONE layer `linear` twice",
                      "do not create a second Linear layer"]},
         passes=["rand_weight_buffer"]),
    case("without_plus_one", FIXED_HEAD + BUFFER + """
    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()
""", fails={"forward": ["without `+ 1` after `X @ rand_weight`"]}, passes=["names", "rand_weight_buffer"],
         absent={"forward": ["without the `while"]}),
    case("without_loop", FIXED_HEAD + BUFFER + """
    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        return X.sum()
""", fails={"forward": ["without the `while X.abs().sum() > 1: X /= 2` loop"]},
         passes=["names", "rand_weight_buffer"]),
    case("output_through_item", FIXED_HEAD + BUFFER + """
    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return torch.tensor(X.sum().item())
""", fails={"gradients": ["does not require grad", "`.item()`"]},
         passes=["names", "rand_weight_buffer", "forward"]),
]


@pytest.mark.parametrize(PARAMS, FIXED_CASES)
def test_fixed_hidden_mlp_bug(grade_files, source, fails, passes, absent):
    run = grade_files({"model_construction/fixed_hidden_mlp.py": source}, FIXED_ID)
    expect(run, FIXED_ID, fails, passes, absent=absent)


# ------------------------------------------------------------------------------------------ nest_mlp

NEST_ID = "model_construction/nest_mlp"
NEST_HEAD = """
import torch
from torch import nn

from model_construction.fixed_hidden_mlp import FixedHiddenMLP
"""
NEST_OK = """
class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))
"""
CHIMERA_OK = """

def chimera():
    return nn.Sequential(NestMLP(), nn.Linear(16, 20), FixedHiddenMLP())
"""

NEST_CASES = [
    case("missing_last_relu", NEST_HEAD + """
class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32))
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))
""" + CHIMERA_OK, fails={"forward": ["without the last ReLU inside `net`"]},
         passes=["names", "chimera_structure"]),
    case("chimera_wrong_order", NEST_HEAD + NEST_OK + """

def chimera():
    return nn.Sequential(NestMLP(), FixedHiddenMLP(), nn.Linear(16, 20))
""", fails={"chimera_structure": ["holds ['NestMLP', 'FixedHiddenMLP', 'Linear']",
                                  "expected ['NestMLP', 'Linear', 'FixedHiddenMLP'] in that order"]},
         passes=["names", "forward"]),
    case("chimera_wrong_size", NEST_HEAD + NEST_OK + """

def chimera():
    return nn.Sequential(NestMLP(), nn.Linear(20, 16), FixedHiddenMLP())
""", fails={"chimera_structure": ["chimera()[1] has weight shape (16, 20)", "expected Linear(16, 20)"]},
         passes=["names", "forward"]),
    case("chimera_returns_list", NEST_HEAD + NEST_OK + """

def chimera():
    return [NestMLP(), nn.Linear(16, 20), FixedHiddenMLP()]
""", fails={"chimera_structure": ["chimera() returned a list, expected an nn.Sequential"]},
         passes=["names", "forward"]),
    case("no_inner_sequential", NEST_HEAD + """
class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(20, 64)
        self.l2 = nn.Linear(64, 32)
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(torch.relu(self.l2(torch.relu(self.l1(X)))))
""" + CHIMERA_OK, fails={"names": ["Missing keys: net.0.weight", "`l1` looks like `net.0`", "`l2` looks like `net.2`"]},
         passes=["forward", "chimera_structure"],
         absent={"names": ["`l2` looks like `net.0`"]}),
]


@pytest.mark.parametrize(PARAMS, NEST_CASES)
def test_nest_mlp_bug(grade_files, source, fails, passes, absent):
    run = grade_files({"model_construction/nest_mlp.py": source,
                       "model_construction/fixed_hidden_mlp.py": FIXED_REFERENCE}, NEST_ID)
    expect(run, NEST_ID, fails, passes, absent=absent)


def test_nest_mlp_without_its_fixed_hidden_mlp(grade_files):
    """Submitting nest_mlp.py alone: its import of the sibling module fails, and says so."""
    run = grade_files({"model_construction/nest_mlp.py": NEST_HEAD + NEST_OK + CHIMERA_OK}, NEST_ID)
    expect(run, NEST_ID, fails={c: ["could not be imported", "No module named 'model_construction.fixed_hidden_mlp'"]
                                for c in ("names", "forward", "chimera_structure")})
    assert check(run, NEST_ID, "names").location.path == "model_construction/nest_mlp.py"


# ------------------------------------------------------------------------------------------ parallel

PAR_ID = "model_construction/parallel"
PAR_HEAD = """
import torch
from torch import nn


class Parallel(nn.Module):
"""
PAR_INIT = """
    def __init__(self, net1, net2, dim=1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim
"""

PAR_CASES = [
    case("cat_on_dim_0", PAR_HEAD + PAR_INIT + """
    def forward(self, X):
        return torch.cat([self.net1(X), self.net2(X)], dim=0)
""", fails={"forward": ["Shape mismatch: expected (1, 2), got (2, 1)", "concatenated along dimension 0"]},
         passes=["names"]),
    case("ignores_dim", PAR_HEAD + PAR_INIT + """
    def forward(self, X):
        return torch.cat((self.net1(X), self.net2(X)), 1)
""", fails={"forward": ["dim=0", "concatenated along dimension 1 whatever `dim` says"]},
         passes=["names"]),
    case("net2_first", PAR_HEAD + PAR_INIT + """
    def forward(self, X):
        return torch.cat([self.net2(X), self.net1(X)], dim=self.dim)
""", fails={"forward": ["`net2`'s part first"]}, passes=["names"],
         absent={"forward": ["dimension 0", "whatever `dim` says"]}),
    case("no_dim_argument", PAR_HEAD + """
    def __init__(self, net1, net2):
        super().__init__()
        self.net1 = net1
        self.net2 = net2

    def forward(self, X):
        return torch.cat([self.net1(X), self.net2(X)], dim=1)
""", fails={c: ["unexpected keyword argument 'dim'", SIGNATURE_HINT] for c in ("names", "forward", "gradients")}),
    case("nets_in_plain_list", PAR_HEAD + """
    def __init__(self, net1, net2, dim=1):
        super().__init__()
        self.nets = [net1, net2]
        self.dim = dim

    def forward(self, X):
        return torch.cat([net(X) for net in self.nets], dim=self.dim)
""", fails={"names": ["Missing keys: net1.weight", "`self.nets` is a plain Python list holding 2 module(s)"]},
         passes=["forward", "gradients"]),
    case("other_attribute_names", PAR_HEAD + """
    def __init__(self, net1, net2, dim=1):
        super().__init__()
        self.a = net1
        self.b = net2
        self.dim = dim

    def forward(self, X):
        return torch.cat([self.a(X), self.b(X)], dim=self.dim)
""", fails={"names": ["`a` looks like `net1`", "`b` looks like `net2`"]}, passes=["forward", "gradients"],
         absent={"names": ["`b` looks like `net1`"]}),
]


@pytest.mark.parametrize(PARAMS, PAR_CASES)
def test_parallel_bug(grade_files, source, fails, passes, absent):
    run = grade_files({"model_construction/parallel.py": source}, PAR_ID)
    expect(run, PAR_ID, fails, passes, absent=absent)


# --------------------------------------------------------------------------------------------- stack

STACK_ID = "model_construction/stack"
STACK_HEAD = """
from torch import nn
"""
REUSE_HINT = "`[make_block()] * n`"

STACK_CASES = [
    case("one_instance_repeated", STACK_HEAD + """
def stack(make_block, n):
    return nn.Sequential(*[make_block()] * n)
""", fails={"calls": ["called make_block 1 time(s), expected exactly 2", REUSE_HINT],
            "independent_blocks": ["Blocks 0 and 1 share a parameter", "the same tensor", REUSE_HINT]},
         passes=["names"]),
    case("block_built_before_loop", STACK_HEAD + """
def stack(make_block, n):
    block = make_block()
    layers = []
    for _ in range(n):
        layers.append(block)
    return nn.Sequential(*layers)
""", fails={"calls": ["expected exactly 2", REUSE_HINT], "independent_blocks": ["share a parameter", REUSE_HINT]},
         passes=["names"]),
    case("n_plus_one_blocks", STACK_HEAD + """
def stack(make_block, n):
    net = nn.Sequential()
    for i in range(n + 1):
        net.add_module(str(i), make_block())
    return net
""", fails={"calls": ["stack(make_block, 1) called make_block 2 time(s), expected exactly 1"],
            "names": ["Unexpected keys: 1.0.weight"]},
         passes=["independent_blocks"], absent={"calls": [REUSE_HINT]}),
    case("extra_call_to_inspect_block", STACK_HEAD + """
def stack(make_block, n):
    first = make_block()  # to look at the block
    return nn.Sequential(*[make_block() for _ in range(n)])
""", fails={"calls": ["called make_block 2 time(s), expected exactly 1"]},
         passes=["independent_blocks", "names", "forward"]),
    case("returns_list", STACK_HEAD + """
def stack(make_block, n):
    return [make_block() for _ in range(n)]
""", fails={"calls": ["stack returned a list, expected an nn.Sequential"],
            "independent_blocks": ["stack returned a list, expected an nn.Sequential"],
            "names": ["returned a list, expected an nn.Module"]}),
    case("range_from_one", STACK_HEAD + """
def stack(make_block, n):
    return nn.Sequential(*[make_block() for _ in range(1, n)])
""", fails={"calls": ["called make_block 0 time(s), expected exactly 1"],
            "names": ["Missing keys: 0.0.weight, 0.0.bias"]},
         passes=["independent_blocks"]),
    case("returns_module_list", STACK_HEAD + """
def stack(make_block, n):
    return nn.ModuleList([make_block() for _ in range(n)])
""", fails={"calls": ["stack returned a ModuleList, expected an nn.Sequential"],
            "forward": ['missing the required "forward" function']},
         passes=["independent_blocks", "names"]),
]


@pytest.mark.parametrize(PARAMS, STACK_CASES)
def test_stack_bug(grade_files, source, fails, passes, absent):
    run = grade_files({"model_construction/stack.py": source}, STACK_ID)
    expect(run, STACK_ID, fails, passes, absent=absent)
    assert all(c.status is not Status.ERROR for c in run.checks), [c.feedback for c in run.checks]


def test_stack_blocks_sharing_storage_through_data(grade_files):
    """Independent instances whose tensors share one storage (`p.data = q.data`) are not independent."""
    source = STACK_HEAD + """
def stack(make_block, n):
    blocks = [make_block() for _ in range(n)]
    for block in blocks[1:]:  # "start every block from the same weights"
        for p, q in zip(block.parameters(), blocks[0].parameters()):
            p.data = q.data
    return nn.Sequential(*blocks)
"""
    run = grade_files({"model_construction/stack.py": source}, STACK_ID)
    expect(run, STACK_ID, fails={"independent_blocks": ["share a parameter", "same storage"]}, passes=["calls"])


# ---------------------------------------------------------------------------------------- containers

CONT_ID = "model_construction/containers"
CONT_HEAD = """
import torch
from torch import nn
from torch.nn import functional as F
"""
TOWER_OK = """

class Tower(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1))

    def forward(self, X):
        for i, layer in enumerate(self.layers):
            X = layer(X)
            if i < len(self.layers) - 1:
                X = F.relu(X)
        return X
"""
MULTIHEAD_INIT = """

class MultiHead(nn.Module):
    def __init__(self, in_features, heads):
        super().__init__()
        self.heads = nn.ModuleDict({name: nn.Linear(in_features, out) for name, out in heads.items()})
"""
MULTIHEAD_OK = MULTIHEAD_INIT + """
    def forward(self, X, head):
        if head not in self.heads:
            raise KeyError(head)
        return self.heads[head](X)
"""
TOWER_CHECKS = ("tower_names", "tower_forward")
HEAD_CHECKS = ("multihead_names", "multihead_forward", "unknown_head")
KEYERROR_HINT = "Raise `KeyError(head)`"

CONT_CASES = [
    case("tower_relu_after_last_layer", CONT_HEAD + """

class Tower(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1))

    def forward(self, X):
        for layer in self.layers:
            X = F.relu(layer(X))
        return X
""" + MULTIHEAD_OK, fails={"tower_forward": ["ReLU after the last layer", "net = Tower([1, 1])"]},
         passes=("tower_names",) + HEAD_CHECKS),
    case("tower_no_relu", CONT_HEAD + """

class Tower(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1))

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X
""" + MULTIHEAD_OK, fails={"tower_forward": ["no ReLU at all", "net = Tower([1, 1, 1])"]},
         passes=("tower_names",) + HEAD_CHECKS),
    case("tower_plain_list", CONT_HEAD + """

class Tower(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = [nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1)]

    def forward(self, X):
        for i, layer in enumerate(self.layers):
            X = layer(X)
            if i < len(self.layers) - 1:
                X = F.relu(X)
        return X
""" + MULTIHEAD_OK, fails={"tower_names": ["Missing keys: layers.0.weight", "`self.layers` is a plain Python list",
                                           "nn.ModuleList"]},
         passes=("tower_forward",) + HEAD_CHECKS),
    case("tower_no_super_init", CONT_HEAD + """

class Tower(nn.Module):
    def __init__(self, widths):
        self.layers = nn.ModuleList(nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1))
        super().__init__()

    def forward(self, X):
        for i, layer in enumerate(self.layers):
            X = layer(X)
            if i < len(self.layers) - 1:
                X = F.relu(X)
        return X
""" + MULTIHEAD_OK, fails={c: ["cannot assign module before Module.__init__() call", SUPER_HINT]
                           for c in TOWER_CHECKS},
         passes=HEAD_CHECKS),
    case("multihead_plain_dict", CONT_HEAD + TOWER_OK + """

class MultiHead(nn.Module):
    def __init__(self, in_features, heads):
        super().__init__()
        self.heads = {name: nn.Linear(in_features, out) for name, out in heads.items()}

    def forward(self, X, head):
        return self.heads[head](X)
""", fails={"multihead_names": ["Missing keys: heads.cls.weight", "`self.heads` is a plain Python dict",
                                "nn.ModuleDict"]},
         passes=TOWER_CHECKS + ("multihead_forward", "unknown_head")),  # dict[head] raises KeyError(head)
    case("unknown_head_value_error", CONT_HEAD + TOWER_OK + MULTIHEAD_INIT + """
    def forward(self, X, head):
        if head not in self.heads:
            raise ValueError(f"unknown head {head}")
        return self.heads[head](X)
""", fails={"unknown_head": ["raised ValueError", "expected a KeyError", "net(X, 'no_such_head')", KEYERROR_HINT]},
         passes=TOWER_CHECKS + ("multihead_names", "multihead_forward")),
    case("unknown_head_returns_none", CONT_HEAD + TOWER_OK + MULTIHEAD_INIT + """
    def forward(self, X, head):
        if head in self.heads:
            return self.heads[head](X)
""", fails={"unknown_head": ["returned None", "must raise KeyError naming it"]},
         passes=TOWER_CHECKS + ("multihead_names", "multihead_forward")),
    case("unknown_head_keyerror_without_name", CONT_HEAD + TOWER_OK + MULTIHEAD_INIT + """
    def forward(self, X, head):
        if head not in self.heads:
            raise KeyError("unknown head")
        return self.heads[head](X)
""", fails={"unknown_head": ["does not name it", KEYERROR_HINT]},
         passes=TOWER_CHECKS + ("multihead_names", "multihead_forward")),
    case("multihead_ignores_head", CONT_HEAD + TOWER_OK + MULTIHEAD_INIT + """
    def forward(self, X, head):
        for layer in self.heads.values():
            return layer(X)
""", fails={"multihead_forward": ["head = 'reg'", "Tensors are not close!"],
            "unknown_head": ["returned a value"]},
         passes=TOWER_CHECKS + ("multihead_names",)),
]


@pytest.mark.parametrize(PARAMS, CONT_CASES)
def test_containers_bug(grade_files, source, fails, passes, absent):
    run = grade_files({"model_construction/containers.py": source}, CONT_ID)
    expect(run, CONT_ID, fails, passes, absent=absent)


def test_unknown_head_failure_points_at_the_raise(grade_files):
    source = CONT_HEAD + TOWER_OK + MULTIHEAD_INIT + """
    def forward(self, X, head):
        if head not in self.heads:
            raise ValueError(f"unknown head {head}")
        return self.heads[head](X)
"""
    run = grade_files({"model_construction/containers.py": source}, CONT_ID)
    loc = check(run, CONT_ID, "unknown_head").location
    assert loc is not None and loc.path == "model_construction/containers.py"
    assert loc.source.startswith("raise ValueError")


# ------------------------------------------------------------------------------- alignment and hint corner cases


def test_plain_list_sequential_gradients_still_pass(grade_files):
    run = grade_files({"model_construction/my_sequential.py": PLAIN_LIST_SEQ}, SEQ_ID)
    expect(run, SEQ_ID, fails={}, passes=["gradients"])


def test_one_based_names_fail_names_only(grade_files):
    source = SEQ_HEAD + """
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for idx, module in enumerate(modules, 1):
            self.add_module(str(idx), module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X
"""
    run = grade_files({"model_construction/my_sequential.py": source}, SEQ_ID)
    expect(run, SEQ_ID, fails={"names": ["`1` looks like `0`"]}, passes=["forward", "order", "repeated_module"])


def test_stack_module_list_forward_no_stub_hint(grade_files):
    source = STACK_HEAD + """
def stack(make_block, n):
    return nn.ModuleList([make_block() for _ in range(n)])
"""
    run = grade_files({"model_construction/stack.py": source}, STACK_ID)
    expect(run, STACK_ID, fails={"forward": ["ModuleList"]}, absent={"forward": ["still the stub"]})
