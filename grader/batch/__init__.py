"""Batch grading for instructors: a whole class of submissions, a class report, a gradebook.

``grade batch SUBMISSIONS --out DIR`` (see :mod:`grader.cli`) is a thin
wrapper over :func:`run_batch`. The package, one concept a module:

- :mod:`~grader.batch.discover`: the students in SUBMISSIONS;
- :mod:`~grader.batch.unpack`: reading a folder or an untrusted zip safely;
- :mod:`~grader.batch.tasks`, :mod:`~grader.batch.keys`: a student's task and
  its grade key (what makes stored results reusable);
- :mod:`~grader.batch.job`: grading one student in a job process or on a
  Dask worker, with a per-process warm worker pool;
- :mod:`~grader.batch.executors`: local job processes, Dask, or inline;
- :mod:`~grader.batch.store`: the output folder, written atomically;
- :mod:`~grader.batch.summarise`, :mod:`~grader.batch.stats`,
  :mod:`~grader.batch.gradebook`: records, class statistics, ``grades.csv``
  and ``summary.json`` (the HTML page is :mod:`grader.batch.class_report`);
- :mod:`~grader.batch.progress`: progress bar or plain lines.

Example:
    >>> from grader.batch import run_batch, LocalExecutor
    >>> result = run_batch(Path("submissions"), Path("graded"), seed=1,     # doctest: +SKIP
    ...                    target="model_construction", executor=LocalExecutor(jobs=2))
    >>> [r.student for r in result.faults]                                # doctest: +SKIP
    []
"""
from __future__ import annotations

from grader.batch.discover import BatchUsageError
from grader.batch.executors import DaskExecutor, ExecutorUnavailable, InlineExecutor, LocalExecutor, default_jobs
from grader.batch.model import StudentRecord
from grader.batch.runner import BatchResult, run_batch
from grader.batch.unpack import UnpackLimits

__all__ = ["run_batch", "BatchResult", "BatchUsageError", "StudentRecord", "LocalExecutor", "DaskExecutor",
           "InlineExecutor", "ExecutorUnavailable", "UnpackLimits", "default_jobs"]
