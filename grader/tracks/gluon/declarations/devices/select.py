"""devices/select (Gluon): ``try_gpu(i=0)`` and ``try_all_gpus()`` with simulated GPU counts.

The grader simulates 0 to 3 GPUs through every public route to the count (``mx.context.num_gpus``,
``npx.num_gpus``, ``mx.util.get_gpu_count``, and a name imported from them), so the answers are
judged on a CPU machine; contexts are compared as MXNet writes them (``gpu(1)``, ``cpu(0)``).

Example:
    >>> [c.id for c in EXERCISE.checks]
    ['try_gpu', 'try_gpu_default', 'try_all_gpus']
"""
from __future__ import annotations

from typing import Any

from grader.catalog import Exercise
from grader.mutants import Mutant
from grader.tracks.gluon.checks import Scenario
from grader.tracks.gluon.checks.draw import cases, width
from grader.tracks.gluon.specs import ex

_counts = cases(gpus=width(0, 3), i=width(0, 3))
_DEFAULTS = ({"gpus": 0, "i": 0}, {"gpus": 2, "i": 1}, {"gpus": 2, "i": 2})


def _ask(call: Any) -> Any:
    def steps(side: Any, case: dict[str, Any], seed: int) -> Any:
        side.request("simulate_gpus", count=case["gpus"])
        return side.request("value", spec=call(case).node, seed=seed)["value"]
    return steps


def _shown(case: dict[str, Any], call: str) -> str:
    return f"# a machine with {case['gpus']} GPU(s): mx.context.num_gpus() == {case['gpus']}\n{call}"


def _hints(mine: Any, theirs: Any, case: dict[str, Any]) -> list[str]:
    n, i = case["gpus"], case["i"]
    given = mine if isinstance(mine, list) else [mine]
    expected = theirs if isinstance(theirs, list) else [theirs]
    if any(isinstance(m, str) for m in given):
        return ["Return MXNet contexts (`mx.gpu(i)`, `mx.cpu()`), not their text."]
    if isinstance(mine, list) and not mine:
        return ["With no GPU, `try_all_gpus()` returns `[mx.cpu()]`, never an empty list."]
    if n > 0 and all(str(m) == "cpu(0)" for m in given) and any(str(e).startswith("gpu") for e in expected):
        return [f"This machine has {n} GPU(s), simulated through the count MXNet reports (`mx.context.num_gpus()`, "
                "`npx.num_gpus()`, `mx.util.get_gpu_count()`), and your code did not see them. Ask one of these at "
                "each call: a count read once when the module is imported, or a probe that allocates an array on "
                "`mx.gpu(i)`, cannot see simulated GPUs."]
    if not isinstance(mine, list) and str(mine) == f"gpu({i})" and n == i:
        return [f"GPU {i} exists only when the count is greater than {i} (`num_gpus() > i`, or `>= i + 1`): with "
                f"{n} GPU(s) there is no GPU {i} (an off-by-one)."]
    if not isinstance(mine, list) and str(mine).startswith("gpu") and str(mine) != str(theirs):
        return [f"`try_gpu({i})` asks for GPU {i}: return `mx.gpu(i)`, with the `i` it was given."]
    return ["Ask MXNet how many GPUs there are (`mx.context.num_gpus()`, or `npx.num_gpus()`), at each call: "
            "GPU i exists when that count is greater than i; otherwise the answer is `mx.cpu()`."]


EXERCISE = Exercise("devices/select", "Choosing devices: try_gpu and try_all_gpus", (
    Scenario(id="try_gpu", title="try_gpu(i): mx.gpu(i) when there are more than i GPUs, else mx.cpu()", points=2,
             cases=_counts, steps=_ask(lambda c: ex.try_gpu(c["i"])), defaults=_DEFAULTS, hints=_hints,
             what="the context try_gpu returned", show=lambda c: _shown(c, f"try_gpu({c['i']})")),
    Scenario(id="try_gpu_default", title="try_gpu() asks for GPU 0", points=1,
             cases=cases(gpus=width(0, 3), i=width(0, 0)),
             steps=_ask(lambda c: ex.try_gpu()), defaults=({"gpus": 1, "i": 0},), hints=_hints,
             what="the context try_gpu() returned", show=lambda c: _shown(c, "try_gpu()")),
    Scenario(id="try_all_gpus", title="try_all_gpus(): every GPU, or [mx.cpu()]", points=2,
             cases=cases(gpus=width(0, 3), i=width(0, 0)), steps=_ask(lambda c: ex.try_all_gpus()),
             defaults=({"gpus": 0, "i": 0}, {"gpus": 3, "i": 0}), hints=_hints,
             what="the contexts try_all_gpus returned", show=lambda c: _shown(c, "try_all_gpus()")),
))

