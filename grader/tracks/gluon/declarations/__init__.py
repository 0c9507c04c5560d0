"""The Gluon track's exercise declarations: one package per topic, one module per exercise
(``EXERCISE``, ``HIDDEN``, ``MUTANTS``), in the chapter's order.

Example:
    >>> TOPICS[0], len(TOPICS)
    ('model_construction', 6)
"""

TOPICS = ("model_construction", "parameters", "lazy_init", "custom_layers", "read_write", "devices")
