"""The PyTorch track: its exercise declarations (and, in time, its worker operations)."""
