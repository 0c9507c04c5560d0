"""The Gluon worker's parameter operations on a confined worker, in both array APIs: ``state`` (structural
names, deferred shapes as 0, a shared block once, contexts, the plain-list mistake, children),
``initialize`` with an initializer and a context built from specs, ``assign`` then ``forward`` against
NumPy, and ``value`` answering Python numbers for NumPy scalars."""
from __future__ import annotations

import numpy
import pytest

from grader.sandbox.client import StudentError

from tests.tracks.gluon.worker_helpers import call, handle, mx, submission, worker_on

NETS = '''
import numpy
from mxnet.gluon import nn


class MLP(nn.Block):
    def __init__(self, hidden=8, out_features=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(hidden, activation='relu')
        self.output = nn.Dense(out_features)

    def forward(self, X):
        return self.output(self.hidden(X))


def tied_net():
    shared = nn.Dense(8, activation='relu')
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu'), shared, nn.Dense(8, activation='relu', params=shared.params), nn.Dense(10))
    return net


def shared_twice():
    shared = nn.Dense(4)
    net = nn.Sequential()
    net.add(nn.Dense(4), shared, shared)
    return net


class ListSequential(nn.Block):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Dense(4), nn.Dense(2)]

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X


class Outer(nn.Block):
    def __init__(self):
        super().__init__()
        self.inner = ListSequential()
        self.rand_weight = self.params.get_constant('rand_weight', numpy.ones((2, 2), dtype='float32'))

    def forward(self, X):
        return self.inner(X)


def param_shapes(net):
    return {name: p.shape for name, p in net._collect_params_with_prefix().items()}


def count_params(net):
    return numpy.prod([1]) * sum(int(numpy.prod(p.shape)) for p in net.collect_params().values())
'''
NP_NETS = "from mxnet import npx\nnpx.set_np()\n" + NETS
MODULE = "model_construction.nets"
API = pytest.mark.parametrize("source", [NETS, NP_NETS], ids=["nd", "np"])


def _forward_numpy(values: dict, x: numpy.ndarray) -> numpy.ndarray:
    h = numpy.maximum(x @ values["hidden.weight"].T + values["hidden.bias"], 0)
    return h @ values["output.weight"].T + values["output.bias"]


@API
def test_state_reads_deferred_shapes_as_zero_until_the_first_forward(pool, tmp_path, source):
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("MLP", hidden=8, out_features=3), seed=0)["handle"]
        built = w.request("state", handle=h)
        assert built["names"] == ["hidden.weight", "hidden.bias", "output.weight", "output.bias"]
        assert built["shapes"] == {"hidden.weight": [8, 0], "hidden.bias": [8], "output.weight": [3, 0],
                                   "output.bias": [3]}
        assert not any(built["initialized"].values()) and not any(built["deferred"].values())
        assert built["contexts"]["hidden.weight"] == [] and built["children"] == [["hidden", "Dense"],
                                                                                   ["output", "Dense"]]
        assert built["dtypes"]["hidden.weight"] == "float32" and set(built["grad_req"].values()) == {"write"}
        assert built["lists"] == [] and built["is_block"] and built["type"] == "MLP"
        w.request("initialize", handle=h, seed=0)
        waiting = w.request("state", handle=h, values=True)
        assert waiting["deferred"]["hidden.weight"] and not waiting["initialized"]["hidden.weight"]
        assert waiting["initialized"]["hidden.bias"]  # a known shape gets its values at initialize()
        assert set(waiting["values"]) == {"hidden.bias", "output.bias"}
        assert waiting["contexts"]["hidden.weight"] == ["cpu(0)"]
        w.request("forward", handle=h, inputs=[numpy.ones((2, 5), numpy.float32)])
        done = w.request("state", handle=h, values=True)
        assert done["shapes"]["hidden.weight"] == [8, 5] and done["shapes"]["output.weight"] == [3, 8]
        assert all(done["initialized"].values()) and not any(done["deferred"].values())
        assert done["values"]["hidden.weight"].shape == (8, 5)


@API
def test_a_shared_block_is_listed_once_under_its_first_name(pool, tmp_path, source):
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        tied = w.request("build", spec=call("tied_net"), seed=0)["handle"]
        state = w.request("state", handle=tied)
        assert state["names"] == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"]
        assert state["children"] == [["0", "Dense"], ["1", "Dense"], ["2", "Dense"], ["3", "Dense"]]
        twice = w.request("build", spec=call("shared_twice"), seed=0)["handle"]
        state = w.request("state", handle=twice)
        assert state["names"] == ["0.weight", "0.bias", "1.weight", "1.bias"]
        assert [name for name, _ in state["children"]] == ["0", "1", "2"]
        shapes = w.request("value", spec=call("param_shapes", handle(tied)))["value"]
        deferred = -1 if source is NP_NETS else 0  # MXNet's own reading, in the student's function
        assert shapes["2.weight"] == (8, deferred) and shapes["3.bias"] == (10,)


