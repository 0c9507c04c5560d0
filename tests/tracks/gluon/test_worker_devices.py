"""The Gluon worker's device operations on a confined worker: ``simulate_gpus`` through every public route
(before and after the student's module binds a counter by name) with contexts crossing as ``mxctx``, and
``forward_on`` a second context catching an array the student created on ``cpu(0)``, with its line."""
from __future__ import annotations

import numpy
import pytest

from grader.sandbox.client import StudentError

from tests.tracks.gluon.worker_helpers import call, ctx_of, mx, submission, worker_on

SELECT = '''
import mxnet as mx
from mxnet import npx
from mxnet.context import num_gpus
from mxnet.util import get_gpu_count


def counts():
    return {"context": mx.context.num_gpus(), "npx": npx.num_gpus(), "util": mx.util.get_gpu_count(),
            "list_gpus": len(mx.test_utils.list_gpus()), "imported": num_gpus(), "imported_util": get_gpu_count()}


def try_gpu(i=0):
    return mx.gpu(i) if num_gpus() > i else mx.cpu()


def try_all_gpus():
    return [mx.gpu(i) for i in range(npx.num_gpus())] or [mx.cpu()]
'''

PLACEMENT = '''
from mxnet import nd
from mxnet.gluon import nn
from mxnet.ndarray import arange


class Forgets(nn.Block):
    def forward(self, X):
        return X + nd.arange(X.shape[-1])


class ForgetsImported(nn.Block):
    def forward(self, X):
        return X + arange(X.shape[-1])


class Places(nn.Block):
    def forward(self, X):
        return X + nd.arange(X.shape[-1], ctx=X.context, dtype=X.dtype)


class MyDense(nn.Block):
    def __init__(self, units, in_units, on_input_context=True):
        super().__init__()
        self.on_input_context = on_input_context
        self.weight = self.params.get('weight', shape=(in_units, units))

    def forward(self, X):
        weight = self.weight.data(X.context) if self.on_input_context else self.weight.data()
        return nd.dot(X, weight)


def contexts(batch):
    return [batch[0].context, batch[1]["y"].context]


def to_device(batch, ctx):
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(to_device(b, ctx) for b in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(b, ctx) for b in batch)
    if isinstance(batch, dict):
        return {k: to_device(v, ctx) for k, v in batch.items()}
    return batch.as_in_context(ctx) if hasattr(batch, "as_in_context") else batch
'''

NP_PLACEMENT = '''
from mxnet import np, npx
from mxnet.gluon import nn
npx.set_np()


class Forgets(nn.Block):
    def forward(self, X):
        return X + np.arange(X.shape[-1])


class Places(nn.Block):
    def forward(self, X):
        return X + np.arange(X.shape[-1], ctx=X.ctx, dtype=X.dtype)
'''


