"""Hidden checks: graded by `grade batch` and `grade ci`, never by `grade exercise`.

Each module here maps exercise ids to extra checks in a ``HIDDEN`` dict; the
catalog appends them to their exercise, marked ``hidden``. `grade release`
leaves this package out of the student bundle, so students see neither these
checks nor their code.

Example (``grader/hidden/my_topic.py``)::

    HIDDEN = {"my_topic/my_layer": (
        Forward(id="forward_large", points=1, build=..., inputs=..., cases=large_cases),
    )}
"""
