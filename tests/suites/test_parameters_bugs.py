"""Realistic buggy submissions for every parameters exercise.

Each case is the reference module with one classic mistake written in (see
:func:`variant`). The test asserts that the check aimed at that mistake fails
with score 0 and feedback that names it (statistic, expected value, hint), that
the failure points at the student's line, and that the checks of the same
exercise that have nothing to do with it still pass.
"""
from __future__ import annotations

from typing import Any, Iterable

import pytest

from grader.results import RunResult, Status
from tests.conftest import ROOT, check, expect, text_of


def variant(rel: str, *edits: tuple[str, str]) -> str:
    """The reference ``solutions/<rel>`` with each ``(old, new)`` replaced (``old`` must occur)."""
    text = (ROOT / "solutions" / rel).read_text()
    for old, new in edits:
        assert old in text, f"{old!r} not in solutions/{rel}"
        text = text.replace(old, new)
    return text



def case(id: str, source: str, fails: dict[str, Iterable[str]], passes: Iterable[str] = (),
         line_of: dict[str, str] | None = None) -> Any:
    return pytest.param(source, fails, tuple(passes), line_of or {}, id=id)


PARAMS = "source, fails, passes, line_of"

# ---------------------------------------------------------------------------------------------- access

ACCESS = "parameters/access"
_SHAPES = "return {name: tuple(p.shape) for name, p in net.named_parameters()}"
_COUNT = """return sum(p.numel() for p in net.parameters()
               if p.requires_grad or not trainable_only)"""


def _access(shapes: str = _SHAPES, count: str = _COUNT) -> str:
    return variant("parameters/access.py", (_SHAPES, shapes), (_COUNT, count))


ACCESS_CASES = [
    case("shapes-as-lists", _access(shapes="return {n: list(p.shape) for n, p in net.named_parameters()}"),
         {"param_shapes": ["expected the tuple", "got list", "tuple(p.shape)", "param_shapes(net)"]},
         passes=["count_params", "count_all"], line_of={"param_shapes": "def param_shapes"}),
    case("shapes-with-buffers", _access(shapes="return {n: tuple(t.shape) for n, t in net.state_dict().items()}"),
         {"param_shapes": ["unexpected", "running_mean", "Buffers", "are not parameters"]},
         passes=["count_params", "count_all"]),
    case("shapes-tied-twice",
         _access(shapes="return {n: tuple(p.shape) for n, p in net.named_parameters(remove_duplicate=False)}"),
         {"param_shapes": ["tied = nn.Linear", "A tied parameter appears once"]}, passes=["count_params"]),
    case("shapes-skip-frozen",
         _access(shapes="return {n: tuple(p.shape) for n, p in net.named_parameters() if p.requires_grad}"),
         {"param_shapes": ["requires_grad_(False)", "Missing", "trainable or not"]}),
    case("shapes-sorted", _access(shapes="return dict(sorted((n, tuple(p.shape)) for n, p in net.named_parameters()))"),
         {"param_shapes": ["another order", "do not sort"]}),
    case("count-tied-twice",
         _access(count="return sum(p.numel() for _, p in net.named_parameters(remove_duplicate=False)\n"
                       "               if p.requires_grad or not trainable_only)"),
         {"count_params": ["returned", "expected", "counted once per place"],
          "count_all": ["counted once per place"]}, passes=["param_shapes"],
         line_of={"count_params": "def count_params"}),
    case("count-ignores-flag", _access(count="return sum(p.numel() for p in net.parameters())"),
         {"count_params": ["requires_grad_(False)", "must skip parameters with `requires_grad=False`"]},
         passes=["param_shapes", "count_all"]),
    case("count-with-buffers",
         _access(count="return sum(p.numel() for p in net.parameters() if p.requires_grad or not trainable_only)"
                       " + sum(b.numel() for b in net.buffers())"),
         {"count_params": ["BatchNorm1d", "Buffers were counted"], "count_all": ["Buffers were counted"]}),
    case("count-as-float",
         _access(count="return float(sum(p.numel() for p in net.parameters()\n"
                       "               if p.requires_grad or not trainable_only))"),
         {"count_params": ["returned float", "expected the int", "Return a Python int"]}, passes=["param_shapes"]),
]


@pytest.mark.parametrize(PARAMS, ACCESS_CASES)
def test_access_bugs(grade_files, source, fails, passes, line_of):
    run = grade_files({"parameters/access.py": source}, ACCESS)
    expect(run, ACCESS, fails, passes, line_of=line_of)


def test_access_accepts_torch_size_and_ordered_dict(grade_files):
    """``p.shape`` is a tuple subclass equal to the tuple; an OrderedDict is a dict."""
    source = _access(shapes="import collections\n    return collections.OrderedDict("
                            "(n, p.shape) for n, p in net.named_parameters())")
    run = grade_files({"parameters/access.py": source}, ACCESS)
    assert run.score == run.max_score, [text_of(c) for c in run.checks if not c.passed]

# ---------------------------------------------------------------------------------------------- nested

NESTED = "parameters/nested"

