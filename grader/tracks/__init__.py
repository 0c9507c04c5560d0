"""Tracks: one framework each (PyTorch today), behind the framework-neutral worker core."""
