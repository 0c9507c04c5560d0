"""Check the Gluon track's solutions, stubs and book-style submissions against the catalog.

The catalog is the exercise contract's section "Gluon track (MXNet Gluon 1.9)". Run this
script with the managed Gluon environment's Python (MXNet 1.9.1, NumPy < 1.24)::

    MXNET_ENGINE_TYPE=NaiveEngine OMP_NUM_THREADS=1 "$GRADE_GLUON_ENV/bin/python" gluon/verify_solutions.py

Each part runs in a subprocess of its own, because ``npx.set_np()`` changes the whole
process and because every submission uses the same topic package names:

- ``solutions``: every check of every exercise passes on ``gluon/solutions``, and so do
  the docstring examples; the modules are documented and fully annotated;
- ``stubs``: every module of ``gluon/exercises`` imports and does no work at import, has
  the solutions' public names and signatures, documents them, and every function, class
  and method raises ``NotImplementedError("<name>: ...")``;
- ``nd`` and ``np``: the book-style submissions of ``tests/fixtures/gluon_book_style``
  fail exactly the checks that their README says they lose;
- ``mutants``: every declared mutant (a realistic student mistake written as ``(old,
  new)`` edits of a solution) applies each edit exactly once and fails exactly the
  checks it declares.

``--part NAME`` runs one part in this process; ``--list-mutants`` prints the mutants.
The checks compare with small NumPy computations on the block's own parameters, read
by structural name (the names ``save_parameters`` writes).
"""
from __future__ import annotations

import argparse
import ast
import collections
import contextlib
import doctest
import importlib
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "gluon" / "solutions"
EXERCISES = ROOT / "gluon" / "exercises"
BOOK = ROOT / "tests" / "fixtures" / "gluon_book_style"
TOPICS = ("model_construction", "parameters", "lazy_init", "custom_layers", "read_write", "devices")
EXERCISE_IDS = (
    "model_construction/mlp", "model_construction/my_sequential", "model_construction/fixed_hidden_mlp",
    "model_construction/nest_mlp", "model_construction/parallel", "model_construction/stack",
    "parameters/access", "parameters/nested", "parameters/init", "parameters/tying",
    "lazy_init/lazy_mlp",
    "custom_layers/centered", "custom_layers/my_dense", "custom_layers/pooling",
    "read_write/tensor_io", "read_write/clone", "read_write/checkpoint",
    "devices/select", "devices/placement",
)
PARTS = ("solutions", "stubs", "nd", "np", "mutants")
REQUIRED_ENV = {"MXNET_ENGINE_TYPE": "NaiveEngine", "OMP_NUM_THREADS": "1"}

#: checks the book-style submissions are expected to lose (their README says why)
BOOK_LOSSES: dict[str, dict[str, set[str]]] = {
    "nd": {"model_construction/my_sequential": {"repeat"}},
    "np": {"model_construction/my_sequential": {"repeat"}},
}

# --------------------------------------------------------------------------------------
# The checks. Each takes the exercise module and raises (AssertionError or the module's
# own exception) when the module misses the contract.
# --------------------------------------------------------------------------------------

CHECKS: dict[str, dict[str, Callable[[Any], None]]] = collections.defaultdict(dict)
#: checks beyond the catalog's letter, run on the reference solutions only
SOLUTIONS_ONLY: set[tuple[str, str]] = set()


def check(eid: str, name: str, solutions_only: bool = False) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    assert eid in EXERCISE_IDS, eid

    def register(fn: Callable[[Any], None]) -> Callable[[Any], None]:
        assert name not in CHECKS[eid], (eid, name)
        CHECKS[eid][name] = fn
        if solutions_only:
            SOLUTIONS_ONLY.add((eid, name))
        return fn
    return register


def _mx() -> Any:
    import mxnet
    return mxnet


def onp() -> Any:
    import numpy
    return numpy


def is_np() -> bool:
    return bool(_mx().npx.is_np_array())


def A(x: Any, ctx: Any = None, dtype: Any = None) -> Any:
    """A NumPy array as the MXNet array the current mode uses (``mxnet.np`` after ``npx.set_np()``)."""
    mx = _mx()
    x = onp().asarray(x)
    dtype = dtype or (x.dtype if x.dtype != onp().float64 else "float32")
    ctx = ctx or mx.cpu()
    if is_np():
        return mx.np.array(x, dtype=dtype, ctx=ctx)
    return mx.nd.array(x, dtype=dtype, ctx=ctx)


def N(a: Any) -> Any:
    """An MXNet array (either kind) as NumPy."""
    return a.asnumpy()


def rand(*shape: int, seed: int = 0, low: float = -1.0, high: float = 1.0) -> Any:
    return onp().random.RandomState(seed).uniform(low, high, size=shape).astype("float32")


