"""The blank-database schema is pinned, the ORM agrees with the migrations, and results
and quiz progress never share a database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from dlbench.errors import StorageError
from dlbench.storage import RunStore
from dlbench.storage.migrations import QUIZ, RESULTS
from dlbench.storage.models import Base
from dlbench.storage.quiz_store import QuizStore

SNAPSHOT = Path(__file__).with_name("schema.sql")


def tables(path) -> set[str]:
    con = sqlite3.connect(path)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    return names


def blank_schema(path) -> str:
    RunStore(f"sqlite:///{path}", create=True).close()
    con = sqlite3.connect(path)
    rows = con.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                       "ORDER BY type DESC, name").fetchall()
    con.close()
    text = "\n".join(r[0].strip() + ";" for r in rows)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def test_blank_database_schema_is_pinned(tmp_path):
    """If this fails on purpose, add a migration and update tests/storage/schema.sql."""
    assert blank_schema(tmp_path / "blank.db") == SNAPSHOT.read_text()


def test_migrations_are_recorded_in_order(tmp_path):
    store = RunStore(f"sqlite:///{tmp_path / 'x.db'}", create=True)
    assert store.applied_migrations() == RESULTS.names()


def test_orm_models_match_the_migrated_tables(tmp_path):
    store = RunStore(f"sqlite:///{tmp_path / 'x.db'}", create=True)
    inspector = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        db_cols = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(db_cols) == set(table.columns.keys()), table.name
        for col in table.columns:
            assert db_cols[col.name]["nullable"] == col.nullable or col.primary_key, (table.name, col.name)


def test_reopening_applies_nothing_new(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    RunStore(url, create=True).close()
    before = Path(tmp_path / "x.db").stat().st_size
    RunStore(url).close()
    assert Path(tmp_path / "x.db").stat().st_size == before


def test_results_and_quiz_progress_never_share_a_database(tmp_path):
    results, quiz = tmp_path / "r.db", tmp_path / "q.db"
    RunStore(f"sqlite:///{results}", create=True).close()
    QuizStore(f"sqlite:///{quiz}").close()
    assert not any(t.startswith("quiz_") for t in tables(results))
    assert "runs" not in tables(quiz) and "quiz_cards" in tables(quiz)
    with pytest.raises(StorageError, match="quiz-progress database, not a results database"):
        RunStore(f"sqlite:///{quiz}")
    with pytest.raises(StorageError, match="results database, not a quiz-progress database"):
        QuizStore(f"sqlite:///{results}")


def _legacy(path, *, quiz_row: bool = False):
    """A database as the previous dlbench wrote every file: run and quiz tables together."""
    from sqlalchemy import create_engine

    from dlbench.storage import migrations

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        table = migrations._migrations_table(migrations.MetaData())
        table.create(conn)
        for name, fn in [RESULTS.migrations[0], QUIZ.migrations[0]]:
            fn(conn)
            conn.execute(table.insert().values(name=name))
        if quiz_row:
            conn.exec_driver_sql("INSERT INTO quiz_settings (key, value) VALUES ('x', '{}')")
    engine.dispose()


def test_an_older_results_file_loses_its_empty_quiz_tables(tmp_path):
    path = tmp_path / "old.db"
    _legacy(path)
    RunStore(f"sqlite:///{path}").close()
    assert not any(t.startswith("quiz_") for t in tables(path)) and "run_claims" in tables(path)


def test_an_older_file_holding_quiz_rows_keeps_them(tmp_path):
    path = tmp_path / "old.db"
    _legacy(path, quiz_row=True)
    RunStore(f"sqlite:///{path}").close()
    assert "quiz_settings" in tables(path)  # nothing stored is deleted by an upgrade
    QuizStore(f"sqlite:///{path}").close()  # and it is still readable as progress
