"""The trust boundary: worker processes that run student code, and their protocol."""