def _line(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


def test_simulated_gpu_counts_reach_every_route_and_contexts_cross(pool, tmp_path):
    root = submission(tmp_path, "devices", select=SELECT)
    with worker_on(pool, root, "devices.select") as w:
        patched = w.request("simulate_gpus", count=2)["patched"]
        assert {"mxnet.context.num_gpus", "mxnet.numpy_extension.num_gpus", "mxnet.util.get_gpu_count",
                "devices.select.num_gpus", "devices.select.get_gpu_count"} <= set(patched)
        assert set(w.request("value", spec=call("counts"))["value"].values()) == {2}
        assert ctx_of(w.request("value", spec=call("try_gpu", 1))["value"]) == ("gpu", 1)
        assert [ctx_of(c) for c in w.request("value", spec=call("try_all_gpus"))["value"]] == [("gpu", 0), ("gpu", 1)]
        w.request("simulate_gpus", count=0)  # a second simulation replaces the first
        assert set(w.request("value", spec=call("counts"))["value"].values()) == {0}
        assert ctx_of(w.request("value", spec=call("try_gpu", 1))["value"]) == ("cpu", 0)
        assert [ctx_of(c) for c in w.request("value", spec=call("try_all_gpus"))["value"]] == [("cpu", 0)]
    with worker_on(pool, root) as w:  # simulated before the module binds `num_gpus` by name
        w.request("simulate_gpus", count=3)
        w.request("import", module="devices.select")
        assert set(w.request("value", spec=call("counts"))["value"].values()) == {3}


def test_forward_on_a_second_context_sees_an_array_created_on_the_first(pool, tmp_path):
    root = submission(tmp_path, "devices", placement=PLACEMENT)
    x = numpy.zeros((2, 3), numpy.float32)
    with worker_on(pool, root, "devices.placement") as w:
        forgets = w.request("build", spec=call("Forgets"))["handle"]
        answer = w.request("forward_on", handle=forgets, inputs=[x], ctx="cpu(1)")
        numpy.testing.assert_array_equal(answer["output"], numpy.tile(numpy.arange(3, dtype=numpy.float32), (2, 1)))
        assert answer["output_ctx"] == "cpu(1)"  # MXNet does not refuse mixing cpu(0) and cpu(1)
        [made] = answer["created"]
        assert made["fn"] == "nd.arange" and made["ctx"] == "cpu(0)" and not made["ctx_given"] and made["in_submission"]
        assert made["frame"]["file"] == "devices/placement.py"
        assert made["frame"]["line"] == _line(PLACEMENT, "return X + nd.arange(X.shape[-1])")
        imported = w.request("build", spec=call("ForgetsImported"))["handle"]
        [made] = w.request("forward_on", handle=imported, inputs=[x], ctx="cpu(1)")["created"]
        assert (made["fn"], made["ctx"], made["frame"]["line"]) == (
            "nd.arange", "cpu(0)", _line(PLACEMENT, "return X + arange(X.shape[-1])"))
        places = w.request("build", spec=call("Places"))["handle"]
        [made] = w.request("forward_on", handle=places, inputs=[x], ctx="cpu(1)")["created"]
        assert (made["fn"], made["ctx"], made["ctx_given"]) == ("nd.arange", "cpu(1)", True)
        assert w.request("forward", handle=forgets, inputs=[x])["output"].shape == (2, 3)  # the patch is gone
        w.request("locate", on=False)  # the reference's worker: no lines
        [made] = w.request("forward_on", handle=forgets, inputs=[x], ctx="cpu(1)")["created"]
        assert made["frame"] is None and made["in_submission"]


def test_forward_on_moves_the_parameters_and_sees_a_read_on_the_wrong_context(pool, tmp_path):
    root = submission(tmp_path, "custom_layers", placement=PLACEMENT)
    x = numpy.ones((2, 3), numpy.float32)
    with worker_on(pool, root, "custom_layers.placement") as w:
        right = w.request("build", spec=call("MyDense", 4, 3))["handle"]
        w.request("initialize", handle=right, init=call(mx("init.One")))
        answer = w.request("forward_on", handle=right, inputs=[x], ctx="cpu(1)")
        assert answer["output_ctx"] == "cpu(1)" and answer["created"] == []
        numpy.testing.assert_array_equal(answer["output"], numpy.full((2, 4), 3.0))
        assert w.request("state", handle=right)["contexts"]["weight"] == ["cpu(1)"]
        wrong = w.request("build", spec=call("MyDense", 4, 3, on_input_context=False))["handle"]
        w.request("initialize", handle=wrong)
        # on one context data() gives its only copy whatever the context; on two, data() asks for cpu(0)
        assert w.request("forward_on", handle=wrong, inputs=[x], ctx="cpu(1)")["output"].shape == (2, 4)
        with pytest.raises(StudentError, match=r"not initialized on context cpu\(0\)"):
            w.request("forward_on", handle=wrong, inputs=[x], ctx="cpu(1)", param_ctx=["cpu(1)", "cpu(2)"])
        answer = w.request("forward_on", handle=right, inputs=[x], ctx="cpu(1)", param_ctx=["cpu(1)", "cpu(2)"])
        assert answer["output_ctx"] == "cpu(1)"
        assert w.request("state", handle=right)["contexts"]["weight"] == ["cpu(1)", "cpu(2)"]


def test_a_batch_moves_with_its_containers_kept(pool, tmp_path):
    root = submission(tmp_path, "devices", placement=PLACEMENT)
    x = numpy.ones((2, 3), numpy.float32)
    batch = {"kind": "namedtuple", "type": "Batch", "fields": ["X", "extra"],
             "items": [{"kind": "value", "value": x}, {"kind": "value", "value": {"y": x, "n": 3}}]}
    with worker_on(pool, root, "devices.placement") as w:
        moved = w.request("value", spec=call("to_device", batch, call(mx("cpu"), 1)), keep=True)
        assert moved["type"] == "Batch" and moved["value"].type_name == "Batch" and moved["value"][1]["n"] == 3
        where = w.request("value", spec=call("contexts", {"kind": "handle", "id": moved["handle"]}))["value"]
        assert [ctx_of(c) for c in where] == [("cpu", 1), ("cpu", 1)]


def test_forward_on_sees_numpy_style_creations_too(pool, tmp_path):
    root = submission(tmp_path, "devices", placement=NP_PLACEMENT)
    x = numpy.zeros((2, 3), numpy.float32)
    with worker_on(pool, root, "devices.placement") as w:
        forgets = w.request("build", spec=call("Forgets"))["handle"]
        [made] = w.request("forward_on", handle=forgets, inputs=[x], ctx="cpu(1)")["created"]
        assert (made["fn"], made["ctx"], made["ctx_given"]) == ("np.arange", "cpu(0)", False)
        places = w.request("build", spec=call("Places"))["handle"]
        answer = w.request("forward_on", handle=places, inputs=[x], ctx="cpu(1)")
        assert [(c["fn"], c["ctx"], c["ctx_given"]) for c in answer["created"]] == [("np.arange", "cpu(1)", True)]
        assert answer["output_ctx"] == "cpu(1)"
