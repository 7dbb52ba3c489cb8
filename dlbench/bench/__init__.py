"""Benchmark tasks, datasets and the runner (no SQL here: results are plain objects).

Public names for task and dataset plugins: :class:`Task`, :class:`TaskConfig`,
:class:`Preset`, :class:`Observer`, :class:`RunResult`, :class:`Diverged`,
:class:`Dataset`, :class:`Surface`.
"""

from .data import Dataset
from .observer import Diverged, Observer, RunResult
from .surfaces import Surface
from .task import Preset, Task, TaskConfig

__all__ = ["Dataset", "Diverged", "Observer", "Preset", "RunResult", "Surface", "Task",
           "TaskConfig"]