def close(actual: Any, expected: Any, what: str, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    actual, expected = onp().asarray(actual), onp().asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    assert onp().allclose(actual, expected, rtol=rtol, atol=atol), \
        f"{what}: max difference {onp().abs(actual.astype('float64') - expected).max()}"


def structural(block: Any) -> list[tuple[str, Any]]:
    """(structural name, parameter), each parameter once under its first name (as the grader reads them)."""
    seen, out = set(), []
    for name, param in block._collect_params_with_prefix().items():
        if id(param) not in seen:
            seen.add(id(param))
            out.append((name, param))
    return out


def names(block: Any) -> list[str]:
    return [n for n, _ in structural(block)]


def shapes(block: Any) -> dict[str, tuple[int, ...]]:
    return {n: tuple(max(int(d), 0) for d in (p.shape or ())) for n, p in structural(block)}


def values(block: Any) -> dict[str, Any]:
    return {n: N(p.list_data()[0]) for n, p in structural(block)}


def relu(x: Any) -> Any:
    return onp().maximum(x, 0)


def chain(X: Any, layers: list[tuple[Any, Any, bool]], G: Any = None) -> tuple[Any, list[tuple[Any, Any]]]:
    """Dense layers ``(W, b, relu)`` in NumPy: the output and, for the loss ``sum(out * G)``, each layer's (dW, db)."""
    acts, pre, h = [X], [], X
    for W, b, r in layers:
        z = h @ W.T + b
        pre.append(z)
        h = relu(z) if r else z
        acts.append(h)
    grads: list[tuple[Any, Any]] = []
    if G is not None:
        d = G
        for i in reversed(range(len(layers))):
            W, _, r = layers[i]
            if r:
                d = d * (pre[i] > 0)
            grads.insert(0, (d.T @ acts[i], d.sum(0)))
            d = d @ W
    return h, grads


def backward(net: Any, X: Any, G: Any) -> Any:
    """Run ``net`` on ``X`` under autograd and backpropagate ``sum(out * G)``; returns the output."""
    from mxnet import autograd
    with autograd.record():
        out = net(X)
        loss = (out * A(G, ctx=out.context)).sum()
    loss.backward()
    return out


def grad_of(param: Any) -> Any:
    return N(param.list_grad()[0])


def fwd(net: Any, x: Any) -> Any:
    return N(net(A(x)))


@contextlib.contextmanager
def quiet() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ---- model_construction/mlp -----------------------------------------------------------
MLP = "model_construction/mlp"


def _mlp_layers(net: Any) -> list[tuple[Any, Any, bool]]:
    P = values(net)
    return [(P["hidden.weight"], P["hidden.bias"], True), (P["output.weight"], P["output.bias"], False)]


@check(MLP, "names")
def _(m: Any) -> None:
    net = m.MLP(hidden=7, out_features=3)
    assert shapes(net) == {"hidden.weight": (7, 0), "hidden.bias": (7,), "output.weight": (3, 0),
                           "output.bias": (3,)}, shapes(net)
    assert names(net) == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"], names(net)
    net.initialize()
    net(A(rand(2, 5)))
    assert shapes(net) == {"hidden.weight": (7, 5), "hidden.bias": (7,), "output.weight": (3, 7),
                           "output.bias": (3,)}, shapes(net)


@check(MLP, "defaults")
def _(m: Any) -> None:
    net = m.MLP()
    net.initialize()
    net(A(rand(2, 20)))
    assert shapes(net) == {"hidden.weight": (256, 20), "hidden.bias": (256,), "output.weight": (10, 256),
                           "output.bias": (10,)}, shapes(net)


@check(MLP, "forward")
def _(m: Any) -> None:
    for hidden, out, width, batch in [(7, 3, 5, 4), (16, 10, 20, 2), (1, 1, 1, 1)]:
        net = m.MLP(hidden, out)
        net.initialize()
        X = rand(batch, width, seed=hidden)
        y = fwd(net, X)
        close(y, chain(X, _mlp_layers(net))[0], f"MLP({hidden}, {out}) on width {width}")


@check(MLP, "gradients")
def _(m: Any) -> None:
    net = m.MLP(6, 3)
    net.initialize()
    X, G = rand(4, 5), rand(4, 3, seed=1)
    backward(net, A(X), G)
    _, grads = chain(X, _mlp_layers(net), G)
    for (name, param), g in zip(structural(net), [g for pair in grads for g in pair]):
        close(grad_of(param), g, f"gradient of {name}")


# ---- model_construction/my_sequential -------------------------------------------------
SEQ = "model_construction/my_sequential"


def _dense(units: int, act: bool = False, **kw: Any) -> Any:
    from mxnet.gluon import nn
    return nn.Dense(units, activation="relu" if act else None, **kw)


def _dense_layer(block: Any, act: bool) -> tuple[Any, Any, bool]:
    return N(block.weight.list_data()[0]), N(block.bias.list_data()[0]), act


@check(SEQ, "registered")
def _(m: Any) -> None:
    net = m.MySequential()
    a, b = _dense(5, True), _dense(3)
    assert net.add(a) is None
    net.add(b)
    assert len(list(net.collect_params().keys())) == 4, f"collect_params() lists {list(net.collect_params().keys())}"
    net.initialize()  # must reach both children
    net(A(rand(2, 4)))
    assert len(names(net)) == 4, names(net)


@check(SEQ, "order")
def _(m: Any) -> None:
    net = m.MySequential()
    net.add(_dense(5, True))
    net.add(_dense(3))
    assert [s for s in shapes(net).values()] == [(5, 0), (5,), (3, 0), (3,)], shapes(net)
    net.initialize()
    net(A(rand(2, 4)))
    assert [s for s in shapes(net).values()] == [(5, 4), (5,), (3, 5), (3,)], shapes(net)
    assert [n.rsplit(".", 1)[-1] for n in names(net)] == ["weight", "bias", "weight", "bias"], names(net)


@check(SEQ, "forward")
def _(m: Any) -> None:
    net = m.MySequential()
    blocks = [(_dense(6, True), True), (_dense(5, True), True), (_dense(2), False)]
    for b, _ in blocks:
        net.add(b)
    net.initialize()
    X = rand(3, 4)
    y = fwd(net, X)
    close(y, chain(X, [_dense_layer(b, act) for b, act in blocks])[0], "MySequential of three Dense")


@check(SEQ, "repeat")
def _(m: Any) -> None:
    net = m.MySequential()
    a = _dense(4, True, in_units=4)
    net.add(a)
    net.add(a)
    net.initialize()
    X = rand(3, 4)
    y = fwd(net, X)
    layer = _dense_layer(a, True)
    close(y, chain(X, [layer, layer])[0], "the same block added twice must run twice")


@check(SEQ, "empty")
def _(m: Any) -> None:
    net = m.MySequential()
    net.initialize()
    X = rand(2, 3)
    close(fwd(net, X), X, "MySequential() with no block is the identity")


# ---- model_construction/fixed_hidden_mlp -------------------------------------------------
FIXED = "model_construction/fixed_hidden_mlp"


def _fixed_reference(P: dict[str, Any], X: Any) -> Any:
    W, b, R = P["dense.weight"], P["dense.bias"], P["rand_weight"]
    X = relu(X @ W.T + b)
    X = relu(X @ R + 1)
    X = relu(X @ W.T + b).astype("float32")
    while onp().abs(X).sum() > 1:
        X = X / onp().float32(2)
    return X.sum()


@check(FIXED, "names")
def _(m: Any) -> None:
    net = m.FixedHiddenMLP(7)
    assert shapes(net) == {"rand_weight": (7, 7), "dense.weight": (7, 0), "dense.bias": (7,)}, shapes(net)
    assert names(net) == ["rand_weight", "dense.weight", "dense.bias"], names(net)
    reqs = {n: p.grad_req for n, p in structural(net)}
    assert reqs == {"rand_weight": "null", "dense.weight": "write", "dense.bias": "write"}, reqs


@check(FIXED, "constant")
def _(m: Any) -> None:
    net = m.FixedHiddenMLP(40)
    net.initialize()
    R = N(dict(structural(net))["rand_weight"].data())
    assert R.shape == (40, 40), R.shape
    assert R.min() >= 0 and R.max() < 1, (R.min(), R.max())
    assert abs(R.mean() - 0.5) < 0.05 and abs(R.std() - 12 ** -0.5) < 0.03, (R.mean(), R.std())
    assert shapes(m.FixedHiddenMLP())["rand_weight"] == (20, 20)


@check(FIXED, "forward")
def _(m: Any) -> None:
    for features, width in [(7, 7), (20, 20), (3, 3)]:  # dense runs twice: the input width is features
        net = m.FixedHiddenMLP(features)
        net.initialize()
        X = rand(4, width, seed=features)
        y = fwd(net, X)
        assert y.size == 1 and y.shape in ((1,), ()), f"a scalar expected, got shape {y.shape}"
        close(y.reshape(()), _fixed_reference(values(net), X), f"FixedHiddenMLP({features}) on width {width}")


# ---- model_construction/nest_mlp -------------------------------------------------------
NEST = "model_construction/nest_mlp"
NEST_NAMES = ["net.0.weight", "net.0.bias", "net.1.weight", "net.1.bias", "dense.weight", "dense.bias"]


def _nest_layers(P: dict[str, Any], prefix: str = "") -> list[tuple[Any, Any, bool]]:
    return [(P[prefix + "net.0.weight"], P[prefix + "net.0.bias"], True),
            (P[prefix + "net.1.weight"], P[prefix + "net.1.bias"], True),
            (P[prefix + "dense.weight"], P[prefix + "dense.bias"], True)]


@check(NEST, "names")
def _(m: Any) -> None:
    net = m.NestMLP()
    assert names(net) == NEST_NAMES, names(net)
    assert list(shapes(net).values()) == [(64, 0), (64,), (32, 0), (32,), (16, 0), (16,)], shapes(net)


@check(NEST, "forward")
def _(m: Any) -> None:
    for width in (20, 7):
        net = m.NestMLP()
        net.initialize()
        X = rand(3, width, seed=width)
        close(fwd(net, X), chain(X, _nest_layers(values(net)))[0], f"NestMLP on width {width}")


@check(NEST, "gradients")
def _(m: Any) -> None:
    net = m.NestMLP()
    net.initialize()
    X, G = rand(3, 20), rand(3, 16, seed=2)
    backward(net, A(X), G)
    _, grads = chain(X, _nest_layers(values(net)), G)
    params = dict(structural(net))
    for i, (dW, db) in enumerate(grads):
        close(grad_of(params[NEST_NAMES[2 * i]]), dW, f"gradient of {NEST_NAMES[2 * i]}")
        close(grad_of(params[NEST_NAMES[2 * i + 1]]), db, f"gradient of {NEST_NAMES[2 * i + 1]}")


@check(NEST, "chimera")
def _(m: Any) -> None:
    from mxnet.gluon import nn
    net = m.chimera()
    assert isinstance(net, nn.Sequential), type(net)
    assert m.chimera() is not net and m.chimera()[0] is not net[0], "chimera() must build a new network each call"
    assert len(net) == 3, len(net)
    assert [type(b).__name__ for b in net] == ["NestMLP", "Dense", "FixedHiddenMLP"], [type(b).__name__ for b in net]
    assert shapes(net[1]) == {"weight": (20, 0), "bias": (20,)}, shapes(net[1])
    head = nn.Sequential()
    head.add(net[0], net[1])
    head.initialize()
    X = rand(2, 20)
    y = fwd(head, X)
    P = values(head)
    expected = chain(X, _nest_layers(P, "0.") + [(P["1.weight"], P["1.bias"], False)])[0]
    close(y, expected, "chimera's first two children")
    assert [n for n in names(net) if n.startswith(("0.", "1."))] == \
        ["0." + n for n in NEST_NAMES] + ["1.weight", "1.bias"], names(net)


# ---- model_construction/parallel ------------------------------------------------------
PAR = "model_construction/parallel"


@check(PAR, "names")
def _(m: Any) -> None:
    net = m.Parallel(_dense(3), _dense(5))
    assert names(net) == ["net1.weight", "net1.bias", "net2.weight", "net2.bias"], names(net)


@check(PAR, "forward")
def _(m: Any) -> None:
    net = m.Parallel(_dense(3, True), _dense(5))
    net.initialize()
    X = rand(2, 4)
    y = fwd(net, X)
    a, b = chain(X, [_dense_layer(net.net1, True)])[0], chain(X, [_dense_layer(net.net2, False)])[0]
    close(y, onp().concatenate([a, b], axis=1), "Parallel(net1, net2) (axis 1 by default)")


@check(PAR, "axis")
def _(m: Any) -> None:
    for axis in (0, 1, -1):
        net1, net2 = _dense(3), _dense(3, True)
        net = m.Parallel(net1, net2, axis=axis)
        net.initialize()
        X = rand(2, 4, seed=axis + 5)
        y = fwd(net, X)
        a, b = chain(X, [_dense_layer(net1, False)])[0], chain(X, [_dense_layer(net2, True)])[0]
        close(y, onp().concatenate([a, b], axis=axis), f"Parallel(..., axis={axis})")


# ---- model_construction/stack ---------------------------------------------------------
STACK = "model_construction/stack"


def _counting_factory(units: int = 4) -> tuple[Callable[[], Any], list[Any]]:
    made: list[Any] = []

    def make() -> Any:
        block = _dense(units, True, in_units=units)
        made.append(block)
        return block
    return make, made


@check(STACK, "calls")
def _(m: Any) -> None:
    from mxnet.gluon import nn
    for n in (0, 1, 3):
        make, made = _counting_factory()
        net = m.stack(make, n)
        assert isinstance(net, nn.Sequential), type(net)
        assert len(made) == n, f"make_block called {len(made)} times for n={n}"
        assert len(net) == n, f"{len(net)} blocks for n={n}"


@check(STACK, "independent")
def _(m: Any) -> None:
    make, made = _counting_factory()
    net = m.stack(make, 3)
    blocks = [net[i] for i in range(len(net))]
    assert len({id(b) for b in blocks}) == 3, "the same block appears twice"
    assert [b is made[i] for i, b in enumerate(blocks)] == [True] * 3, "blocks not in the order they were made"
    assert len(structural(net)) == 6, names(net)


@check(STACK, "forward")
def _(m: Any) -> None:
    make, _ = _counting_factory()
    net = m.stack(make, 3)
    net.initialize()
    X = rand(2, 4)
    close(fwd(net, X), chain(X, [_dense_layer(net[i], True) for i in range(3)])[0], "stack of three Dense")


# ---- parameters/access -----------------------------------------------------------------
ACCESS = "parameters/access"


def _tied(units: Any = None) -> Any:
    from mxnet.gluon import nn
    kw = (lambda u: {"in_units": u}) if units else (lambda u: {})
    shared = nn.Dense(8, activation="relu", **kw(8))
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu", **kw(4)), shared,
            nn.Dense(8, activation="relu", params=shared.params, **kw(8)), nn.Dense(10, **kw(8)))
    return net


