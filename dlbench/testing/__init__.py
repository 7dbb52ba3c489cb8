"""The plugin authors' kit: the conformance checks ``dlbench check`` runs, for your tests.

>>> from dlbench.testing import check_entry
>>> results = check_entry(dlbench.registry().entry("optimizer", "my-optimizer"))
>>> assert not [r for r in results if r.failed]

A pytest plugin (``dlbench.testing.pytest_plugin``, installed with dlbench) provides the
``dlbench_registry`` and ``dlbench_check`` fixtures.
"""

from .core import CheckResult, ConformanceFailure, check_entry, require
from .initializers import check_initializer
from .modules import check_loss, check_module
from .optimizers import QUADRATIC_START, check_optimizer, quadratic_loss_and_grad, run_optimizer
from .registry_of_checks import CHECKS

__all__ = ["CHECKS", "CheckResult", "ConformanceFailure", "QUADRATIC_START", "check_entry",
           "check_initializer", "check_loss", "check_module", "check_optimizer",
           "quadratic_loss_and_grad", "require", "run_optimizer"]
