"""The results database (SQLAlchemy 2): runs, params, metric series, artifacts, tags.

SQLite under ``results/`` by default; any SQLAlchemy URL through ``--db`` or
``DLBENCH_DB``. :class:`ResultStore` is the only way in.
"""

from .models import decode_float, encode_float
from .store import RUN_STATUSES, ResultStore, flatten

__all__ = ["RUN_STATUSES", "ResultStore", "decode_float", "encode_float", "flatten"]
