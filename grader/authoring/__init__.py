"""Exercise authoring: scaffold a new exercise (`grade new`) and prove the set sound (`grade selftest`).

Example:
    >>> from grader.authoring import parse_exercise_id
    >>> parse_exercise_id("my_topic/my_layer")
    ('my_topic', 'my_layer')
"""
from grader.authoring.scaffold import ScaffoldError, parse_exercise_id, scaffold
from grader.authoring.selftest import (ExerciseAudit, Mutant, MutantVerdict, SelftestReport, find_mutants,
                                       run_selftest, stray_mutants)

__all__ = ["ExerciseAudit", "Mutant", "MutantVerdict", "ScaffoldError", "SelftestReport", "find_mutants",
           "parse_exercise_id", "run_selftest", "scaffold", "stray_mutants"]
