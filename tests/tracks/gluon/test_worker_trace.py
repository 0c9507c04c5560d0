"""The Gluon worker's tracing and calling operations on a confined worker: ``trace`` (call order, a block
called twice appears twice, nested names, outputs copied before a later in-place change), ``derive`` (a
known mistake's output, None when it does not apply), ``call_method``, and the student's exception in
a forward or a trace coming back as the student's error with the student's line."""
from __future__ import annotations

import numpy
import pytest

from grader.sandbox.client import StudentError

from tests.tracks.gluon.worker_helpers import call, mx, submission, worker_on

NETS = '''
from mxnet.gluon import nn


class Twice(nn.Block):
    def __init__(self):
        super().__init__()
        self.a = nn.Dense(4, in_units=4, use_bias=False)
        self.b = nn.Dense(2, in_units=4, use_bias=False)

    def forward(self, X):
        return self.b(self.a(self.a(X)))


class NestMLP(nn.Block):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential()
        self.net.add(nn.Dense(6, activation='relu'), nn.Dense(5, activation='relu'))
        self.dense = nn.Dense(3)

    def forward(self, X):
        out = self.dense(self.net(X))
        out /= 2  # in place, after the hooks took their copies
        return out


class Broken(nn.Block):
    def __init__(self):
        super().__init__()
        self.dense = nn.Dense(3)

    def forward(self, X):
        X = self.dense(X)
        raise ValueError("forward went wrong")
'''
NP_NETS = "from mxnet import npx\nnpx.set_np()\n" + NETS
MODULE = "model_construction.nets"
API = pytest.mark.parametrize("source", [NETS, NP_NETS], ids=["nd", "np"])
BROKEN_LINE = NETS.splitlines().index('        raise ValueError("forward went wrong")') + 1


@API
def test_trace_lists_each_call_in_order_with_its_output(pool, tmp_path, source):
    x = numpy.random.default_rng(1).standard_normal((3, 4)).astype(numpy.float32)
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("Twice"), seed=0)["handle"]
        w.request("initialize", handle=h, seed=0)
        calls = w.request("trace", handle=h, inputs=[x])["calls"]
        assert [(c["name"], c["type"]) for c in calls] == [("a", "Dense"), ("a", "Dense"), ("b", "Dense")]
        values = w.request("state", handle=h, values=True)["values"]
        first = x @ values["a.weight"].T
        numpy.testing.assert_allclose(calls[0]["output"], first, rtol=1e-5, atol=1e-5)
        numpy.testing.assert_allclose(calls[1]["output"], first @ values["a.weight"].T, rtol=1e-5, atol=1e-5)
        assert all(c["frame"] is None or c["frame"]["in_submission"] for c in calls)
        nest = w.request("build", spec=call("NestMLP"), seed=0)["handle"]
        w.request("initialize", handle=nest, seed=0)
        calls = w.request("trace", handle=nest, inputs=[x])["calls"]
        # a hook fires as its block returns; Dense(activation=...) calls its own child block `act`
        assert [c["name"] for c in calls] == ["net.0.act", "net.0", "net.1.act", "net.1", "net", "dense"]
        assert [c["type"] for c in calls][:2] == ["Activation", "Dense"]
        out = w.request("forward", handle=nest, inputs=[x])["output"]
        numpy.testing.assert_allclose(calls[-1]["output"] / 2, out, rtol=1e-5, atol=1e-6)
        assert calls[-1]["frame"]["file"] == "model_construction/nets.py"


@API
def test_derive_computes_a_known_mistake_or_answers_none(pool, tmp_path, source):
    x = numpy.ones((2, 4), numpy.float32)
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("Twice"), seed=0)["handle"]
        w.request("initialize", handle=h, seed=0)
        once = w.request("derive", handle=h, code="lambda net, X: net.b(net.a(X))", inputs=[x])["value"]
        values = w.request("state", handle=h, values=True)["values"]
        numpy.testing.assert_allclose(once, x @ values["a.weight"].T @ values["b.weight"].T, rtol=1e-5)
        assert w.request("derive", handle=h, code="lambda net, X: net.hidden(X)", inputs=[x]) == {"value": None}
        assert w.request("derive", handle=h, code="not python (", inputs=[x]) == {"value": None}
        scope = "lambda net, X: [m.__name__ for m in (mx, nd, np, npx, autograd, gluon, nn, init)] + [X.shape]"
        assert w.request("derive", handle=h, code=scope, inputs=[x])["value"] == [
            "mxnet", "mxnet.ndarray", "mxnet.numpy", "mxnet.numpy_extension", "mxnet.autograd", "mxnet.gluon",
            "mxnet.gluon.nn", "mxnet.initializer", (2, 4)]


@API
def test_call_method_calls_a_stored_objects_method_with_spec_arguments(pool, tmp_path, source):
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("Twice"), seed=0)["handle"]
        answer = w.request("call_method", handle=h, name="initialize",
                           kwargs={"init": {"spec": call(mx("init.One"))}, "ctx": {"spec": call(mx("cpu"), 0)}})
        assert answer == {"value": None, "type": "NoneType"}
        assert (w.request("state", handle=h, values=True)["values"]["a.weight"] == 1).all()
        with pytest.raises(StudentError, match="no_such_method"):
            w.request("call_method", handle=h, name="no_such_method")


@API
def test_a_students_exception_comes_back_with_the_students_line(pool, tmp_path, source):
    line = BROKEN_LINE + (2 if source is NP_NETS else 0)
    with worker_on(pool, submission(tmp_path, nets=source), MODULE) as w:
        h = w.request("build", spec=call("Broken"), seed=0)["handle"]
        w.request("initialize", handle=h, seed=0)
        for op in ("forward", "trace", "backward"):
            with pytest.raises(StudentError) as caught:
                w.request(op, handle=h, inputs=[numpy.ones((2, 4), numpy.float32)])
            err = caught.value
            assert err.type == "ValueError" and err.message == "forward went wrong" and err.info["stage"] == "forward"
            mine = [f for f in err.frames if f["in_submission"]]
            assert mine[-1]["file"] == "model_construction/nets.py" and mine[-1]["line"] == line, err.frames
        calls = w.request("state", handle=h)  # the worker goes on; the hooks were removed
        assert calls["names"] == ["dense.weight", "dense.bias"]
