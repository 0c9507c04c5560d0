"""`try_gpu` returns a CUDA device even without a GPU.

Known-bad submission (a mutant) of devices/select: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_devices_bugs.py SEL_CASES[try_gpu_always_cuda].
"""
import torch
def try_gpu(i=0):
    return torch.device(f"cuda:{i}")

def try_all_gpus():
    devices = [torch.device(f"cuda:{i}") for i in range(torch.cuda.device_count())]
    return devices if devices else [torch.device("cpu")]
