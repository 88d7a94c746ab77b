"""Benchmarks: `python -m bench all`, or `python -m bench NAME` (bench/__main__.py lists them)."""
