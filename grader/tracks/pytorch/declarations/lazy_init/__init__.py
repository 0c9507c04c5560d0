"""Lazy initialization (D2L "Lazy Initialization"): LazyLinear layers and materializing them."""

ORDER = ("lazy_mlp",)
