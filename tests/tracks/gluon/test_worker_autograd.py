"""The Gluon worker's recorded operations on a confined worker, in both array APIs: ``backward`` of a
tied net (the shared gradient is the sum of both uses, against a NumPy computation; no gradient leaks
from one request to the next; ``grad_req='null'`` reads None), and ``train`` with a ``gluon.Trainer``
built from specs (the loss decreases)."""
from __future__ import annotations

import numpy
import pytest

from tests.tracks.gluon.worker_helpers import call, gluon, handle, method, submission, worker_on

NETS = '''
import numpy
from mxnet.gluon import nn


def tied_net():
    shared = nn.Dense(8, activation='relu')
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu'), shared, nn.Dense(8, activation='relu', params=shared.params), nn.Dense(10))
    return net


class WithConstant(nn.Block):
    def __init__(self):
        super().__init__()
        self.rand_weight = self.params.get_constant('rand_weight', 2 * numpy.ones((3, 3), dtype='float32'))
        self.dense = nn.Dense(3, in_units=3)

    def forward(self, X):
        return self.dense(X) * self.rand_weight.data(X.ctx)[0]


class Centered(nn.Block):
    def forward(self, X):
        return X - X.mean()


def linear():
    return nn.Dense(1, in_units=3)
'''
NP_NETS = "from mxnet import npx\nnpx.set_np()\n" + NETS
MODULE = "parameters.nets"
API = pytest.mark.parametrize("source", [NETS, NP_NETS], ids=["nd", "np"])


def _tied_values(rng: numpy.random.Generator) -> dict[str, numpy.ndarray]:
    shapes = {"0.weight": (8, 5), "0.bias": (8,), "1.weight": (8, 8), "1.bias": (8,), "3.weight": (10, 8),
              "3.bias": (10,)}
    return {k: (0.5 * rng.standard_normal(s)).astype(numpy.float32) for k, s in shapes.items()}


def _tied_grads(v: dict[str, numpy.ndarray], x: numpy.ndarray, head: numpy.ndarray) -> tuple[numpy.ndarray, dict]:
    z1 = x @ v["0.weight"].T + v["0.bias"]
    h1 = numpy.maximum(z1, 0)
    z2 = h1 @ v["1.weight"].T + v["1.bias"]
    h2 = numpy.maximum(z2, 0)
    z3 = h2 @ v["1.weight"].T + v["1.bias"]  # the shared block, second use
    h3 = numpy.maximum(z3, 0)
    y = h3 @ v["3.weight"].T + v["3.bias"]
    g = {"3.weight": head.T @ h3, "3.bias": head.sum(0)}
    d3 = (head @ v["3.weight"]) * (z3 > 0)
    d2 = (d3 @ v["1.weight"]) * (z2 > 0)
    g["1.weight"] = d3.T @ h2 + d2.T @ h1  # the sum over both uses
    g["1.bias"] = d3.sum(0) + d2.sum(0)
    d1 = (d2 @ v["1.weight"]) * (z1 > 0)
    g["0.weight"], g["0.bias"] = d1.T @ x, d1.sum(0)
    return y, g


@API
def test_backward_of_a_tied_net_sums_the_shared_gradient_over_its_uses(pool, tmp_path, source):
    rng = numpy.random.default_rng(5)
    values = _tied_values(rng)
    x = rng.standard_normal((4, 5)).astype(numpy.float32)
    head = rng.standard_normal((4, 10)).astype(numpy.float32)
    expected_y, expected = _tied_grads(values, x, head)
    with worker_on(pool, submission(tmp_path, "parameters", nets=source), MODULE) as w:
        h = w.request("build", spec=call("tied_net"), seed=0)["handle"]
        w.request("initialize", handle=h, seed=0)
        w.request("forward", handle=h, inputs=[x])  # materializes the deferred shapes
        assert w.request("assign", handle=h, values=values)["missing"] == []
        for _ in range(2):  # the second request's gradients are not added to the first's
            answer = w.request("backward", handle=h, inputs=[x], head=head)
            assert answer["connected"] and sorted(answer["grads"]) == sorted(values)
            numpy.testing.assert_allclose(answer["output"], expected_y, rtol=1e-4, atol=1e-4)
            for name, grad in expected.items():
                numpy.testing.assert_allclose(answer["grads"][name], grad, rtol=1e-4, atol=1e-4, err_msg=name)
        ones = w.request("backward", handle=h, inputs=[x])  # no head: out.backward(), a head of ones
        _, with_ones = _tied_grads(values, x, numpy.ones_like(head))
        numpy.testing.assert_allclose(ones["grads"]["1.weight"], with_ones["1.weight"], rtol=1e-4, atol=1e-4)
        mismatch = w.request("backward", handle=h, inputs=[x], head=numpy.ones((4, 3), numpy.float32))
        assert mismatch["head_mismatch"] == [[4, 10], [4, 3]] and mismatch["grads"] == {}


@API
def test_a_constant_has_no_gradient_and_inputs_may_have_theirs(pool, tmp_path, source):
    x = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    with worker_on(pool, submission(tmp_path, "parameters", nets=source), MODULE) as w:
        h = w.request("build", spec=call("WithConstant"), seed=0)["handle"]
        w.request("initialize", handle=h, seed=0)
        grads = w.request("backward", handle=h, inputs=[x])["grads"]
        assert grads["rand_weight"] is None
        numpy.testing.assert_allclose(grads["dense.bias"], numpy.full(3, 2 * 2.0))  # 2 rows, times 2
        assert w.request("state", handle=h, grads=True)["grads"]["rand_weight"] is None
        centered = w.request("build", spec=call("Centered"))["handle"]
        answer = w.request("backward", handle=centered, inputs=[x], input_grads=True)
        assert answer["grads"] == {}
        numpy.testing.assert_allclose(answer["input_grads"][0], numpy.zeros((2, 3)), atol=1e-6)


@API
def test_train_steps_a_trainer_built_from_specs_and_the_loss_decreases(pool, tmp_path, source):
    rng = numpy.random.default_rng(0)
    X = rng.standard_normal((32, 3)).astype(numpy.float32)
    Y = (X @ numpy.array([[1.0], [-2.0], [0.5]]) + 0.3).astype(numpy.float32)
    with worker_on(pool, submission(tmp_path, "parameters", nets=source), MODULE) as w:
        net = w.request("build", spec=call("linear"), seed=0)["handle"]
        w.request("initialize", handle=net, seed=0)
        trainer = w.request("build", spec=call(gluon("Trainer"), method(handle(net), "collect_params"), "sgd",
                                               {"learning_rate": 0.1}))
        assert trainer["type"] == "Trainer" and not trainer["is_block"]
        losses = w.request("train", net=net, trainer=trainer["handle"], X=X, Y=Y, steps=5)["losses"]
        assert len(losses) == 5 and all(type(v) is float for v in losses)
        assert all(b < a for a, b in zip(losses, losses[1:])), losses