_COUNT = "mx.context.num_gpus()"
_IF = "    if mx.context.num_gpus() >= i + 1:\n"
_IMPORT = "import mxnet as mx\n"

MUTANTS = (
    Mutant("always_gpu0_imported_count", "`try_gpu(i)` returns `mx.gpu()` (GPU 0) whatever `i`; the count comes "
           "from `from mxnet.context import num_gpus`.",
           edits=[(_IMPORT, _IMPORT + "from mxnet.context import num_gpus\n"), (_COUNT, "num_gpus()"),
                  ("return mx.gpu(i)", "return mx.gpu()")],
           fails={"try_gpu": ["expected the context gpu(1), got the context gpu(0)", "# a machine with 2 GPU(s)",
                              "`try_gpu(1)` asks for GPU 1"]}, passes=["try_gpu_default", "try_all_gpus"]),
    Mutant("off_by_one_npx", "`try_gpu(i)` returns `mx.gpu(i)` when there are i GPUs (`npx.num_gpus() >= i`).",
           edits=[(_IMPORT, _IMPORT + "from mxnet import npx\n"), (_IF, "    if npx.num_gpus() >= i:\n"),
                  (_COUNT, "npx.num_gpus()")],
           fails={"try_gpu": ["got the context gpu(", "there is no GPU", "(an off-by-one)"],
                  "try_gpu_default": ["expected the context cpu(0), got the context gpu(0)", "(an off-by-one)"]},
           passes=["try_all_gpus"]),
    Mutant("empty_list_util", "`try_all_gpus()` returns `[]` when there is no GPU (count from "
           "`mx.util.get_gpu_count`).",
           edits=[(_COUNT, "mx.util.get_gpu_count()"), ("return devices if devices else [mx.cpu()]", "return devices")],
           fails={"try_all_gpus": ["expected 1 items, got 0", "returns `[mx.cpu()]`, never an empty list",
                                   "# a machine with 0 GPU(s)"]},
           passes=["try_gpu", "try_gpu_default"]),
    Mutant("probe_allocation", "`try_gpu(i)` allocates an array on `mx.gpu(i)` to find out whether it exists.",
           edits=[(_IF + "        return mx.gpu(i)\n    return mx.cpu()\n",
                   "    try:\n        ctx = mx.gpu(i)\n        mx.nd.zeros((1,), ctx=ctx).wait_to_read()\n"
                   "    except mx.base.MXNetError:\n        ctx = mx.cpu()\n    return ctx\n")],
           fails={"try_gpu": ["got the context cpu(0)", "your code did not see them", "a probe that allocates"],
                  "try_gpu_default": ["expected the context gpu(0), got the context cpu(0)", "simulated"]},
           passes=["try_all_gpus"]),
    Mutant("count_at_import", "The GPU count is read once, when the module is imported.",
           edits=[(_COUNT, "NUM_GPUS"), (_IMPORT, _IMPORT + "\nNUM_GPUS = mx.context.num_gpus()\n")],
           fails={"try_gpu": ["got the context cpu(0)", "a count read once when the module is imported"],
                  "try_gpu_default": ["got the context cpu(0)", "a count read once when the module is imported"],
                  "try_all_gpus": ["got the context cpu(0)", "a count read once when the module is imported"]}),
    Mutant("string_context", "`try_gpu` returns the text `'gpu(i)'`, not a context.",
           edits=[("return mx.gpu(i)", "return f'gpu({i})'")],
           fails={"try_gpu": ["got str 'gpu(", "not their text"], "try_gpu_default": ["got str 'gpu(0)'"]},
           passes=["try_all_gpus"]),
)