NESTED_CASES = [
    case("blocks-numbered", variant("parameters/nested.py", (
        """    net = nn.Sequential()
    for i in range(n):
        net.add_module(f"block {i}", block1())
    return net""", "    return nn.Sequential(*[block1() for _ in range(n)])")),
         {"rgnet_names": ["Missing keys: 0.block 0.0.weight", "Unexpected keys: 0.0.0.weight",
                          "add_module(f'block {i}'"]},
         passes=["block1", "independent_blocks"]),
    case("blocks-without-space", variant("parameters/nested.py", ('f"block {i}"', 'f"block{i}"')),
         {"rgnet_names": ["0.block0.0.weight", "with a space"]}, passes=["block1", "forward", "independent_blocks"]),
    case("one-block-reused", variant("parameters/nested.py", (
        """    for i in range(n):
        net.add_module(f"block {i}", block1())""", """    block = block1()
    for i in range(n):
        net.add_module(f"block {i}", block)""")),
         {"independent_blocks": ["share the parameter", "must be independent", "once per block"]},
         passes=["block1", "rgnet_names"], line_of={"independent_blocks": "def block2"}),
    case("block1-without-last-relu", variant("parameters/nested.py", (
        "return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())",
        "return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4))")),
         {"block1": ["holds ['Linear', 'ReLU', 'Linear']"], "forward": ["without the last ReLU of each block1"]},
         passes=["rgnet_names", "independent_blocks"], line_of={"block1": "def block1"}),
    case("block1-transposed",
         variant("parameters/nested.py", ("nn.Linear(8, 4), nn.ReLU())", "nn.Linear(4, 8), nn.ReLU())")),
         {"block1": ["(out_features, in_features)"]}),
]


@pytest.mark.parametrize(PARAMS, NESTED_CASES)
def test_nested_bugs(grade_files, source, fails, passes, line_of):
    run = grade_files({"parameters/nested.py": source}, NESTED)
    expect(run, NESTED, fails, passes, line_of=line_of)

# ---------------------------------------------------------------------------------------------- init

INIT = "parameters/init"
_NORMAL = "nn.init.normal_(m.weight, mean=0.0, std=0.01)"
_XAVIER = "nn.init.xavier_uniform_(m.weight)"
_ALL = ["init_normal", "init_constant", "init_xavier", "my_init", "in_place", "only_linear", "bias_free"]


def _others(*failing: str) -> list[str]:
    return [c for c in _ALL if c not in failing]


def _init(*edits: tuple[str, str]) -> str:
    return variant("parameters/init.py", *edits)


INIT_CASES = [
    case("normal-std-0.1", _init((_NORMAL, "nn.init.normal_(m.weight, mean=0.0, std=0.1)")),
         {"init_normal": ["KS test against N(0, 0.01²)", "D = 0.4", "weights, p < 1e-300",
                          "false-alarm rate of this check: 1e-06", "sample std 0.0998", "expected mean 0, std 0.01",
                          "Chi-square test of the variance", "std vs variance", "0.1 = sqrt(0.01)"]},
         passes=_others("init_normal"), line_of={"init_normal": "def init_normal"}),
    case("normal-variance-as-std", _init((_NORMAL, "nn.init.normal_(m.weight, mean=0.0, std=0.0001)")),
         {"init_normal": ["KS test against N(0, 0.01²)", "std vs variance", "0.0001 = 0.01² (the variance)"]},
         passes=_others("init_normal")),
    case("normal-mean-positional", _init((_NORMAL, "nn.init.normal_(m.weight, 0.01)")),
         {"init_normal": ["the second positional argument is the mean"]}, passes=_others("init_normal")),
    case("normal-bias-not-zeroed", _init(("""        nn.init.normal_(m.weight, mean=0.0, std=0.01)
        if m.bias is not None:
            nn.init.zeros_(m.bias)""", "        nn.init.normal_(m.weight, mean=0.0, std=0.01)")),
         {"init_normal": ["`0.bias` (Linear", "expected zeros, but", "entries differ from 0",
                          "nn.init.zeros_(m.bias)"]},
         passes=_others("init_normal")),
    case("xavier-normal", _init((_XAVIER, "nn.init.xavier_normal_(m.weight)")),
         {"init_xavier": ["lie outside these bounds", "Xavier-uniform", "Xavier *normal*"]},
         passes=_others("init_xavier"), line_of={"init_xavier": "def init_xavier"}),
    case("xavier-fan-in-only",
         _init((_XAVIER, "a = (6 / m.in_features) ** 0.5\n        nn.init.uniform_(m.weight, -a, a)")),
         {"init_xavier": ["lie outside these bounds", "sqrt(6 / fan_in)"]}, passes=_others("init_xavier")),
    case("xavier-zeroes-bias", _init((_XAVIER, _XAVIER + "\n        nn.init.zeros_(m.bias)")),
         {"init_xavier": ["expected unchanged", "The bias must stay as it was"]},
         passes=["init_normal", "my_init", "in_place", "only_linear"]),
    case("my-init-mask-inverted", _init(("m.weight *= m.weight.abs() >= 5", "m.weight *= m.weight.abs() < 5")),
         {"my_init": ["neither 0 nor of magnitude in [5, 10]", "The mask is inverted"]},
         passes=_others("my_init"), line_of={"my_init": "def my_init"}),
    case("my-init-mask-on-w", _init(("m.weight *= m.weight.abs() >= 5", "m.weight *= m.weight >= 5")),
         {"my_init": ["Binomial test of the number of zeros", "Binomial test of the signs", "compare |w|, not w"]},
         passes=_others("my_init")),
    case("constant-ignores-value", _init(("nn.init.constant_(m.weight, value)", "nn.init.constant_(m.weight, 1.0)")),
         {"init_constant": ["functools.partial(init_constant, value=", "expected the constant",
                            "ignores its `value` argument"]},
         passes=_others("init_constant"), line_of={"init_constant": "def init_constant"}),
    case("new-parameter",
         _init((_NORMAL, "m.weight = nn.Parameter(torch.randn(m.out_features, m.in_features) * 0.01)")),
         {"in_place": ["`0.weight`, `2.weight` are new Parameter objects", "net.apply(init_normal)",
                       "in place", "an optimizer built before"]},
         passes=_others("in_place"), line_of={"in_place": "def init_normal"}),
    case("touches-every-weight", _init(("""    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, value)
        if m.bias is not None:""", """    if hasattr(m, "weight"):
        nn.init.constant_(m.weight, value)
        if getattr(m, "bias", None) is not None:""")),
         {"only_linear": ["(Conv1d, 3×2×3)", "expected unchanged", "entries changed", "net.apply(init_constant)",
                          "isinstance(m, nn.Linear)"]},
         passes=_others("only_linear")),
    case("crashes-on-embedding", _init(("""    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, value)""", """    if hasattr(m, "weight"):
        nn.init.constant_(m.weight, value)""")),
         {"only_linear": ["raised AttributeError: 'Embedding' object has no attribute 'bias'",
                          "isinstance(m, nn.Linear)"]},
         passes=_others("only_linear")),
    case("bias-none-unguarded", _init(("""        if m.bias is not None:
            nn.init.zeros_(m.bias)""", "        nn.init.zeros_(m.bias)")),
         {"bias_free": ["raised AttributeError", "bias=False", "if m.bias is not None"]},
         passes=_others("bias_free"), line_of={"bias_free": "nn.init.zeros_(m.bias)"}),
]


