"""Realistic buggy submissions for lazy_init/lazy_mlp.

Each case is the reference module with one classic mistake written in; the
check aimed at it fails with feedback that names it, and the unrelated checks
pass (``materialize`` is graded on torch-only networks, so a LazyMLP fault does
not cost its points, and vice versa).
"""
from __future__ import annotations

import pytest

from tests.suites.test_parameters_bugs import PARAMS, case, expect, variant

LAZY = "lazy_init/lazy_mlp"
_CHECKS = ["uninitialized", "shapes", "forward", "materialize", "returns_net"]
_LAYERS = """        self.hidden = nn.LazyLinear(hidden)
        self.output = nn.LazyLinear(out_features)"""
_MATERIALIZE = """    with torch.no_grad():
        net(example)
    for m in net.modules():
        # A LazyLinear turns into a plain Linear once materialized.
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return net"""


def _others(*failing: str) -> list[str]:
    return [c for c in _CHECKS if c not in failing]


def _lazy(*edits: tuple[str, str]) -> str:
    return variant("lazy_init/lazy_mlp.py", *edits)


def _materialize(body: str) -> str:
    return _lazy((_MATERIALIZE, body))


LAZY_CASES = [
    case("fixed-input-width", _lazy((_LAYERS, """        self.hidden = nn.Linear(20, hidden)
        self.output = nn.Linear(hidden, out_features)""")),
         {"uninitialized": ["`hidden.weight` already has the shape", "nn.LazyLinear"],
          "shapes": ["mat1 and mat2 shapes cannot be multiplied"], "forward": []},
         passes=["materialize", "returns_net"], line_of={"uninitialized": "def __init__"}),
    case("no-relu", _lazy(("return self.output(F.relu(self.hidden(X)))", "return self.output(self.hidden(X))")),
         {"forward": ["Tensors are not close", "the ReLU between `hidden` and `output` is missing"]},
         passes=_others("forward")),
    case("init-before-dry-run", _materialize("""    for m in net.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    with torch.no_grad():
        net(example)
    return net"""),
         {"materialize": ["raised ValueError: Attempted to use an uninitialized parameter",
                          "touched the parameters while they were still uninitialized", "*after* the dry forward"]},
         passes=["uninitialized", "shapes", "forward"], line_of={"materialize": "nn.init.xavier_uniform_(m.weight)"}),
    case("init-skips-lazy-layers", _materialize("""    for m in net.modules():
        if type(m) is nn.Linear:
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    with torch.no_grad():
        net(example)
    return net"""),
         {"materialize": ["expected zeros, but", "PyTorch's default initialization", "*after* the dry forward"]},
         passes=_others("materialize"), line_of={"materialize": "def materialize"}),
    case("no-dry-run", _materialize("""    for m in net.modules():
        if isinstance(m, nn.Linear) and not isinstance(m, nn.LazyLinear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net"""),
         {"materialize": ["are still uninitialized (they have no shape yet): 0.weight, 0.bias",
                          "run `net(example)` once"]},
         passes=_others("materialize")),
    case("xavier-normal", _materialize(_MATERIALIZE.replace("xavier_uniform_", "xavier_normal_")),
         {"materialize": ["lie outside these bounds", "Xavier-uniform", "KS test against"]},
         passes=_others("materialize")),
    case("bias-kept", _materialize(_MATERIALIZE.replace("""            if m.bias is not None:
                nn.init.zeros_(m.bias)
""", "")),
         {"materialize": ["`0.bias` (Linear", "expected zeros", "nn.init.zeros_(m.bias)"]},
         passes=_others("materialize")),
    case("top-level-children-only", _materialize(_MATERIALIZE.replace("net.modules()", "net.children()")),
         {"materialize": ["nn.Sequential(nn.Sequential(nn.LazyLinear(", "expected zeros"]},
         passes=_others("materialize")),
    case("returns-nothing", _materialize(_MATERIALIZE.replace("    return net", "")),
         {"returns_net": ["returned None", "`return net`"]}, passes=_others("returns_net"),
         line_of={"returns_net": "def materialize"}),
    case("returns-copy", "import copy\n" + _materialize(_MATERIALIZE.replace("    return net",
                                                                             "    return copy.deepcopy(net)")),
         {"returns_net": ["another module than `net`"]}, passes=_others("returns_net")),
]


@pytest.mark.parametrize(PARAMS, LAZY_CASES)
def test_lazy_mlp_bugs(grade_files, source, fails, passes, line_of):
    run = grade_files({"lazy_init/lazy_mlp.py": source}, LAZY)
    expect(run, LAZY, fails, passes, line_of=line_of)
