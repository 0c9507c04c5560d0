"""Similar submissions: per exercise, the pairs of students whose own code is unusually alike.

Token-based winnowing fingerprints (:mod:`grader.batch.similarity.compare`) that
survive renamed variables, reordered methods, edited comments and
reformatting, with the stub and the reference solution discounted. The
submissions are read as text (:mod:`grader.batch.similarity.sources`), never run.

Example:
    >>> from grader.batch.similarity import Settings, compare_exercise
    >>> compare_exercise("t/e", {"a": "x = 1", "b": "y = 2"})
    []
"""
from grader.batch.similarity.classwide import SimilarityReport, class_similarity
from grader.batch.similarity.compare import Pair, Settings, compare_exercise

__all__ = ["Pair", "Settings", "SimilarityReport", "class_similarity", "compare_exercise"]
