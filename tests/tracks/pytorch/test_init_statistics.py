"""The statistical checks of parameters/init and lazy_init/lazy_mlp: no false alarm, full power.

- Through the real grader (worker and judge): the reference solutions pass every
  initialization check under 20 seeds.
- Judge side only, with the worker's observation redone in this process (the
  networks of each check's own trials, initialized here by a known function): the
  reference functions pass under 100 more seeds, and each classic bug fails under
  every one of 30 seeds, with the hint for it.
"""
from __future__ import annotations

import dataclasses
import functools
import math
import random
import types
from typing import Any, Callable

import pytest
import torch
from torch import nn

from grader.catalog import find
from grader.tracks.pytorch.checks.init import Initialization, Observed, Trial
from grader.tracks.pytorch.worker.specs import evaluate, handle
from tests.conftest import ROOT

STATISTICAL = {"parameters/init": ["init_normal", "init_constant", "init_xavier", "my_init", "only_linear"],
               "lazy_init/lazy_mlp": ["materialize"]}


def _only(exercise_id: str, ids: list[str]) -> Any:
    ex = find(exercise_id)
    return dataclasses.replace(ex, checks=tuple(c for c in ex.checks if c.id in ids))


@pytest.mark.parametrize("seed", range(20))
def test_solutions_pass_the_statistical_checks_under_20_seeds(pool, seed):
    from grader.engine import grade

    exercises = tuple(_only(e, ids) for e, ids in STATISTICAL.items())
    run = grade(ROOT / "solutions", exercises, seed=1000 + seed, pool=pool)
    assert run.score == run.max_score, [(c.name, c.feedback) for c in run.checks if not c.passed]


# -- the judge's side, with the observation done here ------------------------------------------------

def _check(exercise_id: str, check_id: str) -> Initialization:
    check = next(c for c in find(exercise_id).checks if c.id == check_id)
    assert isinstance(check, Initialization)
    return check


def _observe(trial: Trial, index: int, namespace: Any) -> list[Observed]:
    """What the worker reports for one trial, computed in this process."""
    net = evaluate(trial.net.node, namespace=namespace, objects={}, counters={})
    tensors = lambda: dict(net.named_parameters()) | dict(net.named_buffers())  # noqa: E731
    lazy = {n for n, t in tensors().items() if isinstance(t, nn.parameter.UninitializedTensorMixin)}
    before = {} if lazy else {n: t.detach().clone() for n, t in tensors().items()}
    objects = {n: id(t) for n, t in tensors().items()}
    if trial.fn is not None:
        fn = evaluate(trial.fn.node, namespace=namespace, objects={}, counters={})
        net.apply(functools.partial(fn, **dict(trial.kwargs)))
    else:
        evaluate(trial.call(handle(1)).node, namespace=namespace, objects={1: net}, counters={})
    modules = dict(net.named_modules())
    out = []
    for name, t in tensors().items():
        owner = modules[name.rsplit(".", 1)[0]]
        prev = before.get(name)
        out.append(Observed(trial=index, name=name, owner_type=type(owner).__name__,
                            is_linear=isinstance(owner, nn.Linear), is_parameter=isinstance(t, nn.Parameter),
                            shape=tuple(t.shape), before=None if prev is None else prev.double().reshape(-1).numpy(),
                            after=t.detach().double().reshape(-1).numpy(), same_object=objects.get(name) == id(t),
                            was_lazy=name in lazy))
    return out


def _verdict(check: Initialization, namespace: Any, seed: int) -> tuple[bool, list[str]]:
    """(passed, hints) of ``check`` for the functions in ``namespace`` under ``seed``."""
    torch.manual_seed(seed)
    trials = check.trials(random.Random(seed))
    observed = [o for i, t in enumerate(trials) for o in _observe(t, i, namespace)]
    report = check.report(observed, trials)
    if report.passed:
        return True, []
    return False, report.hints() + check.matching_mistakes(observed, trials)


def _solutions(module: str) -> types.ModuleType:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_ref_{module.replace('/', '_')}", ROOT / "solutions" / module)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


INIT = _solutions("parameters/init.py")
LAZY = _solutions("lazy_init/lazy_mlp.py")


@pytest.mark.parametrize("exercise_id, check_id, namespace", [
    *[("parameters/init", c, INIT) for c in STATISTICAL["parameters/init"]],
    ("lazy_init/lazy_mlp", "materialize", LAZY),
])
def test_reference_passes_under_100_seeds(exercise_id, check_id, namespace):
    check = _check(exercise_id, check_id)
    failed = [seed for seed in range(100) if not _verdict(check, namespace, seed)[0]]
    assert not failed


# -- the classic bugs: each is caught under every seed, with its hint ------------------------------------

def _linear_only(body: Callable[[nn.Linear], None]) -> Callable[[nn.Module], None]:
    def init(m: nn.Module, **kwargs: Any) -> None:
        if isinstance(m, nn.Linear):
            with torch.no_grad():
                body(m, **kwargs)
    return init