@check(ACCESS, "shapes")
def _(m: Any) -> None:
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu"), nn.Dense(1))
    got = m.param_shapes(net)
    assert got == {"0.weight": (8, 0), "0.bias": (8,), "1.weight": (1, 0), "1.bias": (1,)}, got
    assert all(type(s) is tuple and all(type(d) is int for d in s) for s in got.values()), got
    net.initialize()
    net(A(rand(2, 4)))
    got = m.param_shapes(net)
    assert got == {"0.weight": (8, 4), "0.bias": (8,), "1.weight": (1, 8), "1.bias": (1,)}, got
    assert list(got) == ["0.weight", "0.bias", "1.weight", "1.bias"], list(got)


@check(ACCESS, "structural")
def _(m: Any) -> None:
    from mxnet.gluon import nn

    class Net(nn.Block):
        def __init__(self) -> None:
            super().__init__()
            self.hidden = nn.Sequential()
            self.hidden.add(nn.Dense(3), nn.Dense(2))
            self.output = nn.Dense(1)

    got = m.param_shapes(Net())
    assert list(got) == ["hidden.0.weight", "hidden.0.bias", "hidden.1.weight", "hidden.1.bias",
                         "output.weight", "output.bias"], list(got)


@check(ACCESS, "shared_once")
def _(m: Any) -> None:
    got = m.param_shapes(_tied())
    assert list(got) == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], list(got)


@check(ACCESS, "count")
def _(m: Any) -> None:
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(8, in_units=4), nn.Dense(1, in_units=8))
    got = m.count_params(net)
    assert got == 49 and type(got) is int, repr(got)
    got = m.count_params(_tied(units=True))
    assert got == 40 + 72 + 90, f"shared parameters count once: {got}"


@check(ACCESS, "count_deferred")
def _(m: Any) -> None:
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(8), nn.Dense(1))
    assert m.count_params(net) == 9, m.count_params(net)


@check(ACCESS, "count_trainable")
def _(m: Any) -> None:
    from mxnet.gluon import nn

    class WithConstant(nn.Block):
        def __init__(self) -> None:
            super().__init__()
            self.c = self.params.get_constant("c", A(onp().ones((3, 3))))
            self.dense = nn.Dense(2, in_units=3)

    net = WithConstant()
    assert (m.count_params(net), m.count_params(net, trainable_only=False)) == (8, 17), \
        (m.count_params(net), m.count_params(net, trainable_only=False))
    net.dense.weight.grad_req = "null"
    assert (m.count_params(net), m.count_params(net, False)) == (2, 17), (m.count_params(net), m.count_params(net, False))


# ---- parameters/nested -----------------------------------------------------------------
NESTED = "parameters/nested"


@check(NESTED, "block1")
def _(m: Any) -> None:
    net = m.block1()
    assert shapes(net) == {"0.weight": (32, 0), "0.bias": (32,), "1.weight": (16, 0), "1.bias": (16,)}, shapes(net)
    assert m.block1() is not net
    net.initialize()
    X = rand(2, 5)
    net(A(X))
    P = values(net)
    close(fwd(net, X), chain(X, [(P["0.weight"], P["0.bias"], True), (P["1.weight"], P["1.bias"], True)])[0],
          "block1")


@check(NESTED, "block2")
def _(m: Any) -> None:
    for n in (4, 2):
        net = m.block2(n)
        assert len(net) == n, len(net)
        assert len({id(net[i]) for i in range(n)}) == n, "block2 repeats one block1()"
        assert names(net) == [f"{i}.{j}.{w}" for i in range(n) for j in range(2) for w in ("weight", "bias")], names(net)
    assert len(m.block2()) == 4


@check(NESTED, "rgnet")
def _(m: Any) -> None:
    net = m.rgnet(2)
    expected = [f"0.{i}.{j}.{w}" for i in range(2) for j in range(2) for w in ("weight", "bias")] + ["1.weight", "1.bias"]
    assert names(net) == expected, names(net)
    assert shapes(net)["1.weight"] == (10, 0), shapes(net)
    assert len(names(m.rgnet())) == 18, names(m.rgnet())
    assert m.rgnet() is not m.rgnet()
    net.initialize()
    X = rand(3, 5)
    net(A(X))
    P = values(net)
    layers = [(P[f"0.{i}.{j}.weight"], P[f"0.{i}.{j}.bias"], True) for i in range(2) for j in range(2)]
    close(fwd(net, X), chain(X, layers + [(P["1.weight"], P["1.bias"], False)])[0], "rgnet(2)")


# ---- parameters/init -------------------------------------------------------------------
INIT = "parameters/init"


def _init_net() -> Any:
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(64, activation="relu"), nn.Dense(48))
    return net


def _weights(net: Any) -> Any:
    return onp().concatenate([values(net)["0.weight"].ravel(), values(net)["1.weight"].ravel()])


def _biases_zero(net: Any) -> None:
    P = values(net)
    assert not P["0.bias"].any() and not P["1.bias"].any(), "biases must be 0"


@check(INIT, "normal")
def _(m: Any) -> None:
    net = _init_net()
    assert m.init_normal(net) is None
    net(A(rand(4, 80)))
    w = _weights(net)
    assert abs(w.std() - 0.01) < 0.0008 and abs(w.mean()) < 0.001, (w.mean(), w.std())
    _biases_zero(net)


@check(INIT, "normal_reinit")
def _(m: Any) -> None:
    from mxnet import init
    net = _init_net()
    net.initialize(init.Constant(1.0))
    net(A(rand(4, 80)))
    with quiet():
        m.init_normal(net)
    w = _weights(net)
    assert abs(w.std() - 0.01) < 0.0008 and abs(w.mean()) < 0.001, (w.mean(), w.std())
    _biases_zero(net)


@check(INIT, "constant")
def _(m: Any) -> None:
    net = _init_net()
    m.init_constant(net)
    net(A(rand(4, 80)))
    assert (_weights(net) == 1).all(), "init_constant(net): weights must all be 1.0"
    _biases_zero(net)
    with quiet():
        m.init_constant(net, 3.5)
    assert (_weights(net) == 3.5).all(), "init_constant(net, 3.5): weights must all be 3.5"
    _biases_zero(net)


@check(INIT, "xavier_first")
def _(m: Any) -> None:
    from mxnet import init
    net = _init_net()
    net.initialize(init.Constant(2.0))
    net(A(rand(4, 80)))
    with quiet():
        m.init_xavier_first(net)
    P = values(net)
    bound = math.sqrt(6 / (80 + 64))
    w = P["0.weight"]
    assert onp().abs(w).max() <= bound + 1e-6, f"|w| up to {onp().abs(w).max()}, bound {bound}"
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound, (w.std(), bound / math.sqrt(3))
    assert (P["1.weight"] == 2).all() and (P["0.bias"] == 0).all(), "only net[0].weight may change"


@check(INIT, "xavier_first_deferred")
def _(m: Any) -> None:
    net = _init_net()
    net.initialize()
    m.init_xavier_first(net)
    net(A(rand(4, 90)))
    bound = math.sqrt(6 / (90 + 64))
    w = values(net)["0.weight"]
    assert w.shape == (64, 90) and onp().abs(w).max() <= bound + 1e-6, (w.shape, onp().abs(w).max(), bound)
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound, (w.std(), bound / math.sqrt(3))


@check(INIT, "myinit")
def _(m: Any) -> None:
    from mxnet import init
    assert issubclass(m.MyInit, init.Initializer)
    net = _init_net()
    with contextlib.redirect_stdout(io.StringIO()):
        net.initialize(m.MyInit(), force_reinit=True)
        net(A(rand(4, 80)))
    w = _weights(net)
    nz = w[w != 0]
    assert ((w == 0) | ((onp().abs(w) >= 5) & (onp().abs(w) <= 10))).all(), "entries must be 0 or 5 <= |w| <= 10"
    assert abs(len(nz) / len(w) - 0.5) < 0.05, f"{len(nz) / len(w):.3f} of the entries are kept (1/2 expected)"
    assert abs((nz > 0).mean() - 0.5) < 0.05, f"{(nz > 0).mean():.3f} of the kept entries are positive"
    assert abs(onp().abs(nz).mean() - 7.5) < 0.2, f"mean |w| of kept entries {onp().abs(nz).mean():.3f} (7.5 expected)"
    _biases_zero(net)


# ---- parameters/tying ------------------------------------------------------------------
TYING = "parameters/tying"


def _tying_layers(net: Any) -> list[tuple[Any, Any, bool]]:
    P = values(net)
    shared = (P["1.weight"], P["1.bias"], True)
    return [(P["0.weight"], P["0.bias"], True), shared, shared, (P["3.weight"], P["3.bias"], False)]


@check(TYING, "shared")
def _(m: Any) -> None:
    net = m.tied_net()
    assert len(net) == 4, len(net)
    assert net[1].weight is net[2].weight and net[1].bias is net[2].bias, "net[1] and net[2] must share parameters"
    assert m.tied_net()[1].weight is not net[1].weight, "tied_net() must build a new network each call"


@check(TYING, "names")
def _(m: Any) -> None:
    net = m.tied_net()
    assert names(net) == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], names(net)
    assert list(shapes(net).values()) == [(8, 0), (8,), (8, 0), (8,), (10, 0), (10,)], shapes(net)


