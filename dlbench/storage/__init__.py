"""The databases (SQLAlchemy 2): a results database of runs and a learner's quiz database.

:class:`~dlbench.storage.database.Database` opens either kind (engine, migrations,
transactions); :class:`RunStore` is the only way into a results database. SQLite under
``results/`` by default; any SQLAlchemy URL through ``--db`` or ``DLBENCH_DB``.
"""

from .database import Database, NoDatabase
from .engine import display_url
from .models import decode_float, encode_float
from .owners import Owner
from .records import (PRUNABLE_STATUSES, RESULT_STATUSES, RUN_STATUSES, Claim, RunDetail,
                      RunRecord)
from .runs import RunStore, flatten
from .storable import Unstorable

__all__ = ["Claim", "Database", "NoDatabase", "Owner", "PRUNABLE_STATUSES", "RESULT_STATUSES",
           "RUN_STATUSES", "RunDetail", "RunRecord", "RunStore", "Unstorable", "decode_float",
           "display_url", "encode_float", "flatten"]