def _with(namespace: Any, **overrides: Any) -> types.SimpleNamespace:
    return types.SimpleNamespace(**{**vars(namespace), **overrides})


def _bound(m: nn.Linear, fan: int) -> None:
    a = math.sqrt(6 / fan)
    m.weight.uniform_(-a, a)


def _materialize_then(init: Callable[[nn.Module], None]) -> Callable[..., nn.Module]:
    def materialize(net: nn.Module, example: torch.Tensor) -> nn.Module:
        with torch.no_grad():
            net(example)
        net.apply(init)
        return net
    return materialize


def _materialize_too_early(net: nn.Module, example: torch.Tensor) -> nn.Module:
    for m in net.modules():
        if type(m) is nn.Linear:
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    with torch.no_grad():
        net(example)
    return net


def _xavier_and_zero(body: Callable[[nn.Linear], None]) -> Callable[[nn.Module], None]:
    def init(m: nn.Linear) -> None:
        body(m)
        m.bias.zero_()
    return _linear_only(init)


BUGS = [
    ("std-0.1", "parameters/init", "init_normal",
     _with(INIT, init_normal=_linear_only(lambda m: (m.weight.normal_(0, 0.1), m.bias.zero_()))), "std vs variance"),
    ("std-1e-4", "parameters/init", "init_normal",
     _with(INIT, init_normal=_linear_only(lambda m: (m.weight.normal_(0, 1e-4), m.bias.zero_()))), "std vs variance"),
    ("std-10%-off", "parameters/init", "init_normal",
     _with(INIT, init_normal=_linear_only(lambda m: (m.weight.normal_(0, 0.011), m.bias.zero_()))), None),
    ("bias-kept", "parameters/init", "init_normal",
     _with(INIT, init_normal=_linear_only(lambda m: m.weight.normal_(0, 0.01))), "nn.init.zeros_(m.bias)"),
    ("xavier-normal", "parameters/init", "init_xavier",
     _with(INIT, init_xavier=_linear_only(lambda m: nn.init.xavier_normal_(m.weight))), "Xavier *normal*"),
    ("xavier-fan-in", "parameters/init", "init_xavier",
     _with(INIT, init_xavier=_linear_only(lambda m: _bound(m, m.in_features))), "sqrt(6 / fan_in)"),
    ("xavier-fan-out", "parameters/init", "init_xavier",
     _with(INIT, init_xavier=_linear_only(lambda m: _bound(m, m.out_features))), "sqrt(6 / fan_out)"),
    ("xavier-10%-narrow", "parameters/init", "init_xavier",
     _with(INIT, init_xavier=_linear_only(lambda m: _bound(m, 1.21 * (m.in_features + m.out_features)))), None),
    ("mask-inverted", "parameters/init", "my_init",
     _with(INIT, my_init=_linear_only(lambda m: m.weight.uniform_(-10, 10).mul_(m.weight.abs() < 5))),
     "The mask is inverted"),
    ("no-mask", "parameters/init", "my_init",
     _with(INIT, my_init=_linear_only(lambda m: m.weight.uniform_(-10, 10))), "Nothing was zeroed"),
    ("mask-on-w", "parameters/init", "my_init",
     _with(INIT, my_init=_linear_only(lambda m: m.weight.uniform_(-10, 10).mul_(m.weight >= 5))), "compare |w|"),
    ("constant-ignores-value", "parameters/init", "init_constant",
     _with(INIT, init_constant=_linear_only(lambda m, value=1.0: (m.weight.fill_(1.0), m.bias.zero_()))),
     "ignores its `value`"),
    ("touches-conv", "parameters/init", "only_linear",
     _with(INIT, init_xavier=lambda m: nn.init.xavier_uniform_(m.weight) if isinstance(m, (nn.Linear, nn.Conv1d))
           else None), "isinstance(m, nn.Linear)"),
    ("materialize-too-early", "lazy_init/lazy_mlp", "materialize",
     _with(LAZY, materialize=_materialize_too_early), "PyTorch's default initialization"),
    ("materialize-xavier-normal", "lazy_init/lazy_mlp", "materialize",
     _with(LAZY, materialize=_materialize_then(_xavier_and_zero(lambda m: nn.init.xavier_normal_(m.weight)))),
     "Xavier *normal*"),
    ("materialize-fan-in", "lazy_init/lazy_mlp", "materialize",
     _with(LAZY, materialize=_materialize_then(_xavier_and_zero(lambda m: _bound(m, m.in_features)))),
     "sqrt(6 / fan_in)"),
]


@pytest.mark.parametrize("exercise_id, check_id, namespace, hint", [pytest.param(*b[1:], id=b[0]) for b in BUGS])
def test_bug_is_caught_under_every_seed(exercise_id, check_id, namespace, hint):
    check = _check(exercise_id, check_id)
    for seed in range(30):
        passed, hints = _verdict(check, namespace, seed)
        assert not passed, f"missed under seed {seed}"
        if hint:
            assert any(hint in h for h in hints), (seed, hints)
