"""The checks of each exercise, declared: one module a topic, each with ``EXERCISES``."""