@API
def test_blocks_kept_in_a_plain_list_are_reported_wherever_they_are(pool, tmp_path, source):
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        plain = w.request("state", handle=w.request("build", spec=call("ListSequential"))["handle"])
        assert plain["names"] == [] and plain["children"] == []
        assert plain["lists"] == [{"attr": "layers", "count": 2, "unregistered": 2, "container": "list",
                                   "block_type": "ListSequential"}]
        outer = w.request("state", handle=w.request("build", spec=call("Outer"))["handle"])
        assert [(entry["attr"], entry["block_type"]) for entry in outer["lists"]] == [("inner.layers",
                                                                                      "ListSequential")]
        assert outer["names"] == ["rand_weight"] and outer["grad_req"] == {"rand_weight": "null"}
        assert outer["initialized"] == {"rand_weight": False}


@API
def test_assign_sets_parameters_by_structural_name_then_forward_matches_numpy(pool, tmp_path, source):
    rng = numpy.random.default_rng(3)
    values = {"hidden.weight": rng.standard_normal((8, 5)), "hidden.bias": rng.standard_normal(8),
              "output.weight": rng.standard_normal((3, 8)), "output.bias": rng.standard_normal(3)}
    values = {k: v.astype(numpy.float32) for k, v in values.items()}
    x = rng.standard_normal((4, 5)).astype(numpy.float32)
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("MLP"), seed=0)["handle"]
        w.request("initialize", handle=h, seed=0)
        early = w.request("assign", handle=h, values=values)
        assert early["uninitialized"] == ["hidden.weight", "output.weight"]  # deferred: forward first
        w.request("forward", handle=h, inputs=[x])
        answer = w.request("assign", handle=h, values=values)
        assert answer == {"missing": [], "unexpected": [], "shape_mismatch": {}, "uninitialized": []}
        out = w.request("forward", handle=h, inputs=[x])["output"]
        numpy.testing.assert_allclose(out, _forward_numpy(values, x), rtol=1e-5, atol=1e-5)
        partial = {"hidden.weight": numpy.zeros((8, 6), numpy.float32), "extra.bias": numpy.zeros(2, numpy.float32)}
        answer = w.request("assign", handle=h, values=partial)
        assert answer["shape_mismatch"] == {"hidden.weight": [[8, 5], [8, 6]]}
        assert answer["unexpected"] == ["extra.bias"]
        assert answer["missing"] == ["hidden.bias", "output.weight", "output.bias"]
        kept = w.request("state", handle=h, values=True)["values"]["hidden.weight"]
        numpy.testing.assert_array_equal(kept, values["hidden.weight"])  # nothing set on a mismatch


@API
def test_initialize_takes_an_initializer_and_a_context_built_from_specs(pool, tmp_path, source):
    x = numpy.ones((2, 5), numpy.float32)
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("MLP"), seed=0)["handle"]
        w.request("initialize", handle=h, seed=0, init=call(mx("init.Constant"), 0.5), ctx="cpu(1)")
        assert w.request("state", handle=h)["contexts"]["output.bias"] == ["cpu(1)"]
        with pytest.raises(StudentError, match="cpu"):  # the parameters live on cpu(1) only
            w.request("forward", handle=h, inputs=[x])
        out = w.request("forward", handle=h, inputs=[x], ctx="cpu(1)")["output"]
        # Dense's biases keep their own initializer ('zeros'): a parameter's initializer wins over initialize()'s
        numpy.testing.assert_allclose(out, numpy.full((2, 3), 0.5 * 8 * (0.5 * 5)), rtol=1e-6)
        w.request("initialize", handle=h, init=call(mx("init.Zero")), force_reinit=True, ctx=["cpu(0)"])
        state = w.request("state", handle=h, values=True)
        assert state["contexts"]["hidden.weight"] == ["cpu(0)"] and not state["values"]["hidden.weight"].any()


@API
def test_value_answers_python_numbers_for_numpy_scalars(pool, tmp_path, source):
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("MLP", hidden=2, out_features=1))["handle"]
        w.request("initialize", handle=h)
        w.request("forward", handle=h, inputs=[numpy.ones((1, 3), numpy.float32)])
        answer = w.request("value", spec=call("count_params", handle(h)))
        assert answer["value"] == 2 * 3 + 2 + 1 * 2 + 1 and type(answer["value"]) is int
