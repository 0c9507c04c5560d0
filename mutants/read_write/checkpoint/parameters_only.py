"""Saves only the parameters (`named_parameters()`) and loads with `strict=False`: BatchNorm's running statistics are lost.

Known-bad submission (a mutant) of read_write/checkpoint: `grade selftest` checks that at least
one check fails on it. Derived from the reference solution: never give it to students.
Source: test_book_style.py.
"""
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": dict(model.named_parameters()), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    ck = torch.load(path, weights_only=True)
    model.load_state_dict(ck["model"], strict=False)
    optimizer.load_state_dict(ck["optimizer"])
    return int(ck["epoch"])