@check(TYING, "forward")
def _(m: Any) -> None:
    net = m.tied_net()
    net.initialize()
    X = rand(3, 5)
    net(A(X))
    close(fwd(net, X), chain(X, _tying_layers(net))[0], "tied_net")


@check(TYING, "gradients")
def _(m: Any) -> None:
    net = m.tied_net()
    net.initialize()
    X, G = rand(3, 5), rand(3, 10, seed=3)
    net(A(X))
    backward(net, A(X), G)
    _, grads = chain(X, _tying_layers(net), G)
    params = dict(structural(net))
    close(grad_of(params["1.weight"]), grads[1][0] + grads[2][0], "shared weight: the sum of both uses")
    close(grad_of(params["1.bias"]), grads[1][1] + grads[2][1], "shared bias: the sum of both uses")
    close(grad_of(params["0.weight"]), grads[0][0], "gradient of 0.weight")
    close(grad_of(params["3.weight"]), grads[3][0], "gradient of 3.weight")


# ---- lazy_init/lazy_mlp ----------------------------------------------------------------
LAZY = "lazy_init/lazy_mlp"


def _xavier_ok(w: Any, fan_in: int, fan_out: int, what: str) -> None:
    bound = math.sqrt(6 / (fan_in + fan_out))
    assert onp().abs(w).max() <= bound + 1e-6, f"{what}: |w| up to {onp().abs(w).max()}, Xavier bound {bound}"
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound, f"{what}: std {w.std()}, Xavier {bound / math.sqrt(3)}"


@check(LAZY, "deferred")
def _(m: Any) -> None:
    net = m.lazy_mlp(7, 3)
    assert shapes(net) == {"0.weight": (7, 0), "0.bias": (7,), "1.weight": (3, 0), "1.bias": (3,)}, shapes(net)
    assert shapes(m.lazy_mlp())["0.weight"] == (256, 0) and shapes(m.lazy_mlp())["1.weight"] == (10, 0)


@check(LAZY, "materialize")
def _(m: Any) -> None:
    net = m.lazy_mlp(200, 100)
    out = m.materialize(net, A(rand(2, 300)))
    assert out is net, "materialize must return net itself"
    assert shapes(net) == {"0.weight": (200, 300), "0.bias": (200,), "1.weight": (100, 200), "1.bias": (100,)}, shapes(net)
    P = values(net)
    _xavier_ok(P["0.weight"], 300, 200, "0.weight")
    _xavier_ok(P["1.weight"], 200, 100, "1.weight")
    assert not P["0.bias"].any() and not P["1.bias"].any(), "biases must be 0"


@check(LAZY, "reinit")
def _(m: Any) -> None:
    from mxnet import init
    net = m.lazy_mlp(200, 100)
    net.initialize(init.Constant(1.0))
    net(A(rand(2, 300)))
    with quiet():
        m.materialize(net, A(rand(2, 300)))
    _xavier_ok(values(net)["0.weight"], 300, 200, "an initialized network, materialized: 0.weight")


@check(LAZY, "forward")
def _(m: Any) -> None:
    net = m.materialize(m.lazy_mlp(6, 3), A(rand(2, 5)))
    X = rand(4, 5, seed=4)
    P = values(net)
    close(fwd(net, X), chain(X, [(P["0.weight"], P["0.bias"], True), (P["1.weight"], P["1.bias"], False)])[0],
          "lazy_mlp")


# ---- custom_layers/centered ------------------------------------------------------------
CENTERED = "custom_layers/centered"


@check(CENTERED, "forward")
def _(m: Any) -> None:
    layer = m.CenteredLayer()
    for shape in [(5,), (3, 4), (2, 3, 2, 2)]:
        X = rand(*shape, low=0, high=3)
        close(fwd(layer, X), X - X.mean(), f"CenteredLayer on shape {shape}")


@check(CENTERED, "no_params")
def _(m: Any) -> None:
    assert names(m.CenteredLayer()) == [], names(m.CenteredLayer())


@check(CENTERED, "gradients")
def _(m: Any) -> None:
    X, G = A(rand(3, 4)), rand(3, 4, seed=5)
    X.attach_grad()
    backward(m.CenteredLayer(), X, G)
    close(N(X.grad), G - G.mean(), "gradient with respect to X")


# ---- custom_layers/my_dense ------------------------------------------------------------
MYDENSE = "custom_layers/my_dense"


def _my_dense(m: Any, ctx: Any = None) -> Any:
    net = m.MyDense(units=3, in_units=5)
    net.initialize(ctx=ctx)
    net.weight.set_data(A(rand(5, 3, seed=6)))
    net.bias.set_data(A(rand(3, seed=7)))
    return net


@check(MYDENSE, "names")
def _(m: Any) -> None:
    assert shapes(m.MyDense(units=3, in_units=5)) == {"weight": (5, 3), "bias": (3,)}, shapes(m.MyDense(units=3, in_units=5))
    assert shapes(m.MyDense(3, 5)) == {"weight": (5, 3), "bias": (3,)}, "MyDense(units, in_units), in that order"


@check(MYDENSE, "forward")
def _(m: Any) -> None:
    net = _my_dense(m)
    X = rand(4, 5)
    P = values(net)
    close(fwd(net, X), relu(X @ P["weight"] + P["bias"]), "MyDense")


@check(MYDENSE, "gradients")
def _(m: Any) -> None:
    net = _my_dense(m)
    X, G = rand(4, 5), rand(4, 3, seed=8)
    P = values(net)
    backward(net, A(X), G)
    d = G * ((X @ P["weight"] + P["bias"]) > 0)
    close(grad_of(net.weight), X.T @ d, "gradient of weight")
    close(grad_of(net.bias), d.sum(0), "gradient of bias")


@check(MYDENSE, "context")
def _(m: Any) -> None:
    # Initialized on two contexts, the layer holds a copy of each parameter on each: the copy on
    # X's context must be used, so that the gradient lands there (.data() reads cpu(0)'s copy).
    mx = _mx()
    net = _my_dense(m, ctx=[mx.cpu(0), mx.cpu(1)])
    X, G = rand(4, 5), rand(4, 3, seed=8)
    y = backward(net, A(X, ctx=mx.cpu(1)), G)
    assert y.context == mx.cpu(1), y.context
    P = values(net)
    close(N(y), relu(X @ P["weight"] + P["bias"]), "MyDense on cpu(1)")
    d = G * ((X @ P["weight"] + P["bias"]) > 0)
    close(N(net.weight.grad(mx.cpu(1))), X.T @ d, "gradient of weight on cpu(1)")
    close(N(net.bias.grad(mx.cpu(1))), d.sum(0), "gradient of bias on cpu(1)")


# ---- custom_layers/pooling -------------------------------------------------------------
POOL = "custom_layers/pooling"


@check(POOL, "gap")
def _(m: Any) -> None:
    for shape in [(2, 3, 5, 7), (1, 1, 1, 1), (3, 2, 4, 1)]:
        X = rand(*shape)
        close(fwd(m.GlobalAvgPool2d(), X), X.mean(axis=(2, 3), keepdims=True), f"GlobalAvgPool2d on {shape}")


@check(POOL, "flatten")
def _(m: Any) -> None:
    for shape in [(2, 3), (2, 3, 4), (2, 3, 4, 5), (1, 2, 1, 3, 2)]:
        X = rand(*shape)
        close(fwd(m.FlattenLayer(), X), X.reshape(shape[0], -1), f"FlattenLayer on {shape}")


@check(POOL, "concat")
def _(m: Any) -> None:
    xs = [rand(2, c, 4, 4, seed=c) for c in (3, 5, 1)]
    close(N(m.channel_concat(*[A(x) for x in xs])), onp().concatenate(xs, axis=1), "channel_concat of three")
    ys = [rand(2, 3), rand(2, 4, seed=1)]
    close(N(m.channel_concat(*[A(y) for y in ys])), onp().concatenate(ys, axis=1), "channel_concat of 2-D arrays")


@check(POOL, "no_params")
def _(m: Any) -> None:
    assert names(m.GlobalAvgPool2d()) == [] and names(m.FlattenLayer()) == []


# ---- read_write/tensor_io --------------------------------------------------------------
IO = "read_write/tensor_io"


def _same(a: Any, b: Any, what: str) -> None:
    a, b = N(a), onp().asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape and (a == b).all(), f"{what}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"


@check(IO, "array")
def _(m: Any) -> None:
    x = rand(3, 4)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "x")
        m.save(A(x), path)
        got = m.load(path)
    assert isinstance(got, list) and len(got) == 1, f"one array comes back as [x], got {type(got).__name__}"
    _same(got[0], x, "the array")


@check(IO, "list")
def _(m: Any) -> None:
    xs = [onp().arange(5, dtype="int32"), rand(2, 3).astype("float64"), onp().arange(4, dtype="uint8")]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "xs")
        m.save([A(x, dtype=x.dtype) for x in xs], path)
        got = m.load(path)
    assert isinstance(got, list) and len(got) == 3, type(got)
    for i, (g, x) in enumerate(zip(got, xs)):
        _same(g, x, f"item {i}")


@check(IO, "dict")
def _(m: Any) -> None:
    xs = {"w": rand(2, 2).astype("float16"), "b": onp().arange(3, dtype="int64")}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "d")
        m.save({k: A(v, dtype=v.dtype) for k, v in xs.items()}, path)
        got = m.load(path)
    assert isinstance(got, dict) and set(got) == set(xs), got
    for k in xs:
        _same(got[k], xs[k], k)


@check(IO, "nd_load")
def _(m: Any) -> None:
    mx = _mx()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "f")
        m.save({"a": A(rand(2)), "b": A(rand(3, seed=1))}, path)
        got = mx.nd.load(path)
        m.save([A(rand(2))], path)
        got_list = mx.nd.load(path)
    assert set(got) == {"a", "b"} and len(got_list) == 1, (got, got_list)
    _same(got["b"], rand(3, seed=1), "nd.load of the saved dict")


