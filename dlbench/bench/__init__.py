"""Benchmark tasks, datasets and the runner (no SQL here: results are plain objects)."""
