"""read_write/tensor_io (Gluon): ``save(obj, path)`` / ``load(path)`` through MXNet's own format.

The file ``save`` writes must be one that MXNet's ``nd.load`` reads (run by the grader in your
worker, never your ``load``): an array comes back as ``[x]``, a list as a list, a dict as a dict,
dtypes and shapes kept. ``load`` must return what ``nd.load`` returns.

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['file_format', 'round_trip']
"""
from __future__ import annotations

from typing import Any

import numpy
from hypothesis import strategies as st

from grader.catalog import Exercise
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import cases, width
from grader.tracks.gluon.specs import array, ex

_DTYPES = ("float32", "float64", "int32", "uint8")
_objects = cases(kind=st.sampled_from(["array", "list", "dict"]), n=width(1, 3),
                 shapes=st.lists(st.lists(width(1, 4), min_size=1, max_size=3), min_size=3, max_size=3),
                 dtypes=st.lists(st.sampled_from(_DTYPES), min_size=3, max_size=3))
_DEFAULTS = ({"kind": "array", "n": 1, "shapes": [[4], [2, 3], [1]], "dtypes": ["float32"] * 3},
             {"kind": "dict", "n": 2, "shapes": [[2, 3], [4], [1]], "dtypes": ["float32", "int32", "uint8"]},
             {"kind": "list", "n": 3, "shapes": [[2], [3, 1], [1, 2, 2]], "dtypes": ["float64", "float32", "int32"]})


def _arrays(case: dict[str, Any], seed: int) -> list[numpy.ndarray]:
    rng = numpy.random.default_rng(seed)
    out = []
    for shape, dtype in list(zip(case["shapes"], case["dtypes"]))[:case["n"]]:
        values = rng.standard_normal(shape) * 10
        out.append(values.astype(dtype) if dtype.startswith("float") else numpy.abs(values).astype(dtype))
    return out


def _obj(case: dict[str, Any], seed: int) -> Any:
    arrays = [array(a) for a in _arrays(case, seed)]
    if case["kind"] == "array":
        return arrays[0]
    if case["kind"] == "list":
        return arrays
    return {f"w{i}": a for i, a in enumerate(arrays)}


def _file(side: Any, case: dict[str, Any], seed: int) -> Any:
    side.request("value", spec=ex.save(_obj(case, seed), "saved.bin").node, seed=seed)
    read = side.request("safe_load", path="saved.bin")  # MXNet's loader, in a worker without student code
    return read["value"] if not read.get("problem") else f"a file nd.load cannot read ({read['problem']})"


def _round_trip(side: Any, case: dict[str, Any], seed: int) -> Any:
    side.request("value", spec=ex.save(_obj(case, seed), "saved.bin").node, seed=seed)
    return side.request("value", spec=ex.load("saved.bin").node, seed=seed)["value"]


def _shown(case: dict[str, Any], call: str) -> str:
    arrays = [f"nd.array(<{d} values of shape {tuple(s)}>)" for s, d in
              list(zip(case["shapes"], case["dtypes"]))[:case["n"]]]
    obj = arrays[0] if case["kind"] == "array" else ("[" + ", ".join(arrays) + "]" if case["kind"] == "list" else
                                                      "{" + ", ".join(f"'w{i}': {a}" for i, a in enumerate(arrays)) + "}")
    return f"obj = {obj}\nsave(obj, 'saved.bin')\n{call}"


EXERCISE = Exercise("read_write/tensor_io", "Saving and loading arrays (nd.save / nd.load)", (
    Scenario(id="file_format", title="save writes MXNet's format: nd.load reads back the arrays, dtypes and shapes",
             points=3, cases=_objects, steps=_file, defaults=_DEFAULTS, what="what nd.load reads from your file",
             show=lambda c: _shown(c, "nd.load('saved.bin')"),
             hints=lambda mine, theirs, c: ["Write the file with `nd.save(path, obj)` (or `npx.save`): the path "
                                            "comes first, then the array, list or dict."]),
    Scenario(id="round_trip", title="load returns what nd.load returns (a list for an array or a list, a dict for a "
                                    "dict)", points=2, cases=_objects, steps=_round_trip, defaults=_DEFAULTS,
             what="what load('saved.bin') returned", show=lambda c: _shown(c, "load('saved.bin')"),
             hints=lambda mine, theirs, c: ["`nd.load` returns a list for a single array (`[x]`): return it as "
                                            "it is, without unpacking."]
             if c["kind"] == "array" and not isinstance(mine, list) else []),
))