@check(IO, "pathlib", solutions_only=True)
def _(m: Any) -> None:
    with tempfile.TemporaryDirectory() as d:
        m.save({"a": A(rand(2))}, Path(d) / "p")
        _same(m.load(Path(d) / "p")["a"], rand(2), "through a pathlib.Path")


# ---- read_write/clone ------------------------------------------------------------------
CLONE = "read_write/clone"


def _clone_make() -> Any:
    from mxnet.gluon import nn
    net = nn.Sequential()
    net.add(nn.Dense(5, activation="relu"), nn.Dense(3))
    return net


def _cloned(m: Any, path: Any) -> tuple[Any, Any, list[Any]]:
    net = _clone_make()
    net.initialize()
    net(A(rand(2, 4)))
    made: list[Any] = []

    def make() -> Any:
        made.append(_clone_make())
        return made[-1]
    return net, m.clone(net, make, path), made


@check(CLONE, "outputs")
def _(m: Any) -> None:
    with tempfile.TemporaryDirectory() as d:
        net, twin, _ = _cloned(m, os.path.join(d, "mlp.params"))
    X = rand(3, 4, seed=9)
    assert (fwd(twin, X) == fwd(net, X)).all(), "the clone computes other outputs"


@check(CLONE, "file")
def _(m: Any) -> None:
    mx = _mx()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "mlp.params")
        net, _, _ = _cloned(m, path)
        assert os.path.isfile(path), "no parameter file at path"
        saved = mx.nd.load(path)
    assert sorted(saved) == sorted(names(net)), sorted(saved)


@check(CLONE, "from_make")
def _(m: Any) -> None:
    with tempfile.TemporaryDirectory() as d:
        net, twin, made = _cloned(m, os.path.join(d, "mlp.params"))
    assert twin is not net and len(made) == 1 and twin is made[0], "clone must return the model make() built"


@check(CLONE, "no_shared_storage")
def _(m: Any) -> None:
    with tempfile.TemporaryDirectory() as d:
        net, twin, _ = _cloned(m, os.path.join(d, "mlp.params"))
    X = rand(3, 4, seed=9)
    before = fwd(twin, X)
    for _, p in structural(net):
        p.set_data(p.data() * 0)
    assert (fwd(twin, X) == before).all(), "changing net changed its clone"


@check(CLONE, "pathlib", solutions_only=True)
def _(m: Any) -> None:
    with tempfile.TemporaryDirectory() as d:
        net, twin, _ = _cloned(m, Path(d) / "mlp.params")
    assert (fwd(twin, rand(3, 4)) == fwd(net, rand(3, 4))).all()


# ---- read_write/checkpoint -------------------------------------------------------------
CKPT = "read_write/checkpoint"


def _resume(m: Any, optimizer: str, hyper: dict[str, float]) -> None:
    from mxnet import autograd, gluon
    mx = _mx()
    data = [(A(rand(4, 3, seed=s)), A(rand(4, 3, seed=100 + s))) for s in range(7)]
    loss = gluon.loss.L2Loss()

    def step(net: Any, trainer: Any, X: Any, y: Any) -> None:
        with autograd.record():
            l = loss(net(X), y)
        l.backward()
        trainer.step(X.shape[0])

    with tempfile.TemporaryDirectory() as d:
        mx.random.seed(1)
        straight = _clone_make()
        straight.initialize()
        straight(data[0][0])
        start = os.path.join(d, "start.params")
        straight.save_parameters(start)
        trainer = gluon.Trainer(straight.collect_params(), optimizer, dict(hyper))
        for X, y in data:
            step(straight, trainer, X, y)

        first = _clone_make()
        first.load_parameters(start)
        trainer = gluon.Trainer(first.collect_params(), optimizer, dict(hyper))
        for X, y in data[:3]:
            step(first, trainer, X, y)
        prefix = os.path.join(d, "run", "ckpt")
        os.makedirs(os.path.dirname(prefix))
        m.save_checkpoint(prefix, first, trainer, 3)
        assert any(f.startswith("ckpt") for f in os.listdir(os.path.dirname(prefix))), "no file named after prefix"

        fresh = _clone_make()
        fresh.initialize()  # deferred: no data until load_checkpoint puts it in
        trainer = gluon.Trainer(fresh.collect_params(), optimizer, dict(hyper))
        epoch = m.load_checkpoint(prefix, fresh, trainer)
        assert epoch == 3 and type(epoch) is int, f"load_checkpoint returned {epoch!r}, saved epoch 3"
        for X, y in data[3:]:
            step(fresh, trainer, X, y)
    a, b = values(straight), values(fresh)
    for k in a:
        close(b[k], a[k], f"{optimizer}: {k} after resuming", rtol=1e-6, atol=1e-7)


@check(CKPT, "resume_sgd")
def _(m: Any) -> None:
    _resume(m, "sgd", {"learning_rate": 0.1, "momentum": 0.9})


@check(CKPT, "resume_adam")
def _(m: Any) -> None:
    _resume(m, "adam", {"learning_rate": 0.01})


@check(CKPT, "epoch")
def _(m: Any) -> None:
    from mxnet import gluon
    with tempfile.TemporaryDirectory() as d:
        net = _clone_make()
        net.initialize()
        net(A(rand(2, 4)))
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
        m.save_checkpoint(os.path.join(d, "c"), net, trainer, 17)
        epoch = m.load_checkpoint(os.path.join(d, "c"), net, trainer)
    assert epoch == 17 and type(epoch) is int, repr(epoch)


# ---- devices/select --------------------------------------------------------------------
SELECT = "devices/select"


@contextlib.contextmanager
def gpus(count: int, module: Any) -> Any:
    """Pretend there are ``count`` GPUs: every public route to the count, and names imported from them."""
    mx = _mx()
    routes = [(mx.context, "num_gpus"), (mx.npx, "num_gpus"), (mx.util, "get_gpu_count")]
    originals = {id(getattr(mod, name)) for mod, name in routes}
    patched = [(mod, name, getattr(mod, name)) for mod, name in routes]
    patched += [(module, k, v) for k, v in vars(module).items() if callable(v) and id(v) in originals]
    try:
        for mod, name, _ in patched:
            setattr(mod, name, lambda: count)
        yield
    finally:
        for mod, name, original in patched:
            setattr(mod, name, original)


@check(SELECT, "no_gpu")
def _(m: Any) -> None:
    mx = _mx()
    with gpus(0, m):
        got = (m.try_gpu(), m.try_gpu(3), m.try_all_gpus())
    assert got == (mx.cpu(), mx.cpu(), [mx.cpu()]), got
    assert all(isinstance(c, mx.Context) for c in got[:2] + tuple(got[2])), got


@check(SELECT, "two_gpus")
def _(m: Any) -> None:
    mx = _mx()
    with gpus(2, m):
        got = (m.try_gpu(), m.try_gpu(1), m.try_gpu(2), m.try_all_gpus())
    assert got == (mx.gpu(0), mx.gpu(1), mx.cpu(), [mx.gpu(0), mx.gpu(1)]), got
    assert all(isinstance(c, mx.Context) for c in got[:3] + tuple(got[3])), got


# ---- devices/placement -----------------------------------------------------------------
PLACE = "devices/placement"
Point = collections.namedtuple("Point", "x y")


@contextlib.contextmanager
def arange_spy() -> Any:
    """Record every array ``nd.arange`` / ``np.arange`` makes."""
    mx = _mx()
    seen: list[Any] = []
    originals = [(mod, mod.arange) for mod in (mx.nd, mx.np)]

    def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
        def arange(*args: Any, **kwargs: Any) -> Any:
            out = original(*args, **kwargs)
            seen.append(out)
            return out
        return arange
    try:
        for mod, original in originals:
            mod.arange = wrap(original)
        yield seen
    finally:
        for mod, original in originals:
            mod.arange = original


@check(PLACE, "to_device")
def _(m: Any) -> None:
    mx = _mx()
    a, b, c, d, e = (A(rand(2, seed=s)) for s in range(5))
    batch = {"x": a, "pair": (b, 3), "list": [c, "a", None], "point": Point(d, "y"),
             "ordered": collections.OrderedDict(e=e)}
    out = m.to_device(batch, mx.cpu(1))
    assert type(out) is dict and list(out) == list(batch), type(out)
    assert type(out["pair"]) is tuple and type(out["list"]) is list and type(out["point"]) is Point \
        and type(out["ordered"]) is collections.OrderedDict, {k: type(v).__name__ for k, v in out.items()}
    moved = [out["x"], out["pair"][0], out["list"][0], out["point"].x, out["ordered"]["e"]]
    assert [x.context for x in moved] == [mx.cpu(1)] * 5, [x.context for x in moved]
    assert [N(x).tolist() for x in moved] == [N(x).tolist() for x in (a, b, c, d, e)]
    assert out["pair"][1] == 3 and out["list"][1:] == ["a", None] and out["point"].y == "y"
    assert a.context == mx.cpu(0) and batch["pair"][0] is b, "the input was changed"
    assert m.to_device("text", mx.cpu(1)) == "text" and m.to_device(a, mx.cpu(1)).context == mx.cpu(1)


@check(PLACE, "defaultdict", solutions_only=True)
def _(m: Any) -> None:
    mx = _mx()
    dd = collections.defaultdict(list, {"x": A(rand(2))})
    out = m.to_device(dd, mx.cpu(1))
    assert type(out) is collections.defaultdict and out.default_factory is list and out["x"].context == mx.cpu(1)


