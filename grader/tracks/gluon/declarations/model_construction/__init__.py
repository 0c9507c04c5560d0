"""Exercise declarations of the topic model_construction (Gluon track).

Example:
    >>> ORDER[0]
    'mlp'
"""

ORDER = ("mlp", "my_sequential", "fixed_hidden_mlp", "nest_mlp", "parallel", "stack")
