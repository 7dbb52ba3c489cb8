"""The shipped question bank (``register_quiz_banks``).

A quiz bank is a folder of TOML question files (schema v1, see ``quizzes/AUTHORING.md``);
a third-party plugin registers its own folder the same way.
"""

from importlib.resources import files

from dlbench import hookimpl


@hookimpl
def register_quiz_banks(register):
    register(
        "course", str(files("dlbench.quizzes")),
        summary={"en": "Concept questions and implementation exercises for Day 1 and Day 2 "
                       "of the course (ja/en)",
                 "ja": "講座 Day1・Day2 の概念問題と実装演習(日本語・英語)"},
        reference="ゼロから作る Deep Learning; JDLA E資格 syllabus (深層学習 Day1/Day2)",
        formula="one TOML file per question, schema v1; numeric: |x − v| ≤ abs_tol + rel_tol·|v|",
        convention="dlbench quiz bank schema v1 (quizzes/AUTHORING.md)",
        example={"kwargs": {}, "lint": "dlbench quiz lint"},
    )
