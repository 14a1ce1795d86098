"""Benchmark harness: tallyroom against its peers and the reading floor.

Run ``python -m benchmarks --help``; see ``docs/performance.md``.
"""
