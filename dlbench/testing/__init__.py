"""The plugin authors' kit: the conformance checks ``dlbench check`` runs, for your tests.

>>> from dlbench.testing import check_entry
>>> results = check_entry(dlbench.registry().entry("optimizer", "my-optimizer"))
>>> assert not [r for r in results if r.failed]
"""

from .conformance import (CHECKS, CheckResult, ConformanceFailure, require, check_entry, check_initializer, check_loss,
                          check_module, check_optimizer, quadratic_loss_and_grad, run_optimizer)

__all__ = ["CHECKS", "CheckResult", "ConformanceFailure", "require", "check_entry", "check_initializer", "check_loss",
           "check_module", "check_optimizer", "quadratic_loss_and_grad", "run_optimizer"]