@pytest.mark.parametrize(PARAMS, INIT_CASES)
def test_init_bugs(grade_files, source, fails, passes, line_of):
    run = grade_files({"parameters/init.py": source}, INIT)
    expect(run, INIT, fails, passes, line_of=line_of)

# ---------------------------------------------------------------------------------------------- tying

TYING = "parameters/tying"
_SHARED_AT_4 = """                         shared, nn.ReLU(),
                         nn.Linear(8, 1))"""

TYING_CASES = [
    case("copied-weights", "import copy\n" + variant("parameters/tying.py", (
        _SHARED_AT_4, """                         copy.deepcopy(shared), nn.ReLU(),
                         nn.Linear(8, 1))""")),
         {"structure": ["two different nn.Linear objects (copies with equal values)", "net[2] is net[4]",
                        "Copied weights instead of tied ones: put the same nn.Linear object at both positions"],
          "gradients": ["In the gradient of 2.weight", "Copied weights instead of tied ones"]},
         passes=["forward"], line_of={"structure": "def tied_net"}),
    case("fresh-untied-layer", variant("parameters/tying.py", (
        _SHARED_AT_4, """                         nn.Linear(8, 8), nn.ReLU(),
                         nn.Linear(8, 1))""")),
         {"structure": ["independent layers"], "gradients": ["Copied weights instead of tied ones"]}),
    case("weight-only", variant("parameters/tying.py", ("    shared = nn.Linear(8, 8)\n",
                                                        """    shared = nn.Linear(8, 8)
    other = nn.Linear(8, 8)
    other.weight = shared.weight
"""), (_SHARED_AT_4, """                         other, nn.ReLU(),
                         nn.Linear(8, 1))""")),
         {"structure": ["sharing only their weight", "Tie the whole layer"]}, passes=["forward"]),
    case("module-level-shared", variant("parameters/tying.py", ('    shared = nn.Linear(8, 8)\n', ''),
                                        ('def tied_net()', 'shared = nn.Linear(8, 8)\n\n\ndef tied_net()')),
         {"structure": ["Two calls of tied_net() share their tied layer", "not at module level"]},
         passes=["forward", "gradients"]),
    case("tanh", variant("parameters/tying.py", ("shared, nn.ReLU(),\n                         nn.Linear(8, 1)",
                                                 "shared, nn.Tanh(),\n                         nn.Linear(8, 1)")),
         {"structure": ["'Tanh'"], "forward": ["Tensors are not close"]}),
]


@pytest.mark.parametrize(PARAMS, TYING_CASES)
def test_tying_bugs(grade_files, source, fails, passes, line_of):
    run = grade_files({"parameters/tying.py": source}, TYING)
    expect(run, TYING, fails, passes, line_of=line_of)
