"""Exercise declarations of the topic custom_layers (Gluon track).

Example:
    >>> ORDER
    ('centered', 'my_dense', 'pooling')
"""

ORDER = ("centered", "my_dense", "pooling")
