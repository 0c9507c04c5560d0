"""Exercise declarations of the PyTorch track: ``<topic>/<name>.py``, one module per exercise.

Each module holds the exercise's ``EXERCISE`` (checks, points, known-mistake hints),
its ``HIDDEN`` checks and its ``MUTANTS``; a student release strips the last two.
A topic's ``__init__`` gives the order of its exercises in ``ORDER``.
"""

TOPICS = ("model_construction", "parameters", "lazy_init", "custom_layers", "read_write", "devices")
