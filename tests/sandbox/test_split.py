"""grader.sandbox.split: the results of several judge processes, in order, whatever the scheduling."""
from __future__ import annotations

import os
import random
import time

import pytest

from grader.sandbox.split import run_split


def test_results_in_the_items_order_from_several_processes() -> None:
    pids = run_split(list(range(12)), lambda i, _: (i, os.getpid()), jobs=3, pool=None)
    assert [i for i, _ in pids] == list(range(12))


def test_the_same_results_whatever_the_scheduling() -> None:
    """Each item sleeps a random while in whichever process takes it: the results do not change."""
    def work(item: int, _: object) -> int:
        time.sleep(random.Random(os.getpid() * 1000 + item).random() / 50)
        return item * item

    runs = [run_split(list(range(10)), work, jobs=jobs, pool=None) for jobs in (1, 2, 3, 3)]
    assert all(run == [i * i for i in range(10)] for run in runs)


def test_one_job_runs_in_this_process() -> None:
    assert run_split([1, 2], lambda i, _: os.getpid(), jobs=1, pool=None) == [os.getpid()] * 2


def test_on_result_sees_each_result_in_order_and_share_runs_in_every_process() -> None:
    seen: list[int] = []
    shares = run_split(list(range(6)), lambda i, _: i, jobs=2, pool=None, on_result=seen.append,
                       share=lambda jobs: os.environ.__setitem__("SPLIT_SHARE", str(jobs)))
    assert seen == shares == list(range(6)) and os.environ.pop("SPLIT_SHARE") == "2"


def test_an_item_a_copy_could_not_finish_is_graded_again_here() -> None:
    parent = os.getpid()

    def work(item: int, _: object) -> int:
        if os.getpid() != parent and item == 1:
            os._exit(3)  # the copy dies with item 1 taken
        return item * 10

    assert run_split([0, 1, 2, 3], work, jobs=2, pool=None) == [0, 10, 20, 30]


def test_an_error_in_a_copy_is_raised_here() -> None:
    def work(item: int, _: object) -> int:
        if item == 2:
            raise ValueError("grader bug")
        return item

    with pytest.raises(ValueError, match="grader bug"):
        run_split([0, 1, 2, 3], work, jobs=2, pool=None)


class _Pool:
    def __init__(self, name: str) -> None:
        self.name, self.forgotten = name, False

    def split(self) -> "_Pool":
        return _Pool(self.name + "'")

    def forget(self) -> None:
        self.forgotten = True


def test_each_copy_grades_with_its_own_pool() -> None:
    pool = _Pool("A")
    names = run_split(list(range(8)), lambda i, p: p.name, jobs=2, pool=pool)
    assert set(names) <= {"A", "A'"} and not pool.forgotten
