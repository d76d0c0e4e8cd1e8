"""Benchmarks: the engine against a plain pandas implementation of the same indicators."""
