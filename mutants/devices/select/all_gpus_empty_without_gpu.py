"""`try_all_gpus` returns `[]` without a GPU.

Known-bad submission (a mutant) of devices/select: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_devices_bugs.py SEL_CASES[all_gpus_empty_without_gpu].
"""
import torch
def try_gpu(i=0):
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")

def try_all_gpus():
    return [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