@check(PLACE, "positions")
def _(m: Any) -> None:
    layer = m.AddPositions()
    assert names(layer) == []
    for shape in [(2, 3), (4,), (2, 3, 5)]:
        X = rand(*shape)
        close(fwd(layer, X), X + onp().arange(shape[-1]), f"AddPositions on {shape}")


@check(PLACE, "dtype")
def _(m: Any) -> None:
    for dtype in ("float64", "float16", "int32"):
        X = (rand(2, 4) * 10).astype(dtype)
        with arange_spy() as seen:
            y = m.AddPositions()(A(X, dtype=dtype))
        assert N(y).dtype == onp().dtype(dtype), f"{dtype} in, {N(y).dtype} out"
        assert seen and all(N(s).dtype == onp().dtype(dtype) for s in seen), \
            f"positions made as {[N(s).dtype for s in seen]} for a {dtype} input"
        close(N(y).astype("float64"), (X + onp().arange(4)).astype(dtype).astype("float64"), f"AddPositions on {dtype}")


@check(PLACE, "context")
def _(m: Any) -> None:
    mx = _mx()
    X = rand(2, 3)
    with mx.Context("cpu", 2), arange_spy() as seen:  # positions made on the default context would land on cpu(2)
        y = m.AddPositions()(A(X, ctx=mx.cpu(1)))
    assert seen, "no positions made with arange were seen"
    assert [s.context for s in seen] == [mx.cpu(1)] * len(seen), f"positions made on {[s.context for s in seen]}"
    assert y.context == mx.cpu(1), y.context
    close(N(y), X + onp().arange(3), "AddPositions on cpu(1)")


# --------------------------------------------------------------------------------------
# Mutants: realistic student mistakes, as (old, new) edits of a reference solution, and
# the checks each one fails.
# --------------------------------------------------------------------------------------

