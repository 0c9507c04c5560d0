"""A crash, hang or exit in one exercise costs that exercise only, with a clear message."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.results import Status
from tests.conftest import ROOT, check, text_of

GOOD_MLP = (ROOT / "solutions/model_construction/mlp.py").read_text()

BAD_PARALLEL = {
    "infinite_loop": ("""
        import torch
        from torch import nn
        class Parallel(nn.Module):
            def __init__(self, net1, net2, dim=1):
                super().__init__()
                self.net1, self.net2, self.dim = net1, net2, dim
            def forward(self, X):
                while True:
                    pass
        """, "time limit exceeded", "while True|pass"),
    "sys_exit_at_import": ("""
        import sys
        sys.exit(0)
        """, "sys.exit(0)", "sys.exit(0)"),
    "os_exit_in_forward": ("""
        import os
        import torch
        from torch import nn
        class Parallel(nn.Module):
            def __init__(self, net1, net2, dim=1):
                super().__init__()
                self.net1, self.net2, self.dim = net1, net2, dim
            def forward(self, X):
                os._exit(0)
        """, "os._exit(0)", "os._exit(0)"),
    "segfault_in_forward": ("""
        import ctypes
        import torch
        from torch import nn
        class Parallel(nn.Module):
            def __init__(self, net1, net2, dim=1):
                super().__init__()
                self.net1, self.net2, self.dim = net1, net2, dim
            def forward(self, X):
                return ctypes.string_at(0)
        """, "SIGSEGV", "ctypes.string_at(0)"),
    "exception_at_import": ("""
        import torch
        raise RuntimeError("boom at import")
        """, "boom at import", "raise RuntimeError"),
    "syntax_error": ("""
        import torch
        class Parallel(torch.nn.Module)
            pass
        """, "SyntaxError", "class Parallel"),
    "huge_allocation": ("""
        import torch
        from torch import nn
        class Parallel(nn.Module):
            def __init__(self, net1, net2, dim=1):
                super().__init__()
                self.net1, self.net2, self.dim = net1, net2, dim
            def forward(self, X):
                big = torch.empty(64 * 1024**3, dtype=torch.uint8)
                return big
        """, "memory", "torch.empty"),
}


@pytest.mark.parametrize("name", list(BAD_PARALLEL))
def test_a_broken_exercise_costs_only_itself(grade_files, name):
    source, needle, line_text = BAD_PARALLEL[name]
    run = grade_files({"model_construction/mlp.py": GOOD_MLP, "model_construction/parallel.py": source},
                      "model_construction", timeout=3.0)
    mlp = [c for c in run.checks if c.exercise == "model_construction/mlp"]
    assert mlp and all(c.passed for c in mlp), [(c.name, c.feedback) for c in mlp]
    par = [c for c in run.checks if c.exercise == "model_construction/parallel"]
    assert any(c.status is Status.FAILED for c in par)
    assert all(c.score == 0 for c in par if c.check != "names")  # names needs no forward
    first_failed = next(c for c in par if c.status is Status.FAILED)
    assert needle.lower() in text_of(first_failed).lower(), text_of(first_failed)
    assert first_failed.location is not None and first_failed.location.path == "model_construction/parallel.py"
    assert any(t in first_failed.location.source for t in line_text.split("|")), first_failed.location
    # every other exercise of the topic was still graded (missing files: a clear message)
    others = [e for e in run.exercises if e.exercise not in ("model_construction/mlp", "model_construction/parallel")]
    assert others and all("File not found" in e.message for e in others)


def test_missing_file_names_the_file(grade_files):
    run = grade_files({"model_construction/mlp.py": GOOD_MLP}, "model_construction/stack")
    assert run.score == 0
    assert "File not found: model_construction/stack.py" in run.exercises[0].message


def test_missing_class_is_named(grade_files):
    run = grade_files({"model_construction/mlp.py": "import torch\nclass Other: pass\n"}, "model_construction/mlp")
    c = check(run, "model_construction/mlp", "forward")
    assert "does not define `MLP`" in c.feedback


def test_forward_returning_wrong_type_and_nan(grade_files):
    src = GOOD_MLP.replace("return self.output(F.relu(self.hidden(X)))", "return [1, 2]")
    assert src != GOOD_MLP, "reference text changed: update this test"
    run = grade_files({"model_construction/mlp.py": src}, "model_construction/mlp")
    assert "expected a Tensor" in check(run, "model_construction/mlp", "forward").feedback
    nan = GOOD_MLP.replace("return self.output(F.relu(self.hidden(X)))",
                           "return self.output(F.relu(self.hidden(X))) * float('nan')")
    run = grade_files({"model_construction/mlp.py": nan}, "model_construction/mlp")
    assert "NaN" in check(run, "model_construction/mlp", "forward").feedback


def test_output_is_captured_and_truncated(grade_files):
    src = GOOD_MLP.replace("import torch\n", "import torch\nprint('x' * 500_000)\n", 1)
    run = grade_files({"model_construction/mlp.py": src}, "model_construction/mlp")
    out = run.exercises[0].output
    assert run.passed and "bytes of output omitted" in out and len(out) < 100_000
