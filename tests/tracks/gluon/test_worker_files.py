"""The Gluon worker's file operations on a confined worker: ``nd_load`` reads what the student's ``nd.save``
or ``npx.save`` wrote (whatever shape semantics the file and the process are in), the judge's
``safe_load`` does the same in a fresh worker that never imported student code, a parameter file
goes through ``save_parameters`` and ``load_parameters``, and ``notebook`` answers for a plain module."""
from __future__ import annotations

import numpy
import pytest

from grader.sandbox.client import StudentError

from tests.tracks.gluon.worker_helpers import call, submission, worker_on

TENSOR_IO = '''
from mxnet import nd
from mxnet.gluon import nn


def save_list(path):
    nd.save(path, [nd.arange(6).reshape((2, 3)), nd.array([1, 2], dtype='int32')])


def save_dict(path):
    nd.save(path, {"w": nd.ones((2, 2)), "b": nd.zeros(3)})


def net():
    return nn.Dense(3, in_units=2)


def other_net():
    return nn.Dense(4, in_units=2)
'''

NP_TENSOR_IO = '''
from mxnet import np, npx
npx.set_np()


def save_list(path):
    npx.save(path, [np.arange(6).reshape(2, 3), np.array(2.5)])
'''


def test_nd_load_reads_what_nd_save_wrote(pool, tmp_path):
    with worker_on(pool, submission(tmp_path, "read_write", tensor_io=TENSOR_IO), "read_write.tensor_io") as w:
        w.request("value", spec=call("save_list", "x.nd"))
        for op in ("nd_load", "safe_load"):  # safe_load: a fresh worker that never imported student code
            answer = w.request(op, path="x.nd")
            assert answer["problem"] is None and answer["np_shape"] is False
            first, second = answer["value"]
            numpy.testing.assert_array_equal(first, numpy.arange(6, dtype=numpy.float32).reshape(2, 3))
            assert second.dtype == numpy.int32 and second.tolist() == [1, 2]
        w.request("value", spec=call("save_dict", "d.nd"))
        loaded = w.request("nd_load", path="d.nd")["value"]
        assert sorted(loaded) == ["b", "w"] and loaded["w"].shape == (2, 2)
        missing = w.request("nd_load", path="nothing.nd")
        assert missing["value"] is None and missing["problem"].startswith("MXNetError")
        assert w.request("exists", path="x.nd") == {"exists": True}


def test_nd_load_reads_a_numpy_shape_file_in_a_numpy_mode_process(pool, tmp_path):
    with worker_on(pool, submission(tmp_path, "read_write", tensor_io=NP_TENSOR_IO), "read_write.tensor_io") as w:
        w.request("value", spec=call("save_list", "x.npx"))
        answer = w.request("nd_load", path="x.npx")
        assert answer["problem"] is None and answer["np_shape"] is True
        first, scalar = answer["value"]
        assert first.shape == (2, 3) and scalar.shape == () and float(scalar) == 2.5
        assert w.request("process")["np_mode"] is True  # the student's mode is restored
        assert w.request("safe_load", path="x.npx")["np_shape"] is True


def test_parameters_go_through_a_file(pool, tmp_path):
    with worker_on(pool, submission(tmp_path, "read_write", tensor_io=TENSOR_IO), "read_write.tensor_io") as w:
        first = w.request("build", spec=call("net"))["handle"]
        w.request("initialize", handle=first, seed=1)
        assert w.request("save_parameters", handle=first, path="net.params") == {}
        assert "net.params" in w.request("listdir")["entries"]
        second = w.request("build", spec=call("net"))["handle"]
        assert w.request("load_parameters", handle=second, path="net.params") == {}
        a, b = (w.request("state", handle=h, values=True)["values"] for h in (first, second))
        numpy.testing.assert_array_equal(a["weight"], b["weight"])
        other = w.request("build", spec=call("other_net"))["handle"]
        assert "shape" in w.request("load_parameters", handle=other, path="net.params")["problem"]
        fresh = w.request("build", spec=call("net"))["handle"]
        fresh_state = w.request("state", handle=fresh)
        assert not any(fresh_state["initialized"].values())
        with pytest.raises(StudentError):  # nothing to save before initialize()
            w.request("save_parameters", handle=fresh, path="fresh.params")
        assert w.request("notebook") == {"stopped": None}