Mutant = tuple[str, list[tuple[str, str]], set[str]]
MUTANTS: dict[str, list[Mutant]] = {
    MLP: [
        ("no_relu", [("self.hidden = nn.Dense(hidden, activation='relu')", "self.hidden = nn.Dense(hidden)")],
         {"forward", "gradients"}),
        ("attribute_out", [("self.output = nn.Dense(out_features)", "self.out = nn.Dense(out_features)"),
                           ("return self.output(self.hidden(X))", "return self.out(self.hidden(X))")],
         {"names", "defaults", "forward", "gradients"}),
        ("fixed_in_units", [("nn.Dense(hidden, activation='relu')", "nn.Dense(hidden, activation='relu', in_units=20)")],
         {"names", "forward", "gradients"}),
        ("relu_on_output", [("self.output = nn.Dense(out_features)", "self.output = nn.Dense(out_features, activation='relu')")],
         {"forward", "gradients"}),
        ("hidden_default_128", [("hidden: int = 256", "hidden: int = 128")], {"defaults"}),
    ],
    SEQ: [
        ("plain_list", [("super().__init__(**kwargs)", "super().__init__(**kwargs)\n        self.blocks = []"),
                        ("self.register_child(block)", "self.blocks.append(block)"),
                        ("for block in self._children.values():", "for block in self.blocks:")],
         {"registered", "order", "forward", "repeat"}),
        ("children_by_name", [("self.register_child(block)", "self._children[block.name] = block")], {"repeat"}),
        ("reversed", [("for block in self._children.values():",
                       "for block in reversed(list(self._children.values())):")], {"order", "forward"}),
        ("returns_after_first", [("X = block(X)", "return block(X)")], {"forward", "order", "repeat"}),
    ],
    FIXED: [
        ("trainable_rand_weight", [("self.params.get_constant(\n            'rand_weight', nd.random.uniform(shape=(features, features)))",
                                    "self.params.get('rand_weight', shape=(features, features))")],
         {"names", "constant"}),
        ("plain_array", [("self.rand_weight = self.params.get_constant(\n            'rand_weight', nd.random.uniform(shape=(features, features)))",
                          "self.rand_weight = nd.random.uniform(shape=(features, features))"),
                         ("self.rand_weight.data(X.context)", "self.rand_weight")],
         {"names", "constant", "forward"}),
        ("second_dense", [("self.dense = nn.Dense(features, activation='relu')",
                           "self.dense = nn.Dense(features, activation='relu')\n        self.dense2 = nn.Dense(features, activation='relu')"),
                          ("shared between both uses.\n        X = self.dense(X)", "shared between both uses.\n        X = self.dense2(X)")],
         {"names", "forward"}),
        ("threshold_2", [("while X.abs().sum() > 1:", "while X.abs().sum() > 2:")], {"forward"}),
        ("no_plus_one", [("nd.dot(X, self.rand_weight.data(X.context)) + 1)", "nd.dot(X, self.rand_weight.data(X.context)))")],
         {"forward"}),
        ("normal_constant", [("nd.random.uniform(shape=(features, features))", "nd.random.normal(shape=(features, features))")],
         {"constant"}),
    ],
    NEST: [
        ("inner_no_relu", [("nn.Dense(32, activation='relu'))", "nn.Dense(32))")], {"forward", "gradients", "chimera"}),
        ("dense_no_relu", [("self.dense = nn.Dense(16, activation='relu')", "self.dense = nn.Dense(16)")],
         {"forward", "gradients", "chimera"}),
        ("attribute_linear", [("self.dense = nn.Dense(16, activation='relu')", "self.linear = nn.Dense(16, activation='relu')"),
                              ("return self.dense(self.net(X))", "return self.linear(self.net(X))")],
         {"names", "forward", "gradients", "chimera"}),
        ("chimera_order", [("net.add(NestMLP(), nn.Dense(20), FixedHiddenMLP())", "net.add(nn.Dense(20), NestMLP(), FixedHiddenMLP())")],
         {"chimera"}),
        ("chimera_dense_10", [("nn.Dense(20), FixedHiddenMLP()", "nn.Dense(10), FixedHiddenMLP()")], {"chimera"}),
        ("first_64_is_32", [("nn.Dense(64, activation='relu'),", "nn.Dense(32, activation='relu'),")], {"names"}),
    ],
    PAR: [
        ("axis_ignored", [("dim=self.axis", "dim=1")], {"axis"}),
        ("net1_twice", [("nd.concat(self.net1(X), self.net2(X)", "nd.concat(self.net1(X), self.net1(X)")], {"forward", "axis"}),
        ("plain_list", [("self.net1 = net1\n        self.net2 = net2", "self.nets = [net1, net2]"),
                        ("nd.concat(self.net1(X), self.net2(X), dim=self.axis)", "nd.concat(*[net(X) for net in self.nets], dim=self.axis)")],
         {"names", "forward", "axis"}),
        ("default_axis_0", [("axis: int = 1", "axis: int = 0")], {"forward"}),
        ("renamed_children", [("self.net1 = net1\n        self.net2 = net2", "self.first = net1\n        self.second = net2"),
                              ("nd.concat(self.net1(X), self.net2(X)", "nd.concat(self.first(X), self.second(X)")],
         {"names", "forward"}),
    ],
    STACK: [
        ("one_instance", [("for _ in range(n):\n        net.add(make_block())", "block = make_block()\n    for _ in range(n):\n        net.add(block)")],
         {"calls", "independent"}),
        ("off_by_one", [("range(n)", "range(n - 1)")], {"calls", "independent", "forward"}),
        ("returns_list", [("    return net\n", "    return list(net)\n")], {"calls", "independent", "forward"}),
    ],
    ACCESS: [
        ("global_names", [("for name, param in net._collect_params_with_prefix().items():",
                           "for name, param in net.collect_params().items():")],
         {"shapes", "structural", "shared_once"}),
        ("no_dedupe", [("if id(param) not in seen:", "if True:")], {"shared_once", "count"}),
        ("shape_lists", [("return tuple(max(int(d), 0) for d in (param.shape or ()))",
                          "return [max(int(d), 0) for d in (param.shape or ())]")], {"shapes"}),
        ("trainable_ignored", [("if param.grad_req != 'null' or not trainable_only", "if True")], {"count_trainable"}),
        ("trainable_inverted", [("param.grad_req != 'null' or not trainable_only", "param.grad_req == 'null' or not trainable_only")],
         {"count", "count_deferred", "count_trainable"}),
        ("data_size", [("math.prod(_shape(param))", "param.data().size")], {"count", "count_deferred", "count_trainable"}),
    ],
    NESTED: [
        ("block1_last_no_relu", [("nn.Dense(16, activation='relu'))", "nn.Dense(16))")], {"block1", "rgnet"}),
        ("block2_one_instance", [("for _ in range(n):\n        net.add(block1())", "block = block1()\n    for _ in range(n):\n        net.add(block)")],
         {"block2", "rgnet"}),
        ("rgnet_ignores_n", [("net.add(block2(n), nn.Dense(10))", "net.add(block2(), nn.Dense(10))")], {"rgnet"}),
        ("rgnet_flat", [("net.add(block2(n), nn.Dense(10))", "net.add(*block2(n), nn.Dense(10))")], {"rgnet"}),
        ("rgnet_dense_1", [("nn.Dense(10))", "nn.Dense(1))")], {"rgnet"}),
    ],
    INIT: [
        ("normal_no_force", [("net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)",
                              "net.initialize(init=init.Normal(sigma=0.01))")], {"normal_reinit"}),
        ("normal_sigma_0.1", [("sigma=0.01)", "sigma=0.1)")], {"normal", "normal_reinit"}),
        ("constant_ignores_value", [("init.Constant(value)", "init.Constant(1.0)")], {"constant"}),
        ("xavier_whole_net", [("net[0].weight.initialize(init=init.Xavier(), force_reinit=True)",
                               "net.initialize(init=init.Xavier(), force_reinit=True)")], {"xavier_first"}),
        ("myinit_drops_negatives", [("data *= data.abs() >= 5", "data *= data >= 5")], {"myinit"}),
        ("myinit_range_0_10", [("low=-10, high=10", "low=0, high=10")], {"myinit"}),
    ],
    TYING: [
        ("copy_not_shared", [("nn.Dense(8, activation='relu', params=shared.params)", "nn.Dense(8, activation='relu')")],
         {"shared", "names", "forward", "gradients"}),
        ("tied_copy_no_relu", [("nn.Dense(8, activation='relu', params=shared.params)", "nn.Dense(8, params=shared.params)")],
         {"forward", "gradients"}),
        ("last_dense_8", [("nn.Dense(10))", "nn.Dense(8))")], {"names", "gradients"}),
        ("shared_no_relu", [("shared = nn.Dense(8, activation='relu')", "shared = nn.Dense(8)")], {"forward", "gradients"}),
    ],
    LAZY: [
        ("in_units_given", [("nn.Dense(hidden, activation='relu')", "nn.Dense(hidden, activation='relu', in_units=20)")],
         {"deferred", "materialize", "reinit", "forward"}),
        ("no_force_reinit", [("net.initialize(init=init.Xavier(), force_reinit=True)", "net.initialize(init=init.Xavier())")],
         {"reinit"}),
        ("default_init", [("net.initialize(init=init.Xavier(), force_reinit=True)", "net.initialize(force_reinit=True)")],
         {"materialize", "reinit"}),
        ("no_forward", [("    net(example)\n", "")], {"materialize", "forward"}),
        ("returns_none", [("    net(example)\n    return net", "    net(example)")], {"materialize", "forward"}),
        ("no_relu", [("nn.Dense(hidden, activation='relu')", "nn.Dense(hidden)")], {"forward"}),
    ],
    CENTERED: [
        ("row_mean", [("return X - X.mean()", "return X - X.mean(axis=1, keepdims=True)")], {"forward", "gradients"}),
        ("column_mean", [("return X - X.mean()", "return X - X.mean(axis=0)")], {"forward", "gradients"}),
        ("asscalar_mean", [("return X - X.mean()", "return X - X.mean().asscalar()")], {"gradients"}),
        ("sum_over_batch", [("return X - X.mean()", "return X - X.sum() / X.shape[0]")], {"forward", "gradients"}),
        ("scale_parameter", [("super().__init__(**kwargs)", "super().__init__(**kwargs)\n        self.scale = self.params.get('scale', shape=(1,))")],
         {"no_params"}),
    ],
    MYDENSE: [
        ("transposed_weight", [("shape=(in_units, units)", "shape=(units, in_units)")], {"names", "forward", "gradients", "context"}),
        ("no_relu", [("return nd.relu(linear)", "return linear")], {"forward", "gradients", "context"}),
        ("default_context", [("self.weight.data(X.context)", "self.weight.data()")], {"context"}),
        ("no_bias", [(" + self.bias.data(X.context)", "")], {"forward", "gradients", "context"}),
        ("attribute_W", [("self.weight = self.params.get(", "self.W = self.params.get("),
                         ("self.weight.data(X.context)", "self.W.data(X.context)")],
         {"names", "forward", "gradients", "context"}),
        ("arguments_swapped", [("def __init__(self, units: int, in_units: int", "def __init__(self, in_units: int, units: int")],
         {"names"}),
    ],
    POOL: [
        ("gap_drops_axes", [("keepdims=True", "keepdims=False")], {"gap"}),
        ("gap_wrong_axes", [("axis=(2, 3)", "axis=(1, 2)")], {"gap"}),
        ("gap_max", [("X.mean(axis=(2, 3), keepdims=True)", "X.max(axis=(2, 3), keepdims=True)")], {"gap"}),
        ("flatten_last_axis", [("X.reshape((X.shape[0], -1))", "X.reshape((-1, X.shape[-1]))")], {"flatten"}),
        ("concat_axis_0", [("nd.concat(*xs, dim=1)", "nd.concat(*xs, dim=0)")], {"concat"}),
    ],
    IO: [
        ("first_item", [("return nd.load(os.fspath(path))", "return nd.load(os.fspath(path))[0]")],
         {"array", "list", "dict", "pathlib"}),
        ("unwraps_single", [("    return nd.load(os.fspath(path))", "    loaded = nd.load(os.fspath(path))\n    return loaded[0] if len(loaded) == 1 else loaded")],
         {"array", "pathlib"}),
        ("pickle", [("from mxnet import nd\n", "import pickle\n\nfrom mxnet import nd\n"),
                    ("    nd.save(os.fspath(path), obj)", "    with open(path, 'wb') as f:\n        pickle.dump(obj, f)"),
                    ("    return nd.load(os.fspath(path))", "    with open(path, 'rb') as f:\n        return pickle.load(f)")],
         {"array", "nd_load"}),
        ("dict_as_list", [("nd.save(os.fspath(path), obj)", "nd.save(os.fspath(path), list(obj.values()) if isinstance(obj, dict) else obj)")],
         {"dict", "nd_load", "pathlib"}),
    ],
    CLONE: [
        ("returns_net", [("    return model", "    return net")], {"from_make", "no_shared_storage"}),
        ("fresh_init", [("    model.load_parameters(path)", "    model.initialize()")], {"outputs", "pathlib"}),
        ("other_file", [("    net.save_parameters(path)\n", "    net.save_parameters(path + '.tmp')\n"),
                        ("model.load_parameters(path)", "model.load_parameters(path + '.tmp')")], {"file"}),
        ("deepcopy", [("import os\n", "import copy\nimport os\n"),
                      ("model = make()\n    model.load_parameters(path)", "model = copy.deepcopy(net)")], {"from_make"}),
    ],
    CKPT: [
        ("no_trainer_state", [("    trainer.save_states(prefix + '.states')\n", ""),
                              ("    trainer.load_states(prefix + '.states')\n", "")], {"resume_sgd", "resume_adam"}),
        ("states_first", [("    net.load_parameters(prefix + '.params')\n    trainer.load_states(prefix + '.states')\n",
                           "    trainer.load_states(prefix + '.states')\n    net.load_parameters(prefix + '.params')\n")],
         {"resume_sgd", "resume_adam"}),
        ("epoch_as_text", [("return int(f.read())", "return f.read()")], {"resume_sgd", "resume_adam", "epoch"}),
        ("epoch_plus_one", [("f.write(str(int(epoch)))", "f.write(str(int(epoch) + 1))")], {"resume_sgd", "resume_adam", "epoch"}),
    ],
    SELECT: [
        ("off_by_one", [("mx.context.num_gpus() >= i + 1", "mx.context.num_gpus() >= i")], {"no_gpu", "two_gpus"}),
        ("always_gpu0", [("return mx.gpu(i)", "return mx.gpu()")], {"two_gpus"}),
        ("empty_list", [("return devices if devices else [mx.cpu()]", "return devices")], {"no_gpu"}),
        ("probe_allocation", [("    if mx.context.num_gpus() >= i + 1:\n        return mx.gpu(i)\n    return mx.cpu()",
                               "    try:\n        ctx = mx.gpu(i)\n        mx.nd.zeros((1,), ctx=ctx)\n    except mx.base.MXNetError:\n"
                               "        ctx = mx.cpu()\n    return ctx")], {"two_gpus"}),
        ("string_device", [("return mx.gpu(i)", "return f'gpu({i})'")], {"two_gpus"}),
    ],
    PLACE: [
        ("default_context", [("ctx=X.context, ", "")], {"context"}),
        ("default_dtype", [(", dtype=X.dtype", "")], {"dtype"}),
        ("tuple_to_list", [("        return type(batch)(items)\n    if isinstance(batch, list):",
                            "        return items\n    if isinstance(batch, list):")], {"to_device"}),
        ("namedtuple_one_argument", [("return type(batch)(*items)", "return type(batch)(items)")], {"to_device"}),
        ("dict_not_recursed", [("items = [(k, to_device(v, ctx)) for k, v in batch.items()]", "items = list(batch.items())")],
         {"to_device", "defaultdict"}),
    ],
}

# --------------------------------------------------------------------------------------
# Running the checks
# --------------------------------------------------------------------------------------


def purge() -> None:
    """Forget every imported topic module, so that the next import reads the files again."""
    for name in list(sys.modules):
        if name.split(".")[0] in TOPICS:
            del sys.modules[name]
    importlib.invalidate_caches()


def use_root(root: Path) -> None:
    purge()
    while str(root) in sys.path:
        sys.path.remove(str(root))
    sys.path.insert(0, str(root))


def import_exercise(eid: str) -> Any:
    with contextlib.redirect_stdout(io.StringIO()), quiet():
        return importlib.import_module(eid.replace("/", "."))


def run_checks(eid: str, module: Any, solutions: bool) -> dict[str, str | None]:
    """Every check of ``eid`` on ``module``: check name -> None (passed) or what went wrong."""
    mx = _mx()
    results: dict[str, str | None] = {}
    for name, fn in CHECKS[eid].items():
        if (eid, name) in SOLUTIONS_ONLY and not solutions:
            continue
        mx.random.seed(0)
        onp().random.seed(0)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                fn(module)
            results[name] = None
        except Exception as exc:  # noqa: BLE001 - any failure is a finding
            results[name] = f"{type(exc).__name__}: {exc}".strip()[:300]
    return results


def report(title: str, failures: list[str]) -> int:
    print(f"{title}: {'ok' if not failures else f'{len(failures)} problem(s)'}")
    for f in failures:
        print("   ", f)
    return 1 if failures else 0


