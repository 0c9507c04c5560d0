"""devices beyond its declared mutants: GPUs are simulated in the worker only, so grading never
changes what the judge's own torch reports."""
from __future__ import annotations

import torch

from grader.catalog import find, mutants_of
from grader.engine import grade
from tests.conftest import ROOT

SEL_ID = "devices/select"


def test_simulated_gpus_leave_the_judges_torch_untouched(pool, tmp_path):
    mutant = next(m for m in mutants_of(SEL_ID) if m.slug == "try_gpu_always_cuda")
    folder = mutant.write_submission(SEL_ID, ROOT / "solutions", tmp_path / "submission")
    cuda_before = (torch.cuda.device_count(), torch.cuda.is_available())
    result = grade(folder, (find(SEL_ID),), seed=0, pool=pool).exercises[0]
    assert {c.check: c.passed for c in result.checks} == {"try_gpu": False, "try_all_gpus": True}
    assert (torch.cuda.device_count(), torch.cuda.is_available()) == cuda_before
