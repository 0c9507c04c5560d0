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
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import cases, width
from grader.tracks.gluon.checks.scenario import Refused, mxnet_problem
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


_SAVE_CALL = "`save(obj, 'saved.bin')`"


def _unreadable(problem: str) -> Refused:
    """Why ``nd.load`` refused the file, in the student's terms."""
    why = mxnet_problem(problem)
    if "No such file" in problem:
        return Refused(f"{_SAVE_CALL} wrote no file at 'saved.bin' (nd.load: {why}).")
    if "Invalid NDArray file format" in problem:
        return Refused(f"nd.load cannot read the file {_SAVE_CALL} wrote: it is not MXNet's format (MXNet: \"{why}\"). "
                       "A file written with pickle, numpy.save or as text is not what nd.save writes.")
    return Refused(f"nd.load cannot read the file {_SAVE_CALL} wrote (MXNet: \"{why}\").")


def _file(side: Any, case: dict[str, Any], seed: int) -> Any:
    side.request("value", spec=ex.save(_obj(case, seed), "saved.bin").node, seed=seed, doing=_SAVE_CALL)
    read = side.request("safe_load", path="saved.bin")  # MXNet's loader, in a worker without student code
    return _unreadable(read["problem"]) if read.get("problem") else read["value"]


def _round_trip(side: Any, case: dict[str, Any], seed: int) -> Any:
    side.request("value", spec=ex.save(_obj(case, seed), "saved.bin").node, seed=seed, doing=_SAVE_CALL)
    return side.request("value", spec=ex.load("saved.bin").node, seed=seed, doing="`load('saved.bin')`")["value"]


_DICT_HINT = ("A dict must come back as a dict with its keys: give the dict itself to `nd.save` (MXNet's format keeps "
              "the names); `list(obj.values())` loses them.")


def _file_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if isinstance(theirs, dict) and isinstance(mine, list):
        return [_DICT_HINT]
    return ["Write the file with `nd.save(path, obj)` (or `npx.save`): the path comes first, then the array, list or "
            "dict, as it is."]


def _round_trip_hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    if isinstance(theirs, dict) and not isinstance(mine, dict):
        return [_DICT_HINT]
    if isinstance(theirs, list) and not isinstance(mine, list):
        return ["`load` must return what `nd.load` returns: a list for an array or a list (a single array comes "
                "back as `[x]`). Read the file with `nd.load(path)` and return the result as it is, without "
                "unpacking it or taking an item."]
    return []


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
             hints=_file_hints),
    Scenario(id="round_trip", title="load returns what nd.load returns (a list for an array or a list, a dict for a "
                                    "dict)", points=2, cases=_objects, steps=_round_trip, defaults=_DEFAULTS,
             what="what load('saved.bin') returned", show=lambda c: _shown(c, "load('saved.bin')"),
             hints=_round_trip_hints),
))

_IMPORT = "from mxnet import nd\n"
_SAVE = "    nd.save(os.fspath(path), obj)"
_LOAD = "    return nd.load(os.fspath(path))"

MUTANTS = (
    Mutant("pickle", "Saves and loads with pickle, not MXNet's format.",
           edits=[(_IMPORT, "import pickle\n\n" + _IMPORT),
                  (_SAVE, "    with open(path, 'wb') as f:\n        pickle.dump(obj, f)"),
                  (_LOAD, "    with open(path, 'rb') as f:\n        return pickle.load(f)")],
           fails={"file_format": ["nd.load cannot read the file `save(obj, 'saved.bin')` wrote: it is not MXNet's "
                                  "format",
                                  "Invalid NDArray file format", "pickle", "`nd.save(path, obj)`"],
                  "round_trip": ["expected a list, got array", "Read the file with `nd.load(path)`"]}),
    Mutant("pickle_like_nd_load", "Pickles what nd.load would return (a single array as `[x]`): load agrees, "
           "but the file is not MXNet's format.",
           edits=[(_IMPORT, "import pickle\n\n" + _IMPORT),
                  (_SAVE, "    with open(path, 'wb') as f:\n"
                          "        pickle.dump(obj if isinstance(obj, (list, dict)) else [obj], f)"),
                  (_LOAD, "    with open(path, 'rb') as f:\n        return pickle.load(f)")],
           fails={"file_format": ["it is not MXNet's format", "Invalid NDArray file format", "nd.load('saved.bin')"]},
           passes=["round_trip"]),
    Mutant("unwraps_single", "`load` unwraps a single array: `x` instead of `[x]`.",
           edits=[(_LOAD, "    loaded = nd.load(os.fspath(path))\n"
                          "    return loaded[0] if len(loaded) == 1 else loaded")],
           fails={"round_trip": ["expected a list, got array", "a single array comes back as `[x]`",
                                 "load('saved.bin')"]},
           passes=["file_format"]),
    Mutant("first_item", "`load` returns the first item of what nd.load read.",
           edits=[(_LOAD, _LOAD + "[0]")],
           fails={"round_trip": ["expected a list, got array", "without unpacking it or taking an item"]},
           passes=["file_format"]),
    Mutant("dict_as_list", "`save` writes a dict's values as a list: the names are lost.",
           edits=[(_SAVE, "    nd.save(os.fspath(path), list(obj.values()) if isinstance(obj, dict) else obj)")],
           fails={"file_format": ["expected a dict, got list", "`list(obj.values())` loses them"],
                  "round_trip": ["expected a dict, got list", "A dict must come back as a dict"]}),
)
