"""Concept quizzes and implementation exercises, with spaced repetition.

- :mod:`~dlbench.quiz.bank` loads banks (TOML schema v1, :mod:`~dlbench.quiz.schema`);
- :mod:`~dlbench.quiz.grading` grades answers; :mod:`~dlbench.quiz.generators` makes
  generated questions; :mod:`~dlbench.quiz.exercises` runs learners' code against hidden
  checks (:mod:`~dlbench.quiz.harness`) in a child process;
- :mod:`~dlbench.quiz.scheduling` (FSRS) and :mod:`~dlbench.quiz.progress` keep a
  learner's cards and reviews; :mod:`~dlbench.quiz.session` and
  :mod:`~dlbench.quiz.stats` are what ``dlbench quiz`` runs on;
- :mod:`~dlbench.quiz.lint` validates a bank.
"""

from .bank import Bank, load_bank, registered_banks, resolve_banks
from .grading import Grade, grade
from .model import Question

__all__ = ["Bank", "Grade", "Question", "grade", "load_bank", "registered_banks", "resolve_banks"]
