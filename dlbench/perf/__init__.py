"""Performance measurement, a tool beside the domain (``dlbench perf``).

- :mod:`dlbench.perf.engine`: the numpy engine's speed on two standard cases, next to
  PyTorch CPU in the same process;
- :mod:`dlbench.perf.timing`: the runner's and the store's speed, each in a fresh process
  and database (``dlbench perf --runner``, ``python -m dlbench.perf.timing``).

Speed is only ever measured and printed, never asserted by a test.
"""
