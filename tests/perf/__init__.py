"""Benchmarks: run as scripts (python -m tests.perf.<name>), never collected by pytest."""
