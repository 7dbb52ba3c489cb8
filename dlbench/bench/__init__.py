"""Benchmark tasks, datasets, planning and executors (no SQL here: results are plain objects).

Public names for task and dataset plugins: :class:`Task`, :class:`TaskConfig`,
:class:`Preset`, :func:`setting`, :class:`Metric`, :class:`Choice`, :func:`parse_choice`,
:class:`Observer`, :class:`RunResult`, :class:`Diverged`, :class:`Dataset`, :class:`Surface`.
"""

from .choices import Choice, parse_choice
from .data import Dataset
from .observer import Diverged, Observer, RunResult
from .settings import Metric, Setting, setting
from .surfaces import Surface
from .task import Preset, Task, TaskConfig

__all__ = ["Choice", "Dataset", "Diverged", "Metric", "Observer", "Preset", "RunResult",
           "Setting", "Surface", "Task", "TaskConfig", "parse_choice", "setting"]
