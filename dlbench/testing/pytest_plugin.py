"""pytest plugin (entry point ``pytest11``): fixtures for testing dlbench plugins.

- ``dlbench_registry``: a registry built fresh for the test (installed plugins included).
- ``dlbench_check``: ``dlbench_check(kind, name)`` runs the conformance checks of
  ``dlbench check`` on one item and fails the test with every failing property.

pytest loads this module in every project of an environment where dlbench is installed,
so it imports nothing at module level but pytest: dlbench itself (the checks, the quiz,
the architectures) is imported only by a test that uses a fixture
(``tests/test_imports.py`` checks this on an unrelated project).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def dlbench_registry():
    import dlbench

    return dlbench.registry(refresh=True)


@pytest.fixture
def dlbench_check(dlbench_registry):
    from dlbench.testing import check_entry

    def run(kind: str, name: str):
        results = check_entry(dlbench_registry.entry(kind, name), registry=dlbench_registry)
        failed = [f"{r.prop}: {r.detail}" for r in results if r.failed]
        if failed:
            pytest.fail(f"{kind} {name!r} fails conformance:\n  " + "\n  ".join(failed))
        return results

    return run