def part_solutions() -> int:
    use_root(SOLUTIONS)
    failures = []
    total = 0
    for eid in EXERCISE_IDS:
        try:
            module = import_exercise(eid)
        except Exception:  # noqa: BLE001
            failures.append(f"{eid}: import failed\n{traceback.format_exc()}")
            continue
        for name, error in run_checks(eid, module, solutions=True).items():
            total += 1
            if error:
                failures.append(f"{eid} [{name}]: {error}")
        with contextlib.redirect_stdout(io.StringIO()) as out, quiet():
            result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        if result.failed or not result.attempted:
            failures.append(f"{eid}: {result.failed} of {result.attempted} docstring examples failed\n{out.getvalue()}")
        failures += [f"{eid}: {p}" for p in style_problems(SOLUTIONS / f"{eid}.py", stub=False)]
    print(f"solutions: {total} checks on {len(EXERCISE_IDS)} exercises")
    return report("solutions", failures)


# ---- what the source of a solution or a stub must look like -------------------------------

def public_api(tree: ast.Module) -> dict[str, str]:
    """Public top-level functions, classes and methods: qualified name -> signature (or bases) text."""
    api: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            api[node.name] = ast.unparse(node.args) + " -> " + (ast.unparse(node.returns) if node.returns else "")
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            api[node.name] = "class(" + ", ".join(ast.unparse(b) for b in node.bases) + ")"
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    api[f"{node.name}.{item.name}"] = ast.unparse(item.args) + " -> " + \
                        (ast.unparse(item.returns) if item.returns else "")
    return api


def style_problems(path: Path, stub: bool) -> list[str]:
    tree = ast.parse(path.read_text())
    problems = []
    if not ast.get_docstring(tree):
        problems.append("no module docstring")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            doc = ast.get_docstring(node) or ""
            if isinstance(node, ast.ClassDef) or node in tree.body:
                if ">>>" not in doc:
                    problems.append(f"{node.name}: no docstring example")
        if isinstance(node, ast.FunctionDef):
            args = node.args
            every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
            missing = [a.arg for a in every if a.annotation is None and a.arg not in ("self", "cls")]
            if missing:
                problems.append(f"{node.name}: arguments without a type hint: {missing}")
            if node.returns is None and node.name != "__init__":
                problems.append(f"{node.name}: no return type hint")
    if stub:
        for node in tree.body:
            allowed = isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)) or (
                isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp))  # a type alias
            if not allowed:
                problems.append(f"line {node.lineno}: module-level work in a stub: {ast.unparse(node)[:60]}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        problems += _raises_first(item, f"{node.name}.{item.name}")
            elif isinstance(node, ast.FunctionDef) and node in tree.body:
                problems += _raises_first(node, node.name)
    return problems


def _raises_first(fn: ast.FunctionDef, qualname: str) -> list[str]:
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    first = body[0] if body else None
    if not (isinstance(first, ast.Raise) and isinstance(first.exc, ast.Call)
            and ast.unparse(first.exc.func) == "NotImplementedError"):
        return [f"{qualname}: the body must start with raise NotImplementedError(...)"]
    message = first.exc.args[0].value if first.exc.args and isinstance(first.exc.args[0], ast.Constant) else ""
    if not str(message).startswith(qualname + ":"):
        return [f"{qualname}: the NotImplementedError message should start with '{qualname}: ', got {message!r}"]
    return []


def part_stubs() -> int:
    use_root(EXERCISES)
    failures = []
    for eid in EXERCISE_IDS:
        stub_path, sol_path = EXERCISES / f"{eid}.py", SOLUTIONS / f"{eid}.py"
        stub_api, sol_api = public_api(ast.parse(stub_path.read_text())), public_api(ast.parse(sol_path.read_text()))
        if stub_api != sol_api:
            diff = {k: (stub_api.get(k), sol_api.get(k)) for k in set(stub_api) | set(sol_api) if stub_api.get(k) != sol_api.get(k)}
            failures.append(f"{eid}: stub and solution differ in public names or signatures: {diff}")
        failures += [f"{eid}: {p}" for p in style_problems(stub_path, stub=True)]
        if f"grade exercise {eid}" not in (ast.get_docstring(ast.parse(stub_path.read_text())) or ""):
            failures.append(f"{eid}: the module docstring does not say `grade exercise {eid}`")
        try:
            module = import_exercise(eid)
        except Exception:  # noqa: BLE001
            failures.append(f"{eid}: the stub does not import\n{traceback.format_exc()}")
            continue
        for qualname in stub_api:
            failures += _stub_raises(module, qualname)
        results = run_checks(eid, module, solutions=False)
        passed = [name for name, error in results.items() if error is None]
        if passed:
            failures.append(f"{eid}: the stub passes {passed}")
    return report("stubs", failures)


def _stub_raises(module: Any, qualname: str) -> list[str]:
    import inspect
    parts = qualname.split(".")
    obj = getattr(module, parts[0])
    if len(parts) == 1 and inspect.isclass(obj):
        return []  # its methods are called one by one below (__init__ included)
    if len(parts) == 2:
        fn, dummy = getattr(obj, parts[1]), object.__new__(obj)
        params = list(inspect.signature(fn).parameters.values())[1:]
        call = lambda: fn(dummy, *[None for p in params if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty])  # noqa: E731
    else:
        params = list(inspect.signature(obj).parameters.values())
        call = lambda: obj(*[None for p in params if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty])  # noqa: E731
    try:
        call()
    except NotImplementedError:
        return []
    except Exception as exc:  # noqa: BLE001
        return [f"{qualname}: raised {type(exc).__name__} instead of NotImplementedError"]
    return [f"{qualname}: returned instead of raising NotImplementedError"]


def _readme_rows() -> dict[str, str]:
    rows = {}
    for line in (BOOK / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`?((?:nd|np)/\w+/\w+\.py)`?", cells[0]) if len(cells) >= 3 else None
        if match:
            rows[match.group(1)] = cells[-1]
    return rows


def part_book(flavor: str) -> int:
    root = BOOK / flavor
    use_root(root)
    failures = []
    rows = _readme_rows()
    for eid in EXERCISE_IDS:
        expected = BOOK_LOSSES[flavor].get(eid, set())
        row = rows.get(f"{flavor}/{eid}.py")
        if row is None:
            failures.append(f"{flavor}/{eid}.py: no row in the README")
        elif not expected and not row.lower().startswith("nothing"):
            failures.append(f"{flavor}/{eid}.py: the README row should say it loses nothing: {row!r}")
        elif any(f"`{c}`" not in row for c in expected):
            failures.append(f"{flavor}/{eid}.py: the README row does not name the lost checks {sorted(expected)}")
        try:
            module = import_exercise(eid)
        except Exception:  # noqa: BLE001
            failures.append(f"{flavor}/{eid}: import failed\n{traceback.format_exc()}")
            continue
        if flavor == "np" and not is_np():
            failures.append(f"{flavor}/{eid}: NumPy mode is off after the import")
        results = run_checks(eid, module, solutions=False)
        lost = {name for name, error in results.items() if error}
        if lost != expected:
            details = "; ".join(f"[{name}] {results[name]}" for name in sorted(lost - expected))
            failures.append(f"{flavor}/{eid}: loses {sorted(lost)}, expected {sorted(expected)} {details}")
    return report(f"book style ({flavor})", failures)


def part_mutants() -> int:
    failures = []
    sys.dont_write_bytecode = True
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "submission"
        shutil.copytree(SOLUTIONS, root, ignore=shutil.ignore_patterns("__pycache__"))
        use_root(root)
        count = 0
        for eid, mutants in MUTANTS.items():
            original = (SOLUTIONS / f"{eid}.py").read_text()
            for slug, edits, breaks in mutants:
                count += 1
                text = original
                bad = [old for old, _ in edits if original.count(old) != 1]
                if bad:
                    failures.append(f"{eid}/{slug}: edits whose old text is not found exactly once: {bad}")
                    continue
                for old, new in edits:
                    text = text.replace(old, new)
                (root / f"{eid}.py").write_text(text)
                purge()
                try:
                    module = import_exercise(eid)
                    results = run_checks(eid, module, solutions=True)
                except Exception as exc:  # noqa: BLE001
                    results = {name: f"import: {exc}" for name in CHECKS[eid]}
                finally:
                    (root / f"{eid}.py").write_text(original)
                lost = {name for name, error in results.items() if error}
                if lost != breaks:
                    failures.append(f"{eid}/{slug}: fails {sorted(lost)}, declared {sorted(breaks)}")
        print(f"mutants: {count} declared")
    return report("mutants", failures)


def list_mutants() -> None:
    for eid, mutants in MUTANTS.items():
        for slug, edits, breaks in mutants:
            print(f"{eid} {slug}: breaks {', '.join(sorted(breaks))}")
            for old, new in edits:
                print(f"    {old!r} -> {new!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, help="run one part in this process")
    parser.add_argument("--list-mutants", action="store_true", help="print the declared mutants")
    args = parser.parse_args()
    if args.list_mutants:
        list_mutants()
        return 0
    if args.part:
        wrong = {k: os.environ.get(k) for k, v in REQUIRED_ENV.items() if os.environ.get(k) != v}
        if wrong:
            print(f"run with {REQUIRED_ENV} (got {wrong})", file=sys.stderr)
            return 2
        with quiet():
            return {"solutions": part_solutions, "stubs": part_stubs, "nd": lambda: part_book("nd"),
                    "np": lambda: part_book("np"), "mutants": part_mutants}[args.part]()
    env = {**os.environ, **REQUIRED_ENV}
    env.pop("PYTHONPATH", None)
    status = 0
    for part in PARTS:
        done = subprocess.run([sys.executable, __file__, "--part", part], env=env, cwd=tempfile.gettempdir())
        status |= done.returncode
    print("all parts passed" if status == 0 else "some parts failed")
    return status


if __name__ == "__main__":
    sys.exit(main())
